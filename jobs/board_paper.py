"""The review paper's content, as plain data: for the board sub-committee (no names) or for the SMT.

`build_paper(session, audience="board")` reads one review: the SMT's agreed RAG and words per action,
the plan-level successes, challenges, learning and decisions, exceptions, outcomes and measures, closed
anonymous surveys above their minimum, triangulation figures year on year, the change since the previous
review, challenges and answers, SMART objectives for the plan's roles, and the evidence. For the board,
owners appear as their team, evidence authors not at all, and every person's name or email is taken out
of free text. `bot.paper_render` writes it as HTML, Markdown, PDF or Word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from handlers.messages import Image
from jobs import outbox
from jobs.charts import status_by_objective
from jobs.paper_sections import SurveySummary, closed_surveys
from storage.models import Action, Evidence, Objective, Person, Plan, Status, UpdateRequest
from storage.models.review import Review
from storage.plan_queries import current_plan
from storage.review_dates import ReviewDate, current_or_last_review, review_dates
from storage.reviews import challenges, find_review, reviews_of
from storage.smart_outcomes import RoleOutcomes, outcomes_by_role
from storage.triangulation import Series, result_series

Audience = Literal["board", "smt"]
REDACTED = "[name removed]"
_ATTENTION = (Status.OFF_TRACK.value, Status.AT_RISK.value)
HEADLINES = 3


@dataclass(frozen=True)
class MeasureLine:
    text: str
    kind: str
    target: str
    status: str
    results: tuple[Series, ...] = ()


@dataclass(frozen=True)
class ActionLine:
    key: str
    title: str
    owners: str  # the team for the board; names for the SMT
    owner_status: str
    agreed: str | None
    previous: str | None
    commentary: str
    mitigation: str
    steps: tuple[str, ...]
    outcomes: tuple[str, ...]
    measures: tuple[MeasureLine, ...]
    overdue: bool
    unowned: bool

    @property
    def rag(self) -> str:
        """The SMT's agreed RAG, or the owner's status where the SMT recorded none."""
        return self.agreed or self.owner_status


@dataclass(frozen=True)
class ObjectiveSection:
    key: str
    name: str
    actions: tuple[ActionLine, ...]

    def counts(self, *, previous: bool = False) -> Counter[str]:
        if previous:
            return Counter(a.previous or Status.NOT_STARTED.value for a in self.actions)
        return Counter(a.rag for a in self.actions)


@dataclass(frozen=True)
class ChallengeLine:
    action_key: str
    asked_by: str  # "RECI" / "A trustee" for the board; a name for the SMT
    asked_on: date
    text: str
    answer: str | None
    answered_on: date | None


@dataclass(frozen=True)
class EvidenceLine:
    action_key: str
    on: date
    status: str | None
    narrative: str
    links: tuple[str, ...]
    author: str = ""  # empty for the board


@dataclass
class Paper:
    audience: Audience
    plan_name: str
    plan_starts: date
    plan_ends: date
    review_label: str
    held_on: date
    covers_from: date
    generated_on: date
    closed: bool
    previous_held_on: date | None
    objectives: list[ObjectiveSection]
    plan_fields: dict[str, str]
    challenges: list[ChallengeLine]
    surveys: list[SurveySummary]
    triangulation: list[Series]
    smart: list[RoleOutcomes]
    evidence: list[EvidenceLine]
    charts: list[Image] = field(default_factory=list)

    @property
    def actions(self) -> list[ActionLine]:
        return [a for o in self.objectives for a in o.actions]

    @property
    def exceptions(self) -> list[tuple[ActionLine, list[str]]]:
        """Actions off track, at risk, overdue or without an owner, each with why."""
        out = []
        for a in self.actions:
            why = [Status(a.rag).label] if a.rag in _ATTENTION else []
            why += ["update overdue"] * a.overdue + ["no owner"] * a.unowned
            if why:
                out.append((a, why))
        return out

    def headlines(self, name: str) -> list[str]:
        lines = [line.strip(" -•\t") for line in self.plan_fields.get(name, "").splitlines()]
        return [line for line in lines if line][:HEADLINES]


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


class Redactor:
    """Takes every known person's name and email out of free text (for the board paper)."""

    def __init__(self, people: list[Person], *, active: bool) -> None:
        words = sorted({w for p in people for w in (p.name, p.email) if w}, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if active else None

    def __call__(self, text: str) -> str:
        return self.pattern.sub(REDACTED, text) if self.pattern is not None and text else text


async def _pick(session: AsyncSession, plan: Plan, held_on: date | None, today: date) -> ReviewDate | None:
    dates = review_dates(plan)
    if held_on is not None:
        return next((r for r in dates if r.held_on == held_on), None)
    return current_or_last_review(plan, today)


async def build_paper(
    session: AsyncSession,
    *,
    now: datetime,
    audience: Audience = "board",
    held_on: date | None = None,
    plan_key: str | None = None,
) -> Paper | None:
    """The paper for the review held on `held_on` (default: the current or last one); None without one."""
    plan = await current_plan(session, plan_key)
    if plan is None:
        return None
    when = await _pick(session, plan, held_on, now.date())
    if when is None:
        return None
    board = audience == "board"
    people = list((await session.scalars(select(Person))).all())
    scrub = Redactor(people, active=board)
    names = {p.email: p.name for p in people}
    by_id = {p.id: p for p in people}
    review = await find_review(session, plan, when)
    earlier = [r for r in await reviews_of(session, plan.id) if r.held_on < when.held_on]
    previous: Review | None = earlier[-1] if earlier else None
    entries = {}
    if review is not None:
        await session.refresh(review, ["entries"])
        entries = {e.action_id: e for e in review.entries}
    before = {e.action_id: e.rag for e in (previous.entries if previous else []) if e.rag}
    actions = (
        await session.scalars(
            select(Action)
            .where(Action.plan_id == plan.id, Action.archived_at.is_(None))
            .options(
                selectinload(Action.owners),
                selectinload(Action.measures),
                selectinload(Action.outcomes),
                selectinload(Action.steps),
            )
            .order_by(Action.position)
        )
    ).all()
    overdue = set(
        (
            await session.scalars(
                select(UpdateRequest.action_id).where(
                    UpdateRequest.kind == outbox.ASK,
                    UpdateRequest.answered_at.is_(None),
                    UpdateRequest.status == outbox.SENT,
                    UpdateRequest.reminders > 0,
                )
            )
        ).all()
    )
    series = await result_series(session)
    by_measure: dict[str, list[Series]] = {}
    for s in series:
        by_measure.setdefault(s.action_key, []).append(s)
    sections: dict[int, list[ActionLine]] = {}
    for a in actions:
        entry = entries.get(a.id)
        owners = (
            a.team or "the owning team"
            if board
            else ", ".join(names.get(o.email, o.email) for o in a.owners) or "none"
        )
        sections.setdefault(a.objective_id, []).append(
            ActionLine(
                key=a.key,
                title=a.title,
                owners=owners,
                owner_status=a.status,
                agreed=entry.rag if entry else None,
                previous=before.get(a.id),
                commentary=scrub(entry.commentary if entry else ""),
                mitigation=scrub(entry.mitigation if entry else ""),
                steps=tuple(s.text for s in a.steps),
                outcomes=tuple(o.text for o in a.outcomes),
                measures=tuple(MeasureLine(m.text, m.kind, m.target or "", m.status) for m in a.measures),
                overdue=a.id in overdue,
                unowned=not a.owners,
            )
        )
    objectives = (
        await session.scalars(
            select(Objective)
            .where(Objective.plan_id == plan.id, Objective.archived_at.is_(None))
            .order_by(Objective.position)
        )
    ).all()
    objective_sections = [ObjectiveSection(o.key, o.name, tuple(sections.get(o.id, []))) for o in objectives]
    since, until = _moment(when.covers_from), _moment(when.held_on + timedelta(days=1))
    challenge_lines = []
    for c in await challenges(session, plan_id=plan.id):
        asker = by_id.get(c.asked_by) if c.asked_by else None
        who = ("RECI" if c.asked_as == "reci" else "A trustee") if board else (asker.name if asker else "?")
        challenge_lines.append(
            ChallengeLine(
                action_key=c.action.key,
                asked_by=who,
                asked_on=c.asked_at.date(),
                text=scrub(c.text),
                answer=scrub(c.answer) if c.answer else None,
                answered_on=c.answered_at.date() if c.answered_at else None,
            )
        )
    evidence = [
        EvidenceLine(
            action_key=key,
            on=e.created_at.date(),
            status=e.status,
            narrative=scrub(e.narrative),
            links=tuple(e.links),
            author="" if board else e.author_name,
        )
        for e, key in (
            await session.execute(
                select(Evidence, Action.key)
                .join(Action, Action.id == Evidence.action_id)
                .join(Objective, Objective.id == Action.objective_id)
                .where(Action.plan_id == plan.id, Evidence.created_at >= since, Evidence.created_at < until)
                .order_by(Objective.position, Action.position, Evidence.created_at, Evidence.id)
            )
        ).all()
    ]
    paper = Paper(
        audience=audience,
        plan_name=plan.name,
        plan_starts=plan.starts,
        plan_ends=plan.ends,
        review_label=when.label,
        held_on=when.held_on,
        covers_from=when.covers_from,
        generated_on=now.date(),
        closed=bool(review and review.closed_at),
        previous_held_on=previous.held_on if previous else None,
        objectives=objective_sections,
        plan_fields={
            name: scrub(getattr(review, name) if review else "")
            for name in ("successes", "challenges", "learning", "decisions")
        },
        challenges=challenge_lines,
        surveys=await closed_surveys(session, since=since, until=until),
        triangulation=series,
        smart=await outcomes_by_role(session, plan_id=plan.id, roles=plan.smart_roles or []),
        evidence=evidence,
    )
    paper.charts = _charts(paper)
    return paper


def _charts(paper: Paper) -> list[Image]:
    rows = [(o.name, o.counts()) for o in paper.objectives]
    charts = [status_by_objective(rows, title=f"Agreed status by objective, {_long(paper.held_on)}")]
    if paper.previous_held_on is not None:
        before = [(o.name, o.counts(previous=True)) for o in paper.objectives]
        charts.append(
            status_by_objective(before, title=f"At the last review, {_long(paper.previous_held_on)}")
        )
    return charts


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
