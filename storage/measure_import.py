"""`nudgebot measures import FILE.csv`: figures from elsewhere (HR system, EDI dashboard, staff survey).

Aggregate figures only. The file is validated whole before anything is written — an unknown measure key,
a value that is not a number, a period that does not fit the measure, a measure nudgebot computes itself,
or anything that names a person (a column such as `email` or `name`, a note holding an email address or
a name from the people list) is refused with its line — then written in the caller's one transaction.
Importing the same file again changes nothing: a figure is one per measure and period.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.measure_recording import refresh_status
from storage.measures import measure_by_key, period_of, record_value
from storage.models import Action, Measure, MeasureKind, Person, Plan
from storage.people_file import EMAIL_PATTERN, read_csv_rows
from storage.yaml_nodes import InvalidFile, Problem

REQUIRED = ("measure", "period", "value")
OPTIONAL = ("note", "source")
# Column names that would tie a figure to a person: refused whatever they hold.
PERSONAL_COLUMNS = {"name", "email", "person", "employee", "staff", "owner", "author", "user", "staff_id"}
_EMAIL_IN_TEXT = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PERIOD = re.compile(r"^(\d{4})-(?:(\d{2})|Q([1-4])|H([12])|FY)$")
MAX_NOTE = 500
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FigureRow:
    line: int
    key: str
    period: str
    as_of: date
    value: float
    note: str
    source: str


@dataclass
class FiguresReport:
    rows: int = 0
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _starts(period: str, start_month: int) -> date | None:
    """The first day of a period key ("2024-Q3" in a plan year starting in April → 1 October 2024)."""
    match = _PERIOD.fullmatch(period)
    if match is None:
        return None
    year, month, quarter, half = match.groups()
    if month:
        return date(int(year), int(month), 1) if 1 <= int(month) <= 12 else None
    offset = (int(quarter) - 1) * 3 if quarter else (int(half) - 1) * 6 if half else 0
    index = int(year) * 12 + start_month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


async def read_figures_file(session: AsyncSession, path: Path, plan: Plan) -> list[FigureRow]:
    """Every row checked against the plan and the people; raise `InvalidFile` listing every problem."""
    name = str(path)
    header, rows = read_csv_rows(path)
    problems: list[Problem] = []
    personal = [h for h in header if h in PERSONAL_COLUMNS]
    for column in personal:
        problems.append(
            Problem(
                name,
                1,
                column,
                "names a person: only aggregate figures may be imported, so remove this column",
            )
        )
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL and h not in PERSONAL_COLUMNS]
    if unknown:
        problems.append(
            Problem(name, 1, "", f"unknown column(s) {unknown}; expected {list(REQUIRED + OPTIONAL)}")
        )
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        problems.append(Problem(name, 1, "", f"missing column(s) {missing}"))
    if problems:
        raise InvalidFile(problems)
    names = await _people_names(session)
    out: list[FigureRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        found = await measure_by_key(session, plan.id, row["measure"].strip().upper())
        figure = _row(name, line, row, found, plan, names, problems)
        if figure is None:
            continue
        first = seen.setdefault((figure.key, figure.period), line)
        if first != line:
            problems.append(
                Problem(name, line, "period", f"{figure.key} {figure.period} is given twice (line {first})")
            )
            continue
        out.append(figure)
    if not rows:
        problems.append(Problem(name, 2, "", "the file has no rows"))
    if problems:
        raise InvalidFile(problems)
    return out


def _row(
    name: str,
    line: int,
    row: dict[str, str],
    found: tuple[Measure, Action] | None,
    plan: Plan,
    people: set[str],
    problems: list[Problem],
) -> FigureRow | None:
    key = row["measure"].strip().upper()
    before = len(problems)
    if found is None:
        problems.append(Problem(name, line, "measure", f"{key or '(blank)'} is not a measure of {plan.key}"))
    elif found[0].kind == MeasureKind.COMPUTED.value:
        problems.append(
            Problem(name, line, "measure", f"{key} is computed by nudgebot; nobody gives its figure")
        )
    elif not MeasureKind(found[0].kind).takes_figure:
        problems.append(Problem(name, line, "measure", f"{key} is evidence to collect, not a figure"))
    raw = row["value"].strip().removesuffix("%").replace(",", "")
    value = 0.0
    try:
        value = float(raw)
    except ValueError:
        problems.append(Problem(name, line, "value", f"{row['value']!r} is not a number"))
    for column in ("note", "source"):
        text = row.get(column, "")
        if _EMAIL_IN_TEXT.search(text) or EMAIL_PATTERN.fullmatch(text.lower()):
            problems.append(Problem(name, line, column, "holds an email address: aggregate figures only"))
        elif any(person in text.lower() for person in people):
            problems.append(
                Problem(name, line, column, "names a person from the people list: aggregate figures only")
            )
    if len(row.get("note", "")) > MAX_NOTE:
        problems.append(Problem(name, line, "note", f"keep it under {MAX_NOTE} characters"))
    if found is None or len(problems) > before:
        return None
    measure, action = found
    period, as_of = _period(row["period"].strip(), measure, action, plan)
    if not period:
        example = period_of(measure, action, plan.starts, year_start_month=plan.starts.month)[0]
        problems.append(
            Problem(
                name,
                line,
                "period",
                f"{row['period']!r} is not a period of {key}, which is checked "
                f"{measure.cadence or action.cadence} (e.g. {example}, or a date like 2024-10-31)",
            )
        )
        return None
    return FigureRow(
        line, measure.key, period, as_of, value, row.get("note", ""), row.get("source", "") or "import"
    )


def _period(text: str, measure: Measure, action: Action, plan: Plan) -> tuple[str, date]:
    """The period a row's `period` names: a period key that fits the measure, or any date inside one."""
    start_month = plan.starts.month
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        return period_of(measure, action, day, year_start_month=start_month)
    first = _starts(text, start_month)
    if first is None:
        return "", plan.starts
    period, as_of = period_of(measure, action, first, year_start_month=start_month)
    return (period, as_of) if period == text else ("", plan.starts)


async def _people_names(session: AsyncSession) -> set[str]:
    """Full names from the people list (lower case); a note mentioning one is refused."""
    return {n.lower() for n in (await session.scalars(select(Person.name))).all() if n and " " in n.strip()}


async def import_figures(
    session: AsyncSession,
    rows: list[FigureRow],
    plan: Plan,
    *,
    actor: str,
    now: datetime,
    timezone: str,
    progress: Progress | None = None,
) -> FiguresReport:
    """Write validated rows inside the caller's transaction; one audit entry per figure that changed."""
    report = FiguresReport(rows=len(rows))
    touched: dict[int, tuple[Measure, Action]] = {}
    for done, row in enumerate(rows, start=1):
        found = await measure_by_key(session, plan.id, row.key)
        assert found is not None  # checked by read_figures_file in this same transaction
        measure, action = found
        changed = await record_value(
            session,
            measure=measure,
            period=row.period,
            as_of=row.as_of,
            value=row.value,
            note=row.note,
            source=row.source,
            recorded_by=actor,
            now=now,
        )
        if changed:
            touched[measure.id] = (measure, action)
            report.changed.append(f"{row.key} {row.period}")
            audit.record(
                session,
                at=now,
                actor=actor,
                event="measure.figure",
                entity="measure",
                entity_key=row.key,
                detail={"period": row.period, "source": row.source, "line": row.line},
            )
        else:
            report.unchanged += 1
        if progress:
            progress(done, len(rows))
    await refresh_status(session, plan, list(touched.values()), now=now, timezone=timezone)
    return report
