"""Who a survey asks: its audience as people, their invitations (one outbox row each), who has not answered.

Invitations go to everyone in the audience alike, so those rows say nothing about who answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Person, PersonRole, PlatformIdentity, SurveyKey, UpdateRequest
from storage.surveys import answered_digests, respondent_digest

INVITE_KIND = "survey_invite"


def respondent_key(person_id: int) -> str:
    """What the who-answered hash is computed from: the person, never stored in the clear."""
    return f"person:{person_id}"


async def audience_people(
    session: AsyncSession,
    *,
    kind: str,
    value: str,
    platform: str = "",
    platform_user_ids: Iterable[str] = (),
) -> list[Person]:
    """Active people in an audience: everyone, holders of a role, or the known members of a channel."""
    query = select(Person).where(Person.active.is_(True)).options(selectinload(Person.identities))
    if kind == "role":
        query = query.join(PersonRole).where(PersonRole.role_name == value)
    elif kind == "channel":
        ids = list(platform_user_ids)
        query = query.join(PlatformIdentity).where(
            PlatformIdentity.platform == platform, PlatformIdentity.external_id.in_(ids)
        )
    elif kind != "everyone":
        raise ValueError(f"unknown audience {kind!r}")
    return list((await session.scalars(query.order_by(Person.id))).unique())


def queue_invitations(
    session: AsyncSession, *, survey_id: str, period: str, people: Iterable[Person], now: datetime
) -> int:
    """One pending outbox row per invitee; `send_survey_invitations` (jobs) sends them."""
    count = 0
    for person in people:
        session.add(
            UpdateRequest(
                kind=INVITE_KIND,
                recipient=f"person:{person.id}",
                person_id=person.id,
                subject=survey_id,
                period=period,
                status="pending",
                attempts=0,
                due_at=now,
                created_at=now,
            )
        )
        count += 1
    return count


async def is_invited(session: AsyncSession, *, survey_id: str, person_id: int) -> bool:
    found = await session.scalar(
        select(UpdateRequest.id).where(
            UpdateRequest.kind == INVITE_KIND,
            UpdateRequest.subject == survey_id,
            UpdateRequest.person_id == person_id,
        )
    )
    return found is not None


async def invitees_not_answered(session: AsyncSession, *, survey_id: str) -> list[Person]:
    """Invited people whose hash is not among the survey's who-answered hashes (open surveys only)."""
    key = await session.scalar(select(SurveyKey.key).where(SurveyKey.survey_id == survey_id))
    if key is None:
        return []
    answered = await answered_digests(session, survey_id=survey_id)
    invited = await session.scalars(
        select(Person)
        .join(UpdateRequest, UpdateRequest.person_id == Person.id)
        .where(UpdateRequest.kind == INVITE_KIND, UpdateRequest.subject == survey_id, Person.active.is_(True))
        .options(selectinload(Person.identities))
        .order_by(Person.id)
    )
    return [p for p in invited.unique() if respondent_digest(key, respondent_key(p.id)) not in answered]


async def forget_invitations(session: AsyncSession, *, survey_id: str) -> int:
    """Delete every invitation row of a survey, sent or not (at close: nothing ties a person to it)."""
    result = await session.execute(
        delete(UpdateRequest).where(UpdateRequest.kind == INVITE_KIND, UpdateRequest.subject == survey_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)
