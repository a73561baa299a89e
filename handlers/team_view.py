"""/commitments team NAME: the actions one team owns across the plans in use, with what is overdue.

The plan's own learning is that teams need more accountability for progressing actions, so a team's
actions can be looked up as a whole, by anyone, like the rest of the plan.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import actions
from handlers.markup import escape, truncate
from handlers.messages import MAX_BUTTONS, Button, Buttons, Context, Heading, Message, Part, Text
from handlers.wording import status_words
from storage.lookups import status_of
from storage.models import Action, Plan, UpdateRequest
from storage.plan_queries import plan_rank

# A team's list shows this many actions; past it, /commitments KEY shows the others one at a time.
MAX_TEAM_ACTIONS = 20
# The outbox's kind for an owner's update request (`jobs.outbox.ASK`; handlers do not import jobs).
_ASK = "ask"


async def team_message(session: AsyncSession, *, name: str, today: date) -> Message:
    """The team's live actions in the plans active today (else in the plan a look-up would show)."""
    wanted = " ".join(name.split()).lower()
    rows = (
        await session.execute(
            select(Action, Plan.name, plan_rank(today).label("rank"))
            .join(Plan, Plan.id == Action.plan_id)
            .where(func.lower(Action.team) == wanted, Action.archived_at.is_(None))
            .order_by(plan_rank(today), Plan.starts, Action.position)
        )
    ).all()
    if rows and rows[0].rank != 0:
        # No active plan has this team: show the single plan a look-up would, not every old year at once.
        rows = [r for r in rows if r[1] == rows[0][1]]
    else:
        rows = [r for r in rows if r.rank == 0]
    if not rows:
        teams = sorted(
            set((await session.scalars(select(Action.team).where(Action.team != "").distinct())).all())
        )
        known = f" Teams that own actions: {escape(', '.join(teams))}." if teams else ""
        return Message(
            fallback=f"No team {name}",
            parts=(Text(f"No action in the plan belongs to a team called “{escape(name)}”.{known}"),),
        )
    team = rows[0][0].team
    ids = [r[0].id for r in rows]
    overdue = set(
        (
            await session.scalars(
                select(UpdateRequest.action_id).where(
                    UpdateRequest.kind == _ASK,
                    UpdateRequest.action_id.in_(ids),
                    UpdateRequest.answered_at.is_(None),
                    (UpdateRequest.reminders > 0) | UpdateRequest.escalated_at.is_not(None),
                )
            )
        ).all()
    )
    counts: dict[str, int] = {}
    for action, _, _ in rows:
        counts[action.status] = counts.get(action.status, 0) + 1
    plans = ", ".join(dict.fromkeys(plan_name for _, plan_name, _ in rows))
    parts: list[Part] = [
        Heading(truncate(f"{team}: {len(rows)} actions", 140)),
        Context(truncate(f"{plans} · {status_words(counts)} · {len(overdue)} with an overdue update", 300)),
    ]
    shown = rows[:MAX_TEAM_ACTIONS]
    for action, _, _ in shown:
        late = " · _update overdue_" if action.id in overdue else ""
        parts.append(
            Text(
                f"**{action.key}** · {status_of(action.status).label}{late}\n"
                f"{escape(truncate(action.title, 300))}"
            )
        )
    buttons = [Button(f"Show {a.key}", actions.COMMITMENTS_SHOW, a.key) for a, _, _ in shown]
    parts += [Buttons(tuple(buttons[i : i + MAX_BUTTONS])) for i in range(0, len(buttons), MAX_BUTTONS)]
    if len(rows) > MAX_TEAM_ACTIONS:
        parts.append(Context(f"…and {len(rows) - MAX_TEAM_ACTIONS} more. Type /commitments KEY for any."))
    return Message(fallback=f"{team}: {len(rows)} actions, {status_words(counts)}", parts=tuple(parts))
