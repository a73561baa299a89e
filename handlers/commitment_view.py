"""One action in full, as /commitments KEY shows it (three indexed queries: see `storage.action_detail`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import actions
from handlers.context import Deps
from handlers.markup import bold, escape, link, truncate
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
from storage.action_detail import MeasureLine, action_detail
from storage.lookups import ObjectiveStatus, status_of
from storage.models import Evidence, MeasureKind

_CADENCE_WORDS = {
    "monthly": "every month",
    "quarterly": "every quarter",
    "six-monthly": "every six months",
    "annual": "every year",
}


async def action_message(session: AsyncSession, deps: Deps, key: str) -> Message | None:
    """The action `key` of the current plan in full, or None when there is no such live action."""
    detail = await action_detail(session, key=key, today=deps.clock.now().date())
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
    if detail.measures:
        parts.append(Text(bullets("Success measures", [_measure(m) for m in detail.measures])))
    parts += [Divider(), Text(_latest(detail.latest, deps))]
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


def _pieces(count: int) -> str:
    return "1 piece of evidence" if count == 1 else f"{count} pieces of evidence"


def _measure(measure: MeasureLine) -> str:
    notes = []
    if measure.kind == MeasureKind.COUNT.value:
        notes.append("counted" + (f", target: {escape(measure.target)}" if measure.target else ""))
    elif measure.kind == MeasureKind.AUDIT.value:
        notes.append("audit" + (f", benchmark: {escape(measure.target)}" if measure.target else ""))
    else:
        notes.append("evidence to collect")
    if measure.cadence:
        notes.append(f"checked {_CADENCE_WORDS.get(measure.cadence, escape(measure.cadence))}")
    if measure.stretch:
        notes.append("stretch")
    return f"{escape(truncate(measure.text, 400))} · _{'; '.join(notes)}_"


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
