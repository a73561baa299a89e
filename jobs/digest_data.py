"""What the digests and the review pack read, gathered in a fixed number of set-based queries.

`gather` issues the same dozen statements for 10 actions or 10,000 (`benchmarks/digest_sql.py` counts
them): latest statuses come from one window-function query, not one query per action.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs import outbox
from storage.models import Action, Evidence, Objective, Person, Plan, Status, UpdateRequest
from storage.objectives import CoverageRow, coverage
from storage.plan_queries import current_plan

# How many lines of new evidence a digest lists before it only counts.
MAX_LISTED = 10


@dataclass(frozen=True)
class ActionRow:
    id: int
    key: str
    title: str
    objective_id: int
    status: str
    before: str  # status at the start of the window
    team: str = ""


@dataclass(frozen=True)
class EvidenceRow:
    action_id: int
    action_key: str
    author: str
    status: str | None
    narrative: str
    links: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class OverdueRow:
    owner: str
    subject: str
    period: str
    escalated: bool
    action_id: int | None = None


@dataclass
class DigestData:
    plan: Plan
    objectives: list[Objective]
    actions: list[ActionRow]
    latest: dict[int, EvidenceRow]
    new_evidence: list[EvidenceRow]
    new_evidence_count: int
    overdue: list[OverdueRow] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def by_objective(self) -> list[tuple[Objective, list[ActionRow]]]:
        grouped: dict[int, list[ActionRow]] = {o.id: [] for o in self.objectives}
        for action in self.actions:
            grouped.setdefault(action.objective_id, []).append(action)
        return [(o, grouped[o.id]) for o in self.objectives]

    def counts(self, actions: list[ActionRow], *, before: bool = False) -> Counter[str]:
        return Counter(a.before if before else a.status for a in actions)


# The evidence columns every digest and the review pack read.
EVIDENCE_COLUMNS = (
    Evidence.action_id,
    Evidence.status,
    Evidence.narrative,
    Evidence.author_name,
    Evidence.links,
    Evidence.created_at,
)


def latest_per_action(plan_id: int, *, until: datetime, with_status: bool) -> Select[Any]:
    """The latest evidence per action up to `until` (with a status only, if asked): one window query."""
    query = (
        select(
            *EVIDENCE_COLUMNS,
            func.row_number()
            .over(partition_by=Evidence.action_id, order_by=(Evidence.created_at.desc(), Evidence.id.desc()))
            .label("rank"),
        )
        .join(Action, Action.id == Evidence.action_id)
        .where(Action.plan_id == plan_id, Evidence.created_at <= until)
    )
    if with_status:
        query = query.where(Evidence.status.is_not(None))
    ranked = query.subquery()
    return select(ranked).where(ranked.c.rank == 1)


async def gather(
    session: AsyncSession, *, since: datetime, until: datetime, personal: bool, plan_key: str | None = None
) -> DigestData | None:
    """Everything a digest shows for the window `since`–`until`. `personal=False` skips named data."""
    plan = await current_plan(session, plan_key, today=until.date())
    if plan is None:
        return None
    objectives = list(
        (
            await session.scalars(
                select(Objective)
                .where(Objective.plan_id == plan.id, Objective.archived_at.is_(None))
                .order_by(Objective.position)
            )
        ).all()
    )
    before: dict[int, str] = {
        row.action_id: row.status
        for row in (await session.execute(latest_per_action(plan.id, until=since, with_status=True))).all()
    }
    latest: dict[int, EvidenceRow] = {}
    keys: dict[int, str] = {}
    actions: list[ActionRow] = []
    for a in (
        await session.execute(
            select(Action.id, Action.key, Action.title, Action.objective_id, Action.status, Action.team)
            .where(Action.plan_id == plan.id, Action.archived_at.is_(None))
            .order_by(Action.position)
        )
    ).all():
        keys[a.id] = a.key
        actions.append(
            ActionRow(
                a.id,
                a.key,
                a.title,
                a.objective_id,
                a.status,
                before.get(a.id, Status.NOT_STARTED.value),
                a.team,
            )
        )
    for row in (await session.execute(latest_per_action(plan.id, until=until, with_status=False))).all():
        latest[row.action_id] = _evidence(row, keys)
    new_filter = (Action.plan_id == plan.id, Evidence.created_at > since, Evidence.created_at <= until)
    new_count = int(
        await session.scalar(
            select(func.count())
            .select_from(Evidence)
            .join(Action, Action.id == Evidence.action_id)
            .where(*new_filter)
        )
        or 0
    )
    new_rows = (
        await session.execute(
            select(*EVIDENCE_COLUMNS)
            .join(Action, Action.id == Evidence.action_id)
            .where(*new_filter)
            .order_by(Evidence.created_at.desc(), Evidence.id.desc())
            .limit(MAX_LISTED)
        )
    ).all()
    data = DigestData(
        plan=plan,
        objectives=objectives,
        actions=actions,
        latest=latest,
        new_evidence=[_evidence(r, keys) for r in new_rows],
        new_evidence_count=new_count,
        coverage=await coverage(session, plan_id=plan.id, by="role"),
    )
    if personal:
        data.overdue = await _overdue(session, until=until, plan_id=plan.id)
        data.failed = await _failed(session, since=since)
    return data


def _evidence(row: object, keys: dict[int, str]) -> EvidenceRow:
    r = row._mapping  # type: ignore[attr-defined]
    created = r["created_at"]
    return EvidenceRow(
        action_id=r["action_id"],
        action_key=keys.get(r["action_id"], "?"),
        author=r["author_name"] or "",
        status=r["status"],
        narrative=r["narrative"] or "",
        links=tuple(r["links"] or ()),
        at=created if isinstance(created, datetime) else datetime.fromisoformat(str(created)),
    )


async def _overdue(session: AsyncSession, *, until: datetime, plan_id: int) -> list[OverdueRow]:
    """The plan's asks still unanswered after at least one reminder, or escalated, by owner."""
    rows = (
        await session.execute(
            select(
                Person.name,
                UpdateRequest.subject,
                UpdateRequest.period,
                UpdateRequest.escalated_at,
                UpdateRequest.action_id,
            )
            .join(Person, Person.id == UpdateRequest.person_id)
            .join(Action, Action.id == UpdateRequest.action_id)
            .where(
                Action.plan_id == plan_id,
                UpdateRequest.kind == outbox.ASK,
                UpdateRequest.answered_at.is_(None),
                (UpdateRequest.reminders > 0) | UpdateRequest.escalated_at.is_not(None),
                UpdateRequest.created_at <= until,
            )
            .order_by(Person.name, UpdateRequest.subject)
        )
    ).all()
    return [
        OverdueRow(name, subject, period, escalated is not None, action_id)
        for name, subject, period, escalated, action_id in rows
    ]


async def _failed(session: AsyncSession, *, since: datetime) -> list[str]:
    rows = (
        await session.execute(
            select(
                UpdateRequest.kind,
                UpdateRequest.recipient,
                UpdateRequest.period,
                UpdateRequest.last_error,
                Person.name,
            )
            .outerjoin(Person, Person.id == UpdateRequest.person_id)
            .where(UpdateRequest.status == outbox.FAILED, UpdateRequest.created_at > since)
            .order_by(UpdateRequest.id)
        )
    ).all()
    return [
        f"{kind} to {name or recipient} ({period}): {error or 'unknown error'}"
        for kind, recipient, period, error, name in rows
    ]
