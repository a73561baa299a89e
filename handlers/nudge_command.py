"""/nudge: my actions and what is due from me, an update, my SMART objective, a snooze."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from handlers.context import Actor, Deps, Response
from handlers.markup import escape
from handlers.messages import Heading, Message
from handlers.my_view import my_parts
from handlers.permissions import person_of
from handlers.plan_admin import change_cadence, snooze_for_everyone
from handlers.recording import MAX_SNOOZE_DAYS, snooze_action
from handlers.smart import open_smart_form
from handlers.update_form import open_update_form
from handlers.wording import NOT_IN_PEOPLE_LIST, action_key, bullets, say
from storage.plan_queries import current_plan

HELP = bullets(
    "What /nudge can do",
    [
        "/nudge mine — your actions, the updates due from you and your SMART objective",
        "/nudge update KEY — record an update on one of your actions (for example /nudge update INF-1)",
        "/nudge smart — write or change your SMART objective",
        f"/nudge snooze KEY 7d — pause reminders about an action for a while (1 to {MAX_SNOOZE_DAYS} days; "
        "7d, 2w or 14 all work)",
        "/nudge snooze KEY 14d everyone — (SMT) pause reminders about an action for all its owners",
        "/nudge cadence KEY quarterly — (SMT) change how often an action's owners are asked",
        "/commitments — browse and search the whole plan",
    ],
)

if TYPE_CHECKING:
    from handlers.router import Router
# "7d", "7 days", "2w", "14": how long to snooze.
_DURATION = re.compile(r"^(\d{1,3})\s*(d|days?|w|wks?|weeks?)?$", re.IGNORECASE)


def register(router: Router) -> None:
    router.command(
        "nudge",
        nudge,
        summary="Your actions, your updates, your SMART objective, snooze",
        usage="[mine | updates | smart | snooze KEY DAYS]",
        help="**{cmd} mine** for the actions you own and what is due",
    )


async def nudge(deps: Deps, actor: Actor, text: str) -> Response:
    words = text.split()
    sub = words[0].lower() if words else "help"
    rest = " ".join(words[1:])
    if sub == "help":
        return say(HELP)
    if sub not in ("mine", "update", "smart", "snooze", "cadence"):
        return say(f"I don't know “{escape(words[0])}”.\n{HELP}")
    if not actor.known:
        return say(NOT_IN_PEOPLE_LIST)
    if sub == "mine":
        return await _mine(deps, actor)
    if sub == "smart":
        return await open_smart_form(deps, actor)
    if not rest:
        return say(f"Which action? For example /nudge {sub} INF-1.")
    if sub == "update":
        return await open_update_form(deps, actor, rest)
    if sub == "cadence":
        return await _cadence(deps, actor, rest)
    return await _snooze(deps, actor, rest)


async def _cadence(deps: Deps, actor: Actor, rest: str) -> Response:
    """`KEY CADENCE`: the SMT changes how often an action's owners are asked."""
    tokens = rest.split()
    key = action_key(" ".join(tokens[:-1])) if len(tokens) > 1 else None
    if key is None:
        return say("Please name an action and a cadence, for example /nudge cadence INF-1 quarterly.")
    return await change_cadence(deps, actor, key=key, cadence=tokens[-1])


async def _mine(deps: Deps, actor: Actor) -> Response:
    async with deps.sessions() as session:
        person = await person_of(session, actor)
        if person is None:
            return say(NOT_IN_PEOPLE_LIST)
        plan = await current_plan(session, today=deps.clock.now().date())
        parts = [
            Heading(f"Your part in {plan.name}" if plan else "Your actions"),
            *await my_parts(session, deps, person, plan),
        ]
    return Response(
        message=Message(fallback="Your actions, updates due and SMART objective", parts=tuple(parts))
    )


async def _snooze(deps: Deps, actor: Actor, rest: str) -> Response:
    """`KEY`, `KEY 7d`, `KEY 2w`, `KEY 14` (days); the key may be typed `INF 1` too."""
    tokens = rest.split()
    everyone = len(tokens) > 1 and tokens[-1].lower() in {"everyone", "all"}
    if everyone:
        tokens = tokens[:-1]
    days = 7
    duration = _DURATION.fullmatch(tokens[-1]) if len(tokens) > 1 else None
    if duration is not None:
        unit = (duration.group(2) or "d").lower()
        days = int(duration.group(1)) * (7 if unit.startswith("w") else 1)
        tokens = tokens[:-1]
    key = action_key(" ".join(tokens))
    if key is None:
        return say(f"Please name an action and a time, for example /nudge snooze INF-1 7d.\n{HELP}")
    if everyone:
        return await snooze_for_everyone(deps, actor, key=key, days=days)
    _, answer = await snooze_action(deps, actor, key=key, days=days)
    return say(answer)
