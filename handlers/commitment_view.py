"""One action in full, as /commitments KEY shows it (three indexed queries: see `storage.action_detail`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import actions
from handlers.context import Deps
from handlers.markup import bold, escape, link, truncate
from handlers.measure_lines import action_reports, measure_line, progress_words, today_in
from handlers.messages import (
    MAX_FIELDS,
    MAX_TEXT,
    Button,
    Buttons,
    Context,
    Divider,
    Field,
    Fields,
    Heading,
    Message,
    Part,
    Text,
)
from handlers.wording import bullets, day, status_words, when
from storage.action_detail import action_detail
from storage.lookups import ObjectiveStatus, status_of
from storage.measures import MeasureReport
from storage.models import Action, Evidence, Measure, MeasureKind
from storage.rollover import earlier_versions

_CADENCE_WORDS = {
    "once": "once",
    "monthly": "every month",
    "quarterly": "every quarter",
    "six-monthly": "every six months",
    "annual": "every year",
}


async def action_message(
    session: AsyncSession, deps: Deps, key: str, *, plan_key: str | None = None
) -> Message | None:
    """The action `key` in full (of plan `plan_key`, else of the plan in use), or None when there is no
    such live action. A carried action also shows what was recorded on it in earlier plans."""
    detail = await action_detail(session, key=key, today=deps.clock.now().date(), plan_key=plan_key)
    if detail is None:
        return None
    action, owners, count = detail.action, detail.owners, detail.evidence_count
    objective = f"{escape(detail.objective_name)} ({detail.objective_key})"
    status = status_of(action.status)
    since = f" since {day(action.status_changed_at, deps.timezone)}" if action.status_changed_at else ""
    owner_names = ", ".join(escape(name or email) for email, name in owners) or "_no owner named yet_"
    fields = [
        Field("Status", f"**{status.label}**{since}"),
        Field("Strategic objective", objective),
        Field("Owners", truncate(owner_names, 600)),
        Field("Team", escape(action.team) or "—"),
        Field("Updates asked", _CADENCE_WORDS.get(action.cadence, escape(action.cadence))),
        Field("Evidence", _pieces(count)),
    ]
    reports = await _reports(session, deps, action)
    if reports:
        fields.append(Field("Measures", progress_words(reports)))
    if action.stretch:
        fields.append(Field("Stretch goal", "Yes — ambitious, beyond the core commitment"))
    parts: list[Part] = [
        Heading(f"{action.key} · {status.label}"),
        Text(escape(truncate(action.title, MAX_TEXT - 10))),
        Fields(tuple(fields[:MAX_FIELDS])),
    ]
    if detail.steps:
        parts.append(Text(bullets("Steps", [escape(step) for step in detail.steps])))
    if detail.outcomes:
        parts.append(Text(bullets("Outcomes", [escape(outcome) for outcome in detail.outcomes])))
    if reports:
        parts.append(Text(bullets("Success measures", [_measure(r) for r in reports])))
    parts += [Divider(), Text(_latest(detail.latest, deps))]
    if detail.action.carried_from_id is not None:
        parts += await _earlier(session, detail.action, deps)
    parts.append(
        Context(
            f"{_pieces(count).capitalize()} recorded in total. Owners can add an update with "
            f"/nudge update {action.key}."
        )
    )
    parts.append(
        Buttons(
            (
                Button(
                    f"More in {truncate(detail.objective_name, 40)}",
                    actions.COMMITMENTS_PAGE,
                    f"objective={detail.objective_key}",
                ),
                Button("Whole plan", actions.COMMITMENTS_PAGE, "page=1"),
            )
        )
    )
    fallback = f"{action.key} ({status.label}): {truncate(action.title, 200)}"
    return Message(fallback=fallback, parts=tuple(parts))


# How many earlier updates a carried action lists from the plan it came from.
EARLIER_UPDATES = 3


async def _earlier(session: AsyncSession, action: Action, deps: Deps) -> list[Part]:
    """The commitment's history in the plans it was carried from: status, measures, latest updates."""
    versions = await earlier_versions(session, action)
    if not versions:
        return []
    before, plan = versions[0]
    evidence = (
        await session.scalars(
            select(Evidence)
            .where(Evidence.action_id == before.id)
            .order_by(Evidence.created_at.desc(), Evidence.id.desc())
        )
    ).all()
    lines = [
        f"{day(e.created_at, deps.timezone)} · {escape(e.author_name or 'someone')}"
        + (f" · {status_of(e.status).label}" if e.status else "")
        + (f": {escape(truncate(e.narrative, 200))}" if e.narrative else "")
        for e in evidence[:EARLIER_UPDATES]
    ]
    measures = (
        await session.scalars(
            select(Measure).where(Measure.action_id == before.id).order_by(Measure.position)
        )
    ).all()
    text = (
        f"**Carried from {escape(plan.name)}** ({before.key}, {status_of(before.status).label} when it "
        f"rolled over) · {_pieces(len(evidence))} there"
    )
    if lines:
        text += "\n" + "\n".join(f"- {line}" for line in lines)
    if measures:
        text += "\n_Measures then:_ " + "; ".join(
            f"{escape(truncate(m.text, 80))} ({status_of(m.status).label})" for m in measures
        )
    older = f" It goes back {len(versions)} plans." if len(versions) > 1 else ""
    hint = f"Type /commitments {plan.key} {before.key} for that year in full.{older}"
    return [Divider(), Text(truncate(text, MAX_TEXT)), Context(hint)]


def _pieces(count: int) -> str:
    return "1 piece of evidence" if count == 1 else f"{count} pieces of evidence"


async def _reports(session: AsyncSession, deps: Deps, action: Action) -> list[MeasureReport]:
    return await action_reports(session, action, today=today_in(deps.timezone, deps.clock.now()))


def _measure(report: MeasureReport) -> str:
    """The measure against its target, then how and how often it is checked."""
    measure = report.measure
    notes = []
    if measure.kind == MeasureKind.COMPUTED.value:
        notes.append("counted by nudgebot")
    elif measure.kind == MeasureKind.EVIDENCE.value:
        notes.append("evidence to collect")
    if measure.cadence:
        notes.append(f"checked {_CADENCE_WORDS.get(measure.cadence, escape(measure.cadence))}")
    if measure.target and measure.target_value is None:
        notes.append(f"target: {escape(measure.target)}")
    if measure.benchmark_source:
        notes.append(f"benchmark: {escape(measure.benchmark_source)}")
    if measure.stretch:
        notes.append("stretch")
    tail = f" · {'; '.join(notes)}" if notes else ""
    return measure_line(report, text_limit=400) + tail


def _latest(evidence: Evidence | None, deps: Deps) -> str:
    if evidence is None:
        return "**Latest update**\nNo update has been recorded yet."
    author = escape(evidence.author_name or "someone")
    head = f"**Latest update** · {author} · {when(evidence.created_at, deps.timezone)}"
    if evidence.status:
        head += f" · {status_of(evidence.status).label}"
    body = escape(truncate(evidence.narrative, 1500)) if evidence.narrative else "_No words added._"
    links = "".join(f"\n- {link(truncate(url, 80), url)}" for url in evidence.links[:5])
    return truncate(f"{head}\n{body}{links}", MAX_TEXT)


def objective_line(objective: ObjectiveStatus) -> str:
    """ "**Influence** (INF) · 5 actions: 3 on track, 1 at risk, 1 not started"."""
    noun = "action" if objective.total == 1 else "actions"
    counts = status_words(objective.counts)
    return f"{bold(objective.name)} ({objective.key}) · {objective.total} {noun}: {counts}"
