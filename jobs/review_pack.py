"""The six-monthly review pack's content: per objective and action, status over the period, every piece
of evidence, the measures, SMART coverage and the charts — as plain data; `bot` renders HTML, Markdown, CSV.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from handlers.messages import Image
from jobs.charts import status_by_objective
from jobs.digest_data import EvidenceRow, latest_per_action
from jobs.periods import long_date
from storage.models import Action, Evidence, Objective, Person, Plan, Status
from storage.objectives import CoverageRow, coverage
from storage.plan_queries import current_plan


@dataclass(frozen=True)
class MeasureRow:
    text: str
    kind: str
    target: str
    cadence: str
    status: str


@dataclass
class ActionPack:
    key: str
    title: str
    team: str
    owners: list[str]
    stretch: bool
    cadence: str
    status_start: str
    status_end: str
    evidence: list[EvidenceRow] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)

    @property
    def changes(self) -> list[tuple[datetime, str]]:
        """The status each time an update set one, in date order."""
        return [(e.at, e.status) for e in self.evidence if e.status]


@dataclass
class ObjectivePack:
    key: str
    name: str
    summary: str
    actions: list[ActionPack]

    def counts(self, *, end: bool) -> Counter[str]:
        return Counter(a.status_end if end else a.status_start for a in self.actions)


@dataclass
class ReviewPack:
    plan_name: str
    plan_key: str
    start: date
    end: date
    generated_at: datetime
    objectives: list[ObjectivePack]
    coverage_by_role: list[CoverageRow]
    coverage_by_team: list[CoverageRow]
    charts: list[Image]

    @property
    def evidence_count(self) -> int:
        return sum(len(a.evidence) for o in self.objectives for a in o.actions)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


async def build_review_pack(
    session: AsyncSession, *, start: date, end: date, now: datetime, plan_key: str | None = None
) -> ReviewPack | None:
    """Everything from `start` to `end` inclusive (UTC days), in a fixed number of queries."""
    plan: Plan | None = await current_plan(session, plan_key, today=end)
    if plan is None:
        return None
    since, until = _moment(start), _moment(end + timedelta(days=1)) - timedelta(microseconds=1)
    objectives = (
        await session.scalars(
            select(Objective).where(Objective.plan_id == plan.id).order_by(Objective.position)
        )
    ).all()
    actions = (
        await session.scalars(
            select(Action)
            .where(Action.plan_id == plan.id, Action.archived_at.is_(None))
            .options(selectinload(Action.owners), selectinload(Action.measures))
            .order_by(Action.position)
        )
    ).all()
    emails = {o.email for a in actions for o in a.owners}
    names = {
        p.email: p.name for p in (await session.scalars(select(Person).where(Person.email.in_(emails)))).all()
    }
    before = {
        r.action_id: r.status
        for r in (await session.execute(latest_per_action(plan.id, until=since, with_status=True))).all()
    }
    keys = {a.id: a.key for a in actions}
    evidence: dict[int, list[EvidenceRow]] = {}
    for e in (
        await session.scalars(
            select(Evidence)
            .join(Action, Action.id == Evidence.action_id)
            .where(Action.plan_id == plan.id, Evidence.created_at >= since, Evidence.created_at <= until)
            .order_by(Evidence.created_at, Evidence.id)
        )
    ).all():
        row = EvidenceRow(
            e.action_id,
            keys.get(e.action_id, "?"),
            e.author_name,
            e.status,
            e.narrative,
            tuple(e.links),
            e.created_at,
        )
        evidence.setdefault(e.action_id, []).append(row)
    packs: dict[int, list[ActionPack]] = {}
    for a in actions:
        start_status = before.get(a.id, Status.NOT_STARTED.value)
        seen = [e.status for e in evidence.get(a.id, []) if e.status]
        packs.setdefault(a.objective_id, []).append(
            ActionPack(
                key=a.key,
                title=a.title,
                team=a.team,
                owners=[names.get(o.email, o.email) for o in a.owners],
                stretch=a.stretch,
                cadence=a.cadence,
                status_start=start_status,
                status_end=seen[-1] if seen else start_status,
                evidence=evidence.get(a.id, []),
                measures=[
                    MeasureRow(m.text, m.kind, m.target or "", m.cadence or a.cadence, m.status)
                    for m in a.measures
                ],
            )
        )
    objective_packs = [ObjectivePack(o.key, o.name, o.summary, packs.get(o.id, [])) for o in objectives]
    charts = [
        status_by_objective(
            [(o.name, o.counts(end=False)) for o in objective_packs],
            title=f"Status by objective on {long_date(start)}",
        ),
        status_by_objective(
            [(o.name, o.counts(end=True)) for o in objective_packs],
            title=f"Status by objective on {long_date(end)}",
        ),
    ]
    return ReviewPack(
        plan_name=plan.name,
        plan_key=plan.key,
        start=start,
        end=end,
        generated_at=now,
        objectives=objective_packs,
        coverage_by_role=await coverage(session, plan_id=plan.id, by="role"),
        coverage_by_team=await coverage(session, plan_id=plan.id, by="team"),
        charts=charts,
    )
