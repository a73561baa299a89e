"""Who is speaking: match a chat user to a person by stored identity, else by email, and remember it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Actor, Deps
from storage.models import Person, PersonRole, PlatformIdentity, Role


async def resolve_actor(
    deps: Deps, platform: str, platform_user_id: str, *, email: str | None = None, display_name: str = ""
) -> Actor:
    """The Actor for a platform user; links the identity on first sight when the email matches a person."""
    async with deps.sessions() as session:
        person = await session.scalar(
            select(Person)
            .join(PlatformIdentity, PlatformIdentity.person_id == Person.id)
            .where(PlatformIdentity.platform == platform, PlatformIdentity.external_id == platform_user_id)
        )
        if person is None and email:
            person = await session.scalar(select(Person).where(Person.email == email.strip().lower()))
            if person is not None:
                session.add(
                    PlatformIdentity(
                        person_id=person.id,
                        platform=platform,
                        external_id=platform_user_id,
                        linked_at=deps.clock.now(),
                    )
                )
                try:
                    await session.commit()
                except IntegrityError:
                    # Linked concurrently by another request, or this person already has another id here.
                    await session.rollback()
        if person is None or not person.active:
            return Actor(platform=platform, platform_user_id=platform_user_id, name=display_name)
        # Same session: every inbound request passes here, so a linked user costs two indexed queries.
        return await _actor(session, person, platform=platform, platform_user_id=platform_user_id)


async def actor_for_person(deps: Deps, person_id: int, *, platform: str, platform_user_id: str = "") -> Actor:
    """The Actor for a known person, with the permissions their roles grant."""
    async with deps.sessions() as session:
        person = await session.get(Person, person_id)
        if person is None:
            return Actor(platform=platform, platform_user_id=platform_user_id)
        return await _actor(session, person, platform=platform, platform_user_id=platform_user_id)


async def _actor(session: AsyncSession, person: Person, *, platform: str, platform_user_id: str) -> Actor:
    """Roles and the permissions they grant, in one query."""
    granted = (
        await session.execute(
            select(Role.name, Role.permissions)
            .join(PersonRole, PersonRole.role_name == Role.name)
            .where(PersonRole.person_id == person.id)
        )
    ).all()
    return Actor(
        platform=platform,
        platform_user_id=platform_user_id,
        person_id=person.id,
        name=person.name,
        roles=frozenset(name for name, _ in granted),
        permissions=frozenset(p for _, line in granted for p in line.split()),
    )
