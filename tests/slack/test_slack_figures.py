"""Through the real Slack adapter: an owner gives a figure from the nudge's update modal, and
/commitments then shows it against the target."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Measure, MeasureValue
from tests.slack.test_slack_e2e import button, send_nudge, texts
from tests.support.fakes.slack_requests import block_action
from tests.support.slack_fixtures import SlackRig, assert_within_limits, eventually, view_submission

SAM = "sam.sample@example.org"  # owns INF-2


async def test_an_owner_gives_a_figure_from_the_nudge(slack_rig: SlackRig) -> None:
    ref = await send_nudge(slack_rig, SAM, ["INF-2"])
    sam = slack_rig.user(SAM)
    await slack_rig.interact(
        block_action(
            user_id=sam,
            action_id=button(slack_rig, "nudge.add_update", "INF-2"),
            value="INF-2",
            channel=ref.channel,
            message_ts=ref.id,
        )
    )
    view = (await eventually(lambda: slack_rig.fake.calls_to("views.open")))[0].args["view"]
    async with slack_rig.core.deps.sessions() as session:
        count = await session.scalar(select(Measure).where(Measure.key == "INF-2.1"))
        assert count is not None
    field = f"figure_{count.id}"
    block = next(b for b in view["blocks"] if b.get("block_id") == field)
    assert block["optional"] is True and block["label"]["text"].startswith("INF-2.1: At least quarterly")

    values = {
        "status": "on_track",
        "narrative": "Met the King's Fund and NHS Confed.",
        field: "2 organisations",
    }
    bad = await slack_rig.interact(view_submission(view, user=sam, values=values))
    assert bad.json()["response_action"] == "errors" and field in bad.json()["errors"]
    values[field] = "3"
    good = await slack_rig.interact(view_submission(view, user=sam, values=values))
    assert good.status == 200 and good.text == ""
    async with slack_rig.core.deps.sessions() as session:
        figures = (await session.scalars(select(MeasureValue))).all()
    assert [(f.period, f.value) for f in figures] == [("2024-Q3", 3.0)]

    shown = texts((await slack_rig.ask("/commitments", "INF-2", user=sam))["blocks"])
    assert "3 of at least 2 this quarter — met" in shown
    assert "🟢 *INF-2.1*" in shown
    assert_within_limits(slack_rig.sent())
