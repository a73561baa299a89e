"""The SMT digest's accountability sections: challenges waiting for an answer, and SMART objectives
(agreement and year-end outcomes) for the roles the plan file names in `smart_roles`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import actions
from handlers.markup import bold, escape, truncate
from handlers.messages import MAX_BUTTONS, Button, Buttons, Heading, Part, Text
from storage.models import Plan
from storage.objectives import CoverageRow
from storage.reviews import challenges
from storage.smart_outcomes import OUTCOME_LABELS, outcomes_by_role

# Challenges a digest lists with their text before it only counts the rest.
MAX_CHALLENGES = 10


async def challenge_parts(session: AsyncSession, plan: Plan) -> list[Part]:
    waiting = await challenges(session, plan_id=plan.id, open_only=True)
    if not waiting:
        return [Heading("Challenges waiting for an answer"), Text("None.")]
    lines = [
        f"- {bold(f'#{c.id}')} on {bold(c.action.key)} ({c.asked_at.day} {c.asked_at:%B}): "
        f"{escape(truncate(c.text, 300))}"
        for c in waiting[:MAX_CHALLENGES]
    ]
    if len(waiting) > MAX_CHALLENGES:
        lines.append(f"…and {len(waiting) - MAX_CHALLENGES} more: see /review")
    lines.append("Answer with the buttons or /review answer ID your answer; the person who asked is told.")
    buttons = tuple(
        Button(f"Answer #{c.id}", actions.REVIEW_ANSWER, str(c.id)) for c in waiting[:MAX_BUTTONS]
    )
    return [
        Heading(f"Challenges waiting for an answer ({len(waiting)})"),
        Text("\n".join(lines)),
        Buttons(buttons),
    ]


async def smart_parts(
    session: AsyncSession,
    plan: Plan,
    coverage: Sequence[CoverageRow],
    *,
    name: Callable[[str], str],
    blocks: Callable[[Sequence[str]], list[Part]],
) -> list[Part]:
    """Agreed / eligible for each of the plan's SMART roles, who has none yet, and outcomes once recorded."""
    roles = list(plan.smart_roles or [])
    outcomes = {o.role: o for o in await outcomes_by_role(session, plan_id=plan.id, roles=roles)}
    by_group = {c.group: c for c in coverage}
    lines = []
    for role in roles:
        row, ended = by_group.get(role), outcomes.get(role)
        if row is None or ended is None:
            continue
        line = f"- {bold(name(role))}: {row.agreed} / {row.eligible}"
        if row.missing:
            line += f" (missing: {escape(', '.join(row.missing))})"
        if ended.recorded:
            line += " · outcomes: " + ", ".join(
                f"{OUTCOME_LABELS[k]} {ended.outcomes[k]}" for k in OUTCOME_LABELS
            )
        lines.append(line)
    heading = Heading("SMART objectives (agreed / eligible, probation excluded)")
    return [heading, *(blocks(lines) or [Text("No eligible people.")])]
