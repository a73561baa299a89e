"""What is mine: my actions and their status, the updates due from me, my SMART objective."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Deps
from handlers.markup import escape, truncate
from handlers.measure_lines import measure_line, today_in
from handlers.messages import Context, Part, Text
from handlers.wording import bullets, day, period_label
from storage.evidence import due_from
from storage.lookups import actions_owned, smart_objective, status_of
from storage.measures import assess_measures, live_measures
from storage.models import Person, Plan, SmartObjective

SMART_LABELS = (
    ("specific", "Specific"),
    ("measurable", "Measurable"),
    ("achievable", "Achievable"),
    ("relevant", "Relevant"),
    ("time_bound", "Time-bound"),
)


async def my_parts(session: AsyncSession, deps: Deps, person: Person, plan: Plan | None) -> list[Part]:
    """Three short sections, each one Text part however many rows (lists end "…and N more")."""
    owned = await actions_owned(session, email=person.email, today=deps.clock.now().date())
    due = await due_from(session, person_id=person.id, now=deps.clock.now())
    parts: list[Part] = []
    if owned:
        lines = [
            f"**{a.key}** · {status_of(a.status).label} · {escape(truncate(a.title, 160))}" for a in owned
        ]
        parts.append(Text(bullets("Your actions", lines)))
    else:
        parts.append(Text("**Your actions**\nYou are not named as an owner of any action in the plan."))
    if owned and plan is not None:
        keys = {a.key for a in owned}
        pairs = [(m, a) for m, a in await live_measures(session, plan.id) if a.key in keys]
        today = today_in(deps.timezone, deps.clock.now())
        reports = await assess_measures(session, plan, pairs, today=today)
        if reports:
            lines = [measure_line(r, text_limit=100) for r in reports]
            parts.append(Text(bullets("Your success measures", lines)))
    if due:
        lines = [
            f"**{r.action.key}**"
            + (f" ({escape(truncate(r.measure_text, 80))})" if r.measure_text else "")
            + f" for {escape(period_label(r.period))}"
            + (f" · asked {day(r.sent_at, deps.timezone)}" if r.sent_at else "")
            for r in due
            if r.action is not None
        ]
        parts.append(Text(bullets("Updates due from you", lines)))
        parts.append(
            Context(
                "Answer with the buttons on the nudge I sent, reply in its thread, or type "
                "/nudge update KEY. Thank you — every update becomes evidence for the review."
            )
        )
    else:
        parts.append(Text("**Updates due from you**\nNothing is waiting for you. Thank you!"))
    found = await smart_objective(session, person_id=person.id, plan_id=plan.id) if plan else None
    parts.append(Text(smart_text(*found) if found else NO_SMART))
    return parts


NO_SMART = (
    "**Your SMART objective**\nYou don't have a SMART objective recorded for this plan yet. "
    "Type /nudge smart to write one; your line manager then agrees it with you."
)


def smart_text(objective: SmartObjective, action_key: str) -> str:
    agreed = "agreed with your manager" if objective.agreed else "not yet agreed with your manager"
    serves = f" · serves {action_key}" if action_key else ""
    lines = [f"{label}: {escape(truncate(getattr(objective, name), 400))}" for name, label in SMART_LABELS]
    return bullets(f"Your SMART objective ({agreed}{serves})", lines)
