"""Administration in chat through the real Slack adapter: an owner answers *Not mine*, an SMT member
picks the new owner from the button in the SMT channel, the new owner is nudged and the old one is not,
and `plan export` writes the new owner into the plan file."""

from __future__ import annotations

from datetime import UTC, datetime

import yaml
from sqlalchemy import select

from bot.slack import ids
from jobs.catalogue import run_job
from storage.models import Action, ActionOwner, AuditEntry, Plan
from storage.plan_export import export_plan
from tests.slack.test_slack_e2e import button, send_nudge, texts
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.fakes.slack_requests import block_action
from tests.support.jobs_support import job_context
from tests.support.slack_fixtures import SlackRig, assert_within_limits, eventually, view_submission

CASEY = "casey.testcase@example.org"  # owns INF-1 with Sam
SAM = "sam.sample@example.org"  # SMT
DREW = "drew.draft@example.org"


async def _owners(rig: SlackRig, key: str) -> list[str]:
    async with rig.core.deps.sessions() as session:
        rows = await session.scalars(
            select(ActionOwner.email)
            .join(Action, Action.id == ActionOwner.action_id)
            .where(Action.key == key)
            .order_by(ActionOwner.position)
        )
        return list(rows.all())


async def test_an_smt_member_reassigns_an_action_from_not_mine(slack_rig: SlackRig) -> None:
    ref = await send_nudge(slack_rig, CASEY, ["INF-1"])
    casey = slack_rig.user(CASEY)
    payload = block_action(
        user_id=casey,
        action_id=button(slack_rig, "nudge.not_mine", "INF-1"),
        value="INF-1",
        channel=ref.channel,
        message_ts=ref.id,
        response_url=slack_rig.fake.response_url("not-mine"),
    )
    assert (await slack_rig.interact(payload)).status == 200

    def smt_posts() -> list[dict[str, object]]:
        return [
            c.args for c in slack_rig.fake.calls_to("chat.postMessage") if c.args.get("channel") == "C-SMT"
        ]

    (post,) = await eventually(smt_posts)
    assert "INF-1 needs a new owner" in texts(post["blocks"])
    # Casey is off the action at once: no more nudges about it.
    assert await _owners(slack_rig, "INF-1") == [SAM]
    choose = next(
        element
        for block in post["blocks"]
        for element in block.get("elements", [])
        if ids.neutral_action_id(element.get("action_id", "")) == "plan.reassign"
    )

    # Casey may not choose; Sam (SMT) gets the picker.
    refused = block_action(
        user_id=casey,
        action_id=choose["action_id"],
        value=choose["value"],
        channel="C-SMT",
        response_url=slack_rig.fake.response_url("refused"),
        action_ts="1700000002.000100",  # each click is its own delivery
    )
    await slack_rig.interact(refused)
    await eventually(
        lambda: [
            c for c in slack_rig.responses() if "Only the senior management team can choose" in str(c.args)
        ]
    )
    sam = slack_rig.user(SAM)
    opened_before = len(slack_rig.fake.calls_to("views.open"))
    await slack_rig.interact(
        block_action(
            user_id=sam,
            action_id=choose["action_id"],
            value=choose["value"],
            channel="C-SMT",
            action_ts="1700000003.000100",
        )
    )
    views = await eventually(lambda: slack_rig.fake.calls_to("views.open")[opened_before:])
    assert opened_before == 0  # Casey's click opened nothing
    view = views[0].args["view"]
    assert "Drew Draft" in str(view["blocks"])
    done = await slack_rig.interact(view_submission(view, user=sam, values={"owner": DREW}))
    assert done.status == 200
    assert await _owners(slack_rig, "INF-1") == [SAM, DREW]
    async with slack_rig.core.deps.sessions() as session:
        events = (
            await session.scalars(select(AuditEntry.event).where(AuditEntry.entity_key == "INF-1"))
        ).all()
    assert "action.reassign" in events

    # The next nudges: Drew is asked about INF-1, Casey is not.
    messenger = RecordingMessenger()
    ctx = job_context(slack_rig.core.deps.sessions, messenger)
    await run_job(ctx, "nudges", at=datetime(2024, 10, 8, 9, 30, tzinfo=UTC))
    assert "INF-1" in messenger.to("Drew Draft")[0].text
    assert all("INF-1" not in s.text for s in messenger.to("Casey Testcase"))

    async with slack_rig.core.deps.sessions() as session:
        plan = await session.scalar(select(Plan))
        assert plan is not None
        exported = yaml.safe_load(await export_plan(session, plan))
    inf1 = next(a for o in exported["objectives"] for a in o["actions"] if a["key"] == "INF-1")
    assert inf1["owners"] == [SAM, DREW]
    assert_within_limits(slack_rig.sent())
