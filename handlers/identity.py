"""Who is speaking: match a chat user to a person by stored identity, else by email, and remember it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, Select, select
from sqlalchemy.exc import IntegrityError

from handlers.context import Actor, Deps
from storage.models import Person, PersonRole, PlatformIdentity, Role


def _with_roles() -> Select[Person, str | None, str | None]:
    """A person with each of their roles and its permissions, one row per role (one row if none)."""
    return (
        select(Person, Role.name, Role.permissions)
        .outerjoin(PersonRole, PersonRole.person_id == Person.id)
        .outerjoin(Role, Role.name == PersonRole.role_name)
    )


async def resolve_actor(
    deps: Deps, platform: str, platform_user_id: str, *, email: str | None = None, display_name: str = ""
) -> Actor:
    """The Actor for a platform user; links the identity on first sight when the email matches a person.

    Every inbound request passes here, so a linked user costs one indexed query."""
    async with deps.sessions() as session:
        rows = (
            await session.execute(
                _with_roles()
                .join(PlatformIdentity, PlatformIdentity.person_id == Person.id)
                .where(
                    PlatformIdentity.platform == platform, PlatformIdentity.external_id == platform_user_id
                )
            )
        ).all()
        if not rows and email:
            person = await session.scalar(select(Person).where(Person.email == email.strip().lower()))
            if person is not None:
                # Read it now: a rollback below expires the object, and async code cannot reload it.
                person_id = person.id
                session.add(
                    PlatformIdentity(
                        person_id=person_id,
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
                rows = (await session.execute(_with_roles().where(Person.id == person_id))).all()
    if not rows or not rows[0][0].active:
        return Actor(platform=platform, platform_user_id=platform_user_id, name=display_name)
    return _actor(rows, platform=platform, platform_user_id=platform_user_id)


async def actor_for_person(deps: Deps, person_id: int, *, platform: str, platform_user_id: str = "") -> Actor:
    """The Actor for a known person, with the permissions their roles grant."""
    async with deps.sessions() as session:
        rows = (await session.execute(_with_roles().where(Person.id == person_id))).all()
    if not rows:
        return Actor(platform=platform, platform_user_id=platform_user_id)
    return _actor(rows, platform=platform, platform_user_id=platform_user_id)


def _actor(
    rows: Sequence[Row[Person, str | None, str | None]], *, platform: str, platform_user_id: str
) -> Actor:
    person = rows[0][0]
    return Actor(
        platform=platform,
        platform_user_id=platform_user_id,
        person_id=person.id,
        name=person.name,
        roles=frozenset(name for _, name, _ in rows if name),
        permissions=frozenset(p for _, _, line in rows for p in (line or "").split()),
    )
