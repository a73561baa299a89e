"""The words and lists both digests are made of: progress by objective, what needs attention, what is
coming up, each inside the message limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from handlers.markup import bold, escape, truncate
from handlers.messages import MAX_TEXT, Heading, Part, Text
from jobs.charts import status_by_objective
from jobs.digest_data import ActionRow, DigestData
from jobs.periods import long_date
from storage.models import Status
from storage.review_dates import next_review, upcoming_events

ATTENTION = (Status.AT_RISK.value, Status.OFF_TRACK.value)
# How many changes per objective, and items per list, a digest names before it counts the rest.
MAX_CHANGES = 8
MAX_LISTED = 12


def group_name(role: str) -> str:
    return {"smt": "SMT", "policy": "Policy team"}.get(role, role.capitalize())


def blocks(lines: Sequence[str]) -> list[Part]:
    """Lines joined into as few Text parts as the length limit allows."""
    parts: list[Part] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > MAX_TEXT:
            parts.append(Text(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        parts.append(Text(current))
    return parts


def counts_line(actions: list[ActionRow], data: DigestData) -> str:
    counts = data.counts(actions)
    return (
        ", ".join(f"{counts[s.value]} {s.label.lower()}" for s in Status if counts.get(s.value))
        or "no actions"
    )


def some(items: Sequence[str], limit: int) -> str:
    """The first `limit` items, then a count of the rest: digests stay inside the message limits."""
    shown = "; ".join(items[:limit])
    return f"{shown}; and {len(items) - limit} more" if len(items) > limit else shown


def progress(data: DigestData, *, since_words: str) -> list[Part]:
    lines: list[str] = []
    for objective, actions in data.by_objective():
        changed = [
            f"{a.key} {Status(a.before).label} → {Status(a.status).label}"
            for a in actions
            if a.before != a.status
        ]
        change = some(changed, MAX_CHANGES) if changed else "no change"
        lines.append(
            f"- {bold(escape(objective.name))}: {counts_line(actions, data)}. "
            f"_Since {since_words}:_ {escape(change)}"
        )
    rows = [(o.name, data.counts(a)) for o, a in data.by_objective()]
    chart = status_by_objective(rows, title="Actions by status")
    return [Heading("Progress by objective"), *blocks(lines), chart]


def attention(data: DigestData, *, narratives: bool) -> list[Part]:
    flagged = [a for a in data.actions if a.status in ATTENTION]
    if not flagged:
        return [Heading("At risk or off track"), Text("None this time.")]
    lines = []
    for a in flagged[:MAX_LISTED]:
        line = f"- {bold(a.key)} {escape(truncate(a.title, 160))} · {Status(a.status).label}"
        latest = data.latest.get(a.id)
        if narratives and latest is not None and latest.narrative:
            said = escape(truncate(latest.narrative, 300))
            line += f"\n  _{said}_ ({latest.at:%d %b}, {escape(latest.author)})"
        lines.append(line)
    if len(flagged) > MAX_LISTED:
        lines.append(f"…and {len(flagged) - MAX_LISTED} more: see `nudgebot review-pack` or /commitments.")
    return [Heading(f"At risk or off track ({len(flagged)})"), *blocks(lines)]


def coming_up(data: DigestData, today: date) -> list[Part]:
    """The next review and the plan file's own dated events: never one whose day has passed."""
    lines = []
    review = next_review(data.plan, today)
    if review is not None:
        lines.append(f"- {review.label}: {long_date(review.held_on)}")
    lines += [f"- {escape(e.name)}: {long_date(e.on)}" for e in upcoming_events(data.plan, today)]
    return [Heading("Coming up"), Text("\n".join(lines) or "Nothing scheduled.")]
