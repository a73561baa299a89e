"""Who a chat user is: the person linked to a platform id, with their roles, remembered until data changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person, PersonRole, PlatformIdentity, Role
from storage.read_cache import cached_entity, cached_read


@dataclass(frozen=True)
class KnownPerson:
    """A person as a request needs them: who, whether active, and what their roles let them do."""

    id: int
    name: str
    active: bool
    roles: frozenset[str]
    permissions: frozenset[str]


def with_roles() -> Select[Person, str | None, str | None]:
    """A person with each of their roles and its permissions, one row per role (one row if none)."""
    return (
        select(Person, Role.name, Role.permissions)
        .outerjoin(PersonRole, PersonRole.person_id == Person.id)
        .outerjoin(Role, Role.name == PersonRole.role_name)
    )


def known_person(rows: Sequence[Row[Person, str | None, str | None]]) -> KnownPerson | None:
    if not rows:
        return None
    person = rows[0][0]
    return KnownPerson(
        id=person.id,
        name=person.name,
        active=person.active,
        roles=frozenset(name for _, name, _ in rows if name),
        permissions=frozenset(p for _, _, line in rows for p in (line or "").split()),
    )


@cached_read
async def person_by_identity(session: AsyncSession, *, platform: str, external_id: str) -> KnownPerson | None:
    """The person linked to this platform id (one indexed query, then memory until the database changes)."""
    rows = await session.execute(
        with_roles()
        .join(PlatformIdentity, PlatformIdentity.person_id == Person.id)
        .where(PlatformIdentity.platform == platform, PlatformIdentity.external_id == external_id)
    )
    return known_person(rows.all())


async def person_by_id(session: AsyncSession, *, person_id: int) -> KnownPerson | None:
    return known_person((await session.execute(with_roles().where(Person.id == person_id))).all())


@cached_entity
async def person_row(session: AsyncSession, *, person_id: int) -> Person | None:
    """The person with this id, as the asking session's own object (remembered until the data changes)."""
    return await session.get(Person, person_id)
