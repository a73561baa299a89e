"""What is due: every (owner, action or measure) pair of the plans active today and its current period,
in a fixed number of queries whatever the size of the plans.

Only active plans are asked about: a draft (before its start date) or a closed plan (after its end date)
is never nudged. Each item's periods follow its own plan's start month.

An update is due when the current period of the item's cadence has no update: no evidence on the action
dated inside the period, and no answered ask. A measure is asked about on its own — under its action, in
the same nudge — whenever it takes a figure (on its own cadence, else its action's), or when it is an
evidence item with a cadence of its own; it is answered by a figure for the period or by evidence about it,
never by an update on the action alone. Computed measures are never asked: nudgebot knows the figure.
An annual measure with a due month is asked from that month; a one-off measure in the month before its date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.periods import DEFAULT_YEAR_START, Period, long_date, period_for
from storage.models import (
    Action,
    ActionOwner,
    Evidence,
    Measure,
    MeasureKind,
    MeasureValue,
    Person,
    Snooze,
    Status,
)
from storage.models.enums import MEASURE_ONCE
from storage.models.tracking import MEASURE_MARK, MEASURE_TITLE_PREFIX
from storage.plan_queries import active_plans

# A one-off measure is asked for from this long before its due date.
ONCE_LEAD = timedelta(days=30)


@dataclass(frozen=True)
class Owned:
    """One thing one owner is asked about."""

    person: Person
    action: Action
    subject: str  # "INF-1", or "INF-1#m12" for a measure on its own cadence
    cadence: str
    title: str
    measure_id: int | None = None
    due_month: int | None = None
    due_on: date | None = None
    # A measure that takes a figure: the nudge points the owner to the update form's number input.
    figure: bool = False
    year_start: int = DEFAULT_YEAR_START

    def period(self, day: date) -> Period:
        if self.cadence == MEASURE_ONCE and self.due_on is not None:
            return Period(MEASURE_ONCE, f"by {long_date(self.due_on)}", self.due_on - ONCE_LEAD, self.due_on)
        return period_for(self.cadence, day, self.year_start)

    def asked_on(self, day: date) -> bool:
        """Whether the item is asked about at all on `day` (an annual measure waits for its due month)."""
        if self.cadence == MEASURE_ONCE:
            return self.due_on is not None and day >= self.due_on - ONCE_LEAD
        if self.due_month is not None:
            start = period_for(self.cadence, day, self.year_start).start
            months = (day.year - start.year) * 12 + day.month - start.month
            return months >= (self.due_month - start.month) % 12
        return True


@dataclass
class Snapshot:
    """The plan's owned items and the evidence, snoozes needed to decide what is due."""

    owned: list[Owned]
    # Latest evidence per action, and per measure, since the start of the longest period in use.
    latest_by_action: dict[int, datetime]
    latest_by_measure: dict[int, datetime]
    snoozed: set[tuple[int, int]]
    # (measure id, period key) of every figure given for the measures asked about.
    figures: set[tuple[int, str]] = field(default_factory=set)

    def updated_in(self, item: Owned, period: Period) -> bool:
        """Whether evidence for `item` is dated inside `period` (UTC dates; close enough at a day's edge),
        or, for a measure, a figure was given for that period."""
        if item.measure_id is not None and (item.measure_id, period.key) in self.figures:
            return True
        latest = (
            self.latest_by_measure.get(item.measure_id)
            if item.measure_id is not None
            else self.latest_by_action.get(item.action.id)
        )
        return latest is not None and latest.date() >= period.start


async def snapshot(session: AsyncSession, *, now: datetime, earliest: date, today: date) -> Snapshot:
    """What is owned in the plans active on `today` (the organisation's date), with the evidence since
    `earliest`."""
    plans = {p.id: p for p in await active_plans(session, today=today)}
    if not plans:
        return Snapshot([], {}, {}, set())
    pairs = (
        await session.execute(
            select(Action, Person)
            .join(ActionOwner, ActionOwner.action_id == Action.id)
            .join(Person, Person.email == ActionOwner.email)
            .where(
                Action.plan_id.in_(plans),
                Action.archived_at.is_(None),
                Action.status != Status.DONE.value,
                Person.active.is_(True),
            )
            .order_by(Person.id, Action.plan_id, Action.position)
        )
    ).all()
    measures: dict[int, list[Measure]] = defaultdict(list)
    figure_kinds = [k.value for k in MeasureKind if k.takes_figure]
    for measure in (
        await session.scalars(
            select(Measure)
            .join(Action, Action.id == Measure.action_id)
            .where(
                Action.plan_id.in_(plans),
                Measure.archived_at.is_(None),
                Measure.kind.in_(figure_kinds)
                | ((Measure.kind == MeasureKind.EVIDENCE.value) & Measure.cadence.is_not(None)),
            )
            .order_by(Measure.position)
        )
    ).all():
        measures[measure.action_id].append(measure)
    owned: list[Owned] = []
    for action, person in pairs:
        year_start = plans[action.plan_id].year_start
        owned.append(Owned(person, action, action.key, action.cadence, action.title, year_start=year_start))
        for m in measures.get(action.id, []):
            owned.append(
                Owned(
                    person,
                    action,
                    f"{action.key}{MEASURE_MARK}{m.id}",
                    m.cadence or action.cadence,
                    f"{MEASURE_TITLE_PREFIX}{m.text}",
                    m.id,
                    m.due_month,
                    m.due_on,
                    MeasureKind(m.kind).takes_figure,
                    year_start,
                )
            )
    since = datetime.combine(earliest, datetime.min.time(), tzinfo=now.tzinfo)
    by_action: dict[int, datetime] = {}
    by_measure: dict[int, datetime] = {}
    for action_id, measure_id, latest in (
        await session.execute(
            select(Evidence.action_id, Evidence.measure_id, func.max(Evidence.created_at))
            .where(Evidence.created_at >= since, Evidence.created_at <= now)
            .group_by(Evidence.action_id, Evidence.measure_id)
        )
    ).all():
        # func.max loses the column type on SQLite: read it back as an aware UTC datetime.
        when = _aware(latest)
        by_action[action_id] = max(by_action.get(action_id, when), when)
        if measure_id is not None:
            by_measure[measure_id] = max(by_measure.get(measure_id, when), when)
    snoozed = {
        (p, a)
        for p, a in (
            await session.execute(select(Snooze.person_id, Snooze.action_id).where(Snooze.until > now))
        ).all()
    }
    ids = [i.measure_id for i in owned if i.measure_id is not None]
    figures = set()
    if ids:
        rows = await session.execute(
            select(MeasureValue.measure_id, MeasureValue.period).where(MeasureValue.measure_id.in_(set(ids)))
        )
        figures = {(m, p) for m, p in rows.all()}
    return Snapshot(owned, by_action, by_measure, snoozed, figures)


def _aware(value: object) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
