"""Who is speaking: match a chat user to a person by stored identity, else by email, and remember it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handlers.context import Actor, Deps
from storage.identities import KnownPerson, person_by_id, person_by_identity
from storage.models import Person, PlatformIdentity


async def resolve_actor(
    deps: Deps, platform: str, platform_user_id: str, *, email: str | None = None, display_name: str = ""
) -> Actor:
    """The Actor for a platform user; links the identity on first sight when the email matches a person.

    Every inbound request passes here, so a linked user costs one indexed query, or none while the
    database has not changed since they last asked (`storage.read_cache`)."""
    async with deps.sessions() as session:
        known = await person_by_identity(session, platform=platform, external_id=platform_user_id)
        if known is None and email:
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
                known = await person_by_id(session, person_id=person_id)
    if known is None or not known.active:
        return Actor(platform=platform, platform_user_id=platform_user_id, name=display_name)
    return _actor(known, platform=platform, platform_user_id=platform_user_id)


async def actor_for_person(deps: Deps, person_id: int, *, platform: str, platform_user_id: str = "") -> Actor:
    """The Actor for a known person, with the permissions their roles grant."""
    async with deps.sessions() as session:
        known = await person_by_id(session, person_id=person_id)
    if known is None:
        return Actor(platform=platform, platform_user_id=platform_user_id)
    return _actor(known, platform=platform, platform_user_id=platform_user_id)


def _actor(known: KnownPerson, *, platform: str, platform_user_id: str) -> Actor:
    return Actor(
        platform=platform,
        platform_user_id=platform_user_id,
        person_id=known.id,
        name=known.name,
        roles=known.roles,
        permissions=known.permissions,
    )
