"""The home tab: my actions, what is due from me, my SMART objective; the plan's status for those allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.commitment_view import objective_line
from handlers.context import Actor, Deps
from handlers.markup import escape
from handlers.messages import Context, Divider, Heading, Message, Part, Text
from handlers.my_view import my_parts
from handlers.permissions import SEE_PLAN_STATUS, person_of
from handlers.wording import bullets
from storage.lookups import status_by_objective
from storage.models import Plan
from storage.plan_queries import current_plan
from storage.plan_wording import PlanWording

# Slack's home tab holds 100 blocks; stay clear of it whatever the plan's size.
MAX_HOME_PARTS = 95
BROWSE = (
    "Type /commitments to browse the plan by strategic objective, /commitments and a few words to search "
    "it, or /commitments INF-1 to read one action in full."
)

if TYPE_CHECKING:
    from handlers.router import Router


def register(router: Router) -> None:
    router.home(home)


async def home(deps: Deps, actor: Actor) -> Message:
    async with deps.sessions() as session:
        person = await person_of(session, actor)
        plan = await current_plan(session, today=deps.clock.now().date())
        if person is None:
            return _welcome(plan.name if plan else "")
        first = person.name.split()[0] if person.name.strip() else "there"
        parts: list[Part] = [
            Heading(f"Hello {first}"),
            Text(_your_part(plan)),
            Divider(),
            *await my_parts(session, deps, person, plan),
        ]
        if plan is not None and actor.may(SEE_PLAN_STATUS):
            objectives = await status_by_objective(session, plan_id=plan.id)
            parts += [
                Divider(),
                Heading("The plan at a glance"),
                Text(bullets(plan.name, [objective_line(o) for o in objectives])),
            ]
    parts.append(Context(BROWSE))
    return Message(fallback="nudgebot: your actions and updates", parts=tuple(parts[:MAX_HOME_PARTS]))


def _your_part(plan: Plan | None) -> str:
    """The greeting in the plan's own words: its name, and the network that reviews it with the SMT."""
    wording = PlanWording.of(plan)
    reviewers = "the senior management team" + (f" and {wording.network}" if wording.network else "")
    named = f"our {escape(plan.name)}" if plan is not None else "our action plan"
    return (
        f"Here is your part in {named}. Thank you for keeping it moving — "
        f"your updates are the evidence {escape(reviewers)} review."
    )


def _welcome(plan_name: str) -> Message:
    about = f" — here, the **{escape(plan_name)}**" if plan_name else ""
    return Message(
        fallback="Welcome to nudgebot",
        parts=(
            Heading("Welcome to nudgebot"),
            Text(
                "nudgebot keeps our organisation honest about its published action plan"
                f"{about}: it asks the owners of each commitment for updates, keeps what they say as "
                "evidence, and lets everyone see how we are doing."
            ),
            Text(
                "You are not in nudgebot's people list yet, so there is nothing of yours to show. If you "
                "own an action or have a SMART objective, please ask your administrator to add you."
            ),
            Context(BROWSE),
        ),
    )
