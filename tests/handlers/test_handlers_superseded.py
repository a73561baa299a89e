"""A click on a nudge that a newer nudge replaced records nothing, says why, and the old nudge shows it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from handlers import actions
from handlers.context import Deps, Origin
from handlers.features import build_router
from handlers.messenger import MessageRef
from storage.clock import FixedClock
from storage.models import Evidence, UpdateRequest
from tests.support.handlers_support import actor, seed, sent_nudge, text_of

CASEY = "casey.testcase@example.org"  # owns INF-1


async def _evidence_count(deps: Deps) -> int:
    async with deps.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Evidence)) or 0


async def test_a_click_on_a_nudge_asked_again_in_a_new_period_records_nothing(
    deps: Deps, clock: FixedClock
) -> None:
    await seed(deps)
    old = await sent_nudge(deps, CASEY, ["INF-1"], ts="1728293400.000100")
    # A month on, the next period's nudge about the same action, in a new message.
    clock.set(clock.now() + timedelta(days=31))
    new = MessageRef(platform="slack", channel="D-OWNER", id="1730970000.000200")
    async with deps.sessions() as session:
        await session.execute(
            update(UpdateRequest).where(UpdateRequest.message_ref.is_not(None)).values(period="2024-10")
        )
        await session.commit()
    await _next_period_nudge(deps, new)
    casey = await actor(deps, CASEY)

    response = await build_router().on_action(
        deps, casey, actions.NUDGE_ON_TRACK, "INF-1", Origin(old, "click-old")
    )

    assert await _evidence_count(deps) == 0
    said = text_of(response.message)
    assert "out of date" in said and "nothing was recorded" in said and "7 November 2024" in said
    assert response.replace_original is not None
    redrawn = text_of(response.replace_original)
    assert "Out of date" in redrawn
    # The new nudge still works.
    fresh = await build_router().on_action(deps, casey, actions.NUDGE_ON_TRACK, "INF-1", Origin(new, "c2"))
    assert "out of date" not in text_of(fresh.message) if fresh.message else True
    assert await _evidence_count(deps) == 1


async def _next_period_nudge(deps: Deps, ref: MessageRef) -> None:
    """The update request the jobs write for November, sent in the message at `ref`."""
    async with deps.sessions() as session:
        first = await session.scalar(select(UpdateRequest).order_by(UpdateRequest.id))
        assert first is not None
        now = deps.clock.now()
        session.add(
            UpdateRequest(
                kind=first.kind,
                recipient=first.recipient,
                person_id=first.person_id,
                subject=first.subject,
                period="2024-11",
                action_id=first.action_id,
                status="sent",
                due_at=now - timedelta(hours=1),
                sent_at=now - timedelta(minutes=30),
                message_ref=ref.as_dict(),
                created_at=now - timedelta(hours=1),
            )
        )
        await session.commit()


async def test_a_click_on_a_nudge_whose_request_a_reminder_relisted_records_nothing(deps: Deps) -> None:
    await seed(deps)
    old = await sent_nudge(deps, CASEY, ["INF-1"], ts="1728293400.000100")
    reminder = MessageRef(platform="slack", channel="D-OWNER", id="1728552600.000300")
    async with deps.sessions() as session:
        request = await session.scalar(select(UpdateRequest))
        assert request is not None
        # The message row the old nudge was sent as stays; its ask now points at the reminder.
        session.add(
            UpdateRequest(
                kind="message",
                recipient=request.recipient,
                person_id=request.person_id,
                subject="nudge",
                period="2024-10-07",
                status="sent",
                due_at=request.due_at,
                sent_at=request.sent_at,
                message_ref=old.as_dict(),
                created_at=request.created_at,
            )
        )
        request.message_ref = reminder.as_dict()
        await session.commit()
    casey = await actor(deps, CASEY)

    response = await build_router().on_action(
        deps, casey, actions.NUDGE_AT_RISK, "INF-1", Origin(old, "c-old")
    )

    assert await _evidence_count(deps) == 0
    assert "out of date" in text_of(response.message)
    assert response.replace_original is not None and "Out of date" in text_of(response.replace_original)


async def test_a_nudge_nobody_replaced_still_records(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    casey = await actor(deps, CASEY)
    await build_router().on_action(deps, casey, actions.NUDGE_ON_TRACK, "INF-1", Origin(ref, "c1"))
    assert await _evidence_count(deps) == 1
