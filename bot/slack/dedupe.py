"""Exactly once inbound: an event id is recorded before the event is handled; a redelivery is dropped.

Slack re-sends an event it thinks failed (`X-Slack-Retry-Num`). Not every retry is a duplicate — the
first delivery may never have arrived — so the rule is "the first one to arrive wins", decided by the
primary key of `processed_deliveries`, which also holds across several bot processes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack import ids
from handlers.context import Deps
from storage.deliveries import first_delivery

log = logging.getLogger(__name__)


def dedupe_events(deps: Deps) -> Callable[..., Awaitable[BoltResponse]]:
    """A bolt middleware; a duplicate gets 200 and an empty body, so Slack stops re-sending it."""

    async def middleware(req: AsyncBoltRequest, next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if (
            isinstance(event_id, str)
            and event_id
            and not await first_delivery(
                deps.sessions, platform=ids.PLATFORM, delivery_id=event_id, now=deps.clock.now()
            )
        ):
            retry = (req.headers.get("x-slack-retry-num") or ["0"])[0]
            log.info("dropped duplicate event %s (retry %s)", event_id, retry)
            return BoltResponse(status=200, body="")
        return await next()

    return middleware
