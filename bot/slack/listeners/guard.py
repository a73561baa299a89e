"""What every listener does after its ack: resolve the actor, and never let an error go unanswered."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.slack.replies import Surface, tell
from handlers.messages import Message, Text

log = logging.getLogger(__name__)

SORRY = Message(
    fallback="Sorry, something went wrong on my side. Nothing was changed; please try again in a minute.",
    parts=(
        Text("Sorry, something went wrong on my side. Nothing was changed; please try again in a minute."),
    ),
)


@asynccontextmanager
async def answering(surface: Surface, what: str) -> AsyncIterator[None]:
    """Log a failure by kind and id only (never the payload) and tell the user plainly."""
    try:
        yield
    except Exception:
        log.exception("slack %s failed for user %s", what, surface.user_id)
        try:
            await tell(surface, SORRY)
        except Exception:
            log.exception("could not tell user %s about the failure", surface.user_id)
