"""Who is speaking: match a chat user to a person by stored identity, else by email, and remember it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

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
        return await actor_for_person(deps, person.id, platform=platform, platform_user_id=platform_user_id)


async def actor_for_person(deps: Deps, person_id: int, *, platform: str, platform_user_id: str = "") -> Actor:
    """The Actor for a known person, with the permissions their roles grant."""
    async with deps.sessions() as session:
        person = await session.scalar(
            select(Person).where(Person.id == person_id).options(selectinload(Person.roles))
        )
        if person is None:
            return Actor(platform=platform, platform_user_id=platform_user_id)
        roles = frozenset(person.role_names)
        granted = (
            await session.scalars(
                select(Role.permissions).join(PersonRole).where(PersonRole.person_id == person_id)
            )
        ).all()
        permissions = frozenset(p for line in granted for p in line.split())
        return Actor(
            platform=platform,
            platform_user_id=platform_user_id,
            person_id=person.id,
            name=person.name,
            roles=roles,
            permissions=permissions,
        )
