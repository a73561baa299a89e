"""Through the real app: a click on a Slack nudge that a newer nudge replaced records nothing, the person
is told why, and the old message is updated (chat.update) to show it is out of date."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.clock import FixedClock
from storage.models import Evidence, UpdateRequest
from tests.support.fakes.slack_requests import block_action
from tests.support.slack_fixtures import SlackRig, eventually
from tests.support.slack_nudges import post_nudge

CASEY = "casey.testcase@example.org"  # owns INF-1


async def test_a_click_on_a_replaced_nudge_records_nothing_and_the_old_one_says_so(
    slack_rig: SlackRig, clock: FixedClock
) -> None:
    old = await post_nudge(slack_rig, CASEY, ["INF-1"])
    async with slack_rig.core.deps.sessions() as session:
        first = await session.scalar(select(UpdateRequest))
        assert first is not None
        first.sent_at = clock.now() - timedelta(days=31)  # last month's nudge
        await session.commit()
    async with slack_rig.core.deps.sessions() as session:
        # The jobs' next-period request for the same action, sent in a newer message.
        session.add(
            UpdateRequest(
                kind=first.kind,
                recipient=first.recipient,
                person_id=first.person_id,
                subject=first.subject,
                period="2024-11",
                action_id=first.action_id,
                status="sent",
                due_at=clock.now(),
                sent_at=clock.now(),
                message_ref={"platform": "slack", "channel": "D-OWNER", "id": "1730970000.000200"},
                created_at=clock.now(),
            )
        )
        await session.commit()
    click = block_action(
        user_id=slack_rig.user(CASEY),
        action_id="nudge.on_track#2.0",
        value="INF-1",
        channel=old.channel,
        message_ts=old.id,
        response_url=slack_rig.fake.response_url(),
    )
    assert (await slack_rig.interact(click)).status == 200

    [update] = await eventually(lambda: slack_rig.fake.calls_to("chat.update"))
    assert update.args["ts"] == old.id and "Out of date" in str(update.args["blocks"])
    told = await eventually(lambda: [t for t in slack_rig.fake.posted_texts() if "out of date" in t])
    assert "nothing was recorded" in told[0]
    async with slack_rig.core.deps.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Evidence)) == 0
