"""Import the people file: keyed by email, in place, idempotent; people who left are deactivated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.models import Person, PersonRole, PlatformIdentity, Role
from storage.models.enums import Platform
from storage.people_file import PersonSpec


@dataclass
class PeopleReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    total: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


async def known_roles(session: AsyncSession) -> set[str]:
    return set((await session.scalars(select(Role.name))).all())


async def import_people(
    session: AsyncSession, people: list[PersonSpec], *, now: datetime, actor: str = "cli"
) -> PeopleReport:
    """Apply the people file inside the caller's transaction. Nothing is committed here."""
    report = PeopleReport(total=len(people))
    existing = {
        p.email: p
        for p in (
            await session.scalars(
                select(Person).options(selectinload(Person.roles), selectinload(Person.identities))
            )
        ).all()
    }
    for spec in people:
        person = existing.get(spec.email)
        values: dict[str, Any] = {
            "name": spec.name,
            "team": spec.team,
            "timezone": spec.timezone,
            "on_probation": spec.on_probation,
            "leads": ";".join(spec.leads),
            "manager_email": spec.manager,
            "active": True,
        }
        if person is None:
            person = Person(
                email=spec.email, created_at=now, updated_at=now, roles=[], identities=[], **values
            )
            session.add(person)
            _sync_roles(person, spec)
            _sync_identities(person, spec, now)
            report.created.append(spec.email)
            audit.record(
                session, at=now, actor=actor, event="person.create", entity="person", entity_key=spec.email
            )
            continue
        changed = [name for name, value in values.items() if getattr(person, name) != value]
        for name in changed:
            setattr(person, name, values[name])
        changed += _sync_roles(person, spec) + _sync_identities(person, spec, now)
        if changed:
            person.updated_at = now
            report.updated.append(spec.email)
            audit.record(
                session,
                at=now,
                actor=actor,
                event="person.update",
                entity="person",
                entity_key=spec.email,
                detail={"fields": changed},
            )
    listed = {p.email for p in people}
    for email, person in existing.items():
        if email not in listed and person.active:
            person.active = False
            person.updated_at = now
            report.deactivated.append(email)
            audit.record(
                session,
                at=now,
                actor=actor,
                event="person.deactivate",
                entity="person",
                entity_key=email,
                note="no longer in the people file; kept for their evidence, never nudged",
            )
    await session.flush()
    return report


def _sync_roles(person: Person, spec: PersonSpec) -> list[str]:
    if sorted(person.role_names) == sorted(spec.roles):
        return []
    person.roles[:] = [PersonRole(role_name=r) for r in sorted(spec.roles)]
    return ["roles"]


def _sync_identities(person: Person, spec: PersonSpec, now: datetime) -> list[str]:
    """Set ids the file gives; an empty cell keeps an id the bot linked itself (by email lookup)."""
    changed: list[str] = []
    wanted = {Platform.SLACK.value: spec.slack_user_id, Platform.TEAMS.value: spec.teams_user_id}
    by_platform = {i.platform: i for i in person.identities}
    for platform, external_id in wanted.items():
        if not external_id:
            continue
        identity = by_platform.get(platform)
        if identity is None:
            person.identities.append(
                PlatformIdentity(platform=platform, external_id=external_id, linked_at=now)
            )
            changed.append(f"{platform}_user_id")
        elif identity.external_id != external_id:
            identity.external_id = external_id
            identity.linked_at = now
            identity.conversation_ref = None
            changed.append(f"{platform}_user_id")
    return changed
