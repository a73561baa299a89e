"""The steps every adapter takes with something a person did, written once: drop a redelivery, find
who is asking, ask the router, show the answer, and say sorry (never the error) when anything fails.

Each adapter supplies only what is its own: how to find the actor, which router call to make, and how
to show an answer or a sorry on its surface.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.wiring import Core
from handlers.context import Actor
from handlers.messages import Message, Text
from storage.deliveries import first_delivery

log = logging.getLogger(__name__)
A = TypeVar("A")

SORRY_TEXT = "Sorry, something went wrong on my side. Nothing was changed; please try again in a minute."
SORRY = Message(fallback=SORRY_TEXT, parts=(Text(SORRY_TEXT),))


def log_failure(platform: str, what: str, user: str, error: BaseException) -> None:
    """The kind of error and where it happened, never its message: that can quote SQL parameters or a
    person's text (DESIGN §5)."""
    where = "".join(traceback.format_tb(error.__traceback__))
    log.error("%s %s failed for user %s: %s\n%s", platform, what, user, type(error).__name__, where)


async def is_redelivery(core: Core, *, platform: str, delivery_id: str) -> bool:
    """True when this delivery id was seen before: the first to arrive wins, across processes."""
    if not delivery_id:
        return False
    deps = core.deps
    first = await first_delivery(
        deps.sessions, platform=platform, delivery_id=delivery_id, now=deps.clock.now()
    )
    return not first


async def answer(
    core: Core,
    *,
    platform: str,
    what: str,
    user: str,
    actor: Callable[[], Awaitable[Actor]],
    ask: Callable[[Actor], Awaitable[A | None]],
    show: Callable[[A], Awaitable[None]],
    tell: Callable[[Message], Awaitable[None]] | None,
    delivery_id: str = "",
) -> None:
    """Run one inbound interaction. `what` and `user` go to the log on failure (the kind and the
    platform's user id, nothing a person typed); `tell` shows the sorry, or is None when nobody is
    waiting for an answer (App Home). A redelivered `delivery_id` does nothing at all."""
    try:
        if await is_redelivery(core, platform=platform, delivery_id=delivery_id):
            log.info("dropped a duplicate %s %s delivery %s", platform, what, delivery_id)
            return
        found = await ask(await actor())
        if found is not None:
            await show(found)
    except Exception as error:
        log_failure(platform, what, user, error)
        if tell is None:
            return
        try:
            await tell(SORRY)
        except Exception as second:
            log.error(
                "could not tell %s user %s about the failure: %s", platform, user, type(second).__name__
            )
