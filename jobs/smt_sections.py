"""The SMT digest's sections after its heading, each a function of the digest's data (gathered in
one set of queries) and the organisation's date. `jobs.digest_sections.SMT_SECTIONS` orders them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from handlers.markup import bold, escape
from handlers.messages import Divider, Heading, Part, Text
from jobs.digest_data import ActionRow, DigestData
from jobs.digest_text import MAX_LISTED, attention, blocks, coming_up, group_name, progress
from storage.models import Status
from storage.plan_wording import PlanWording

SmtSection = Callable[[DigestData, date], Sequence[Part]]


def progress_section(data: DigestData, _today: date) -> Sequence[Part]:
    return [*progress(data, since_words="last week"), Divider()]


def attention_section(data: DigestData, _today: date) -> Sequence[Part]:
    return attention(data, narratives=True)


def overdue_section(data: DigestData, _today: date) -> Sequence[Part]:
    by_owner: dict[str, list[str]] = {}
    for o in data.overdue:
        by_owner.setdefault(o.owner, []).append(f"{o.subject}{' (escalated)' if o.escalated else ''}")
    owners = [f"- {bold(escape(name))}: {', '.join(items)}" for name, items in by_owner.items()]
    if len(owners) > MAX_LISTED:
        owners = [*owners[:MAX_LISTED], f"…and {len(owners) - MAX_LISTED} more owners"]
    return [Heading("Overdue updates by owner"), *(blocks(owners) or [Text("None.")])]


def evidence_section(data: DigestData, _today: date) -> Sequence[Part]:
    lines = [
        f"- {bold(e.action_key)} {e.at:%d %b} by {escape(e.author)}"
        + (f" · {Status(e.status).label}" if e.status else "")
        for e in data.new_evidence
    ]
    return [
        Heading(f"New evidence this week ({data.new_evidence_count})"),
        *(blocks(lines) or [Text("None.")]),
    ]


def coverage_section(data: DigestData, _today: date) -> Sequence[Part]:
    # The roles whose coverage the plan file asks for; every role when it names none.
    roles = PlanWording.of(data.plan).coverage_roles
    coverage = [c for c in data.coverage if not roles or c.group in roles]
    lines = [
        f"- {bold(group_name(c.group))}: {c.agreed} / {c.eligible}"
        + (f" (missing: {escape(', '.join(c.missing))})" if c.missing else "")
        for c in coverage
    ]
    heading = Heading("SMART objectives (agreed / eligible, probation excluded)")
    return [heading, *(blocks(lines) or [Text("No eligible people.")])]


def team_section(data: DigestData, _today: date) -> Sequence[Part]:
    """Accountability within teams: per owning team, the share of its actions on track and overdue."""
    overdue_actions = {o.action_id for o in data.overdue if o.action_id is not None}
    teams: dict[str, list[ActionRow]] = {}
    for action in data.actions:
        teams.setdefault(action.team or "No team", []).append(action)
    lines = []
    for team, actions in sorted(teams.items()):
        on_track = sum(a.status in (Status.ON_TRACK.value, Status.DONE.value) for a in actions)
        overdue = sum(a.id in overdue_actions for a in actions)
        lines.append(
            f"- {bold(escape(team))}: {len(actions)} actions · {_percent(on_track, len(actions))} on track "
            f"or done · {_percent(overdue, len(actions))} with an overdue update"
        )
    return [Heading("By team"), *blocks(lines)] if lines else []


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def coming_section(data: DigestData, today: date) -> Sequence[Part]:
    return coming_up(data, today)


def failed_section(data: DigestData, _today: date) -> Sequence[Part]:
    failed = [f"- {escape(f)}" for f in data.failed[:MAX_LISTED]]
    if len(data.failed) > MAX_LISTED:
        failed.append(f"…and {len(data.failed) - MAX_LISTED} more")
    return [Heading(f"Failed sends ({len(data.failed)})"), *(blocks(failed) or [Text("None.")])]
