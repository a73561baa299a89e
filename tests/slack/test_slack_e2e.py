"""End to end through the real handlers: signed Slack requests over HTTP → the real router → the fake
Slack and the database. The demo plan and people are imported through the real importers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.slack import ids
from handlers.messenger import MessageRef
from handlers.nudges import DueItem, nudge_message
from storage.clock import FixedClock
from storage.models import Action, Evidence, Person
from storage.plan_file import parse_plan
from storage.plan_import import import_plan
from tests.support.fakes.slack_requests import block_action
from tests.support.handlers_support import sent_nudge
from tests.support.slack_fixtures import (
    PLAN,
    STRANGER,
    SlackRig,
    assert_within_limits,
    eventually,
    start_rig,
    view_submission,
)

CASEY = "casey.testcase@example.org"  # owns INF-1 (with Sam)
SAM = "sam.sample@example.org"  # SMT


def texts(blocks: list[dict[str, Any]]) -> str:
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "text" and isinstance(item, str):
                    out.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(blocks)
    return "\n".join(out)


async def send_nudge(rig: SlackRig, email: str, keys: list[str]) -> MessageRef:
    """Post the real nudge message through SlackMessenger, then the update requests the jobs would write."""
    async with rig.core.deps.sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
        assert person is not None
        rows = {a.key: a for a in (await session.scalars(select(Action).where(Action.key.in_(keys)))).all()}
    items = [DueItem(action_key=k, title=rows[k].title, period_label="October 2024") for k in keys]
    assert rig.core.deps.messenger is not None
    # The owner's DM channel as the handler tests name it; SlackMessenger.send_direct has its own test.
    posted = await rig.core.deps.messenger.post_channel("D-OWNER", nudge_message(person.name, items))
    return await sent_nudge(rig.core.deps, email, keys, ts=posted.id)


def button(rig: SlackRig, neutral: str, value: str) -> str:
    """The Slack action_id of a button the nudge was really posted with."""
    for block in rig.fake.calls_to("chat.postMessage")[0].args["blocks"]:
        for element in block.get("elements", []):
            if ids.neutral_action_id(element.get("action_id", "")) == neutral and element["value"] == value:
                return str(element["action_id"])
    raise AssertionError(f"no {neutral} button for {value}")


async def evidence(rig: SlackRig) -> list[Evidence]:
    async with rig.core.deps.sessions() as session:
        return list((await session.scalars(select(Evidence).order_by(Evidence.id))).all())


# --- commands -------------------------------------------------------------------------------------------


async def test_commitments_overview_and_one_action(slack_rig: SlackRig) -> None:
    casey = slack_rig.user(CASEY)
    overview = await slack_rig.ask("/commitments", "", user=casey)
    assert overview["response_type"] == "ephemeral"
    assert "Influence" in texts(overview["blocks"])
    one = await slack_rig.ask("/commitments", "INF-1", user=casey)
    assert "INF-1" in texts(one["blocks"])
    assert_within_limits(slack_rig.sent())


async def test_commitments_any_text_gets_a_helpful_answer(slack_rig: SlackRig) -> None:
    for text in ("x" * 4000, "平等 行動 計画", "<script>&amp;</script>", "INF-999"):
        answer = await slack_rig.ask("/commitments", text, user=slack_rig.user(CASEY))
        assert answer["blocks"], text
    assert "<script>" not in str([c.args for c in slack_rig.sent()])
    assert_within_limits(slack_rig.sent())


async def test_nudge_mine_and_a_stranger_told_politely(slack_rig: SlackRig) -> None:
    mine = await slack_rig.ask("/nudge", "mine", user=slack_rig.user(CASEY))
    assert "INF-1" in texts(mine["blocks"])
    told = await slack_rig.ask("/nudge", "mine", user=STRANGER[0])
    assert "not in nudgebot's people list" in texts(told["blocks"])
    browse = await slack_rig.ask("/commitments", "INF-1", user=STRANGER[0])
    assert "INF-1" in texts(browse["blocks"])
    assert_within_limits(slack_rig.sent())


async def test_nudge_update_opens_the_update_form(slack_rig: SlackRig) -> None:
    reply = await slack_rig.command("/nudge", "update INF-1", user=slack_rig.user(CASEY))
    assert reply.status == 200
    opened = (await eventually(lambda: slack_rig.fake.calls_to("views.open")))[0].args
    assert opened["view"]["callback_id"] == ids.FORM_CALLBACK
    assert_within_limits(slack_rig.sent())


# --- the nudge: buttons, form, thread replies -----------------------------------------------------------


@pytest.fixture
async def both_db_rig(db_url: str, clock: FixedClock) -> AsyncIterator[SlackRig]:
    """The rig on SQLite and on PostgreSQL (evidence and its message references are looked up in JSON)."""
    rig, stop = await start_rig(database_url=db_url, clock=clock)
    yield rig
    await stop()


async def test_a_nudge_button_click_becomes_evidence_and_updates_the_message(both_db_rig: SlackRig) -> None:
    slack_rig = both_db_rig
    ref = await send_nudge(slack_rig, CASEY, ["INF-1"])
    action_id = button(slack_rig, "nudge.at_risk", "INF-1")
    for action_ts in ("1.1", "1.2"):  # clicked twice
        payload = block_action(
            user_id=slack_rig.user(CASEY),
            action_id=action_id,
            value="INF-1",
            channel=ref.channel,
            message_ts=ref.id,
            action_ts=action_ts,
        )
        assert (await slack_rig.interact(payload)).status == 200
    await eventually(lambda: len(slack_rig.fake.calls_to("chat.update")) >= 2)
    rows = await evidence(slack_rig)
    assert [(r.status, r.author_name) for r in rows] == [("at_risk", "Casey Testcase")]
    updated = slack_rig.fake.calls_to("chat.update")[0].args
    assert (updated["channel"], updated["ts"]) == (ref.channel, ref.id)
    assert "at risk" in texts(updated["blocks"]).lower()
    assert_within_limits(slack_rig.sent())


async def test_someone_else_cannot_record_on_an_action(slack_rig: SlackRig) -> None:
    ref = await send_nudge(slack_rig, CASEY, ["INF-1"])
    payload = block_action(
        user_id=STRANGER[0],
        action_id=button(slack_rig, "nudge.done", "INF-1"),
        value="INF-1",
        channel=ref.channel,
        message_ts=ref.id,
    )
    assert (await slack_rig.interact(payload)).status == 200
    await eventually(lambda: len(slack_rig.fake.calls_to("chat.postMessage")) == 2)
    assert await evidence(slack_rig) == []


async def test_add_update_form_round_trip(slack_rig: SlackRig) -> None:
    ref = await send_nudge(slack_rig, CASEY, ["INF-1"])
    casey = slack_rig.user(CASEY)
    payload = block_action(
        user_id=casey,
        action_id=button(slack_rig, "nudge.add_update", "INF-1"),
        value="INF-1",
        channel=ref.channel,
        message_ts=ref.id,
    )
    await slack_rig.interact(payload)
    view = (await eventually(lambda: slack_rig.fake.calls_to("views.open")))[0].args["view"]
    values = {"status": "on_track", "narrative": "Briefing held with two partners.", "link_1": "not a url"}
    bad = await slack_rig.interact(view_submission(view, user=casey, values=values))
    assert bad.json()["response_action"] == "errors"
    assert "link_1" in bad.json()["errors"]
    assert await evidence(slack_rig) == []
    values["link_1"] = "https://example.org/notes"
    good = await slack_rig.interact(view_submission(view, user=casey, values=values))
    assert good.status == 200
    assert good.text == ""
    rows = await evidence(slack_rig)
    assert [(r.status, r.narrative, r.links) for r in rows] == [
        ("on_track", "Briefing held with two partners.", ["https://example.org/notes"])
    ]
    assert_within_limits(slack_rig.sent())


def reply_event(rig: SlackRig, ref: MessageRef, text: str) -> dict[str, str]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": ref.channel,
        "user": rig.user(CASEY),
        "text": text,
        "ts": "1728300000.000200",
        "thread_ts": ref.id,
    }


async def test_a_thread_reply_delivered_three_times_is_one_piece_of_evidence(both_db_rig: SlackRig) -> None:
    slack_rig = both_db_rig
    ref = await send_nudge(slack_rig, CASEY, ["INF-1"])
    event = reply_event(slack_rig, ref, "Held the first briefing https://example.org/b1")
    for retry in range(3):
        assert (await slack_rig.event(event, event_id="Ev-reply-1", retry=retry)).status == 200
    thanks = await eventually(
        lambda: [c for c in slack_rig.fake.calls_to("chat.postMessage") if c.args.get("thread_ts") == ref.id]
    )
    assert len(thanks) == 1
    assert "kept as evidence" in texts(thanks[0].args["blocks"])
    rows = await evidence(slack_rig)
    assert [(r.narrative, r.links, r.status) for r in rows] == [
        ("Held the first briefing https://example.org/b1", ["https://example.org/b1"], None)
    ]


async def test_app_home(slack_rig: SlackRig) -> None:
    event = {"type": "app_home_opened", "user": slack_rig.user(CASEY), "tab": "home", "channel": "D1"}
    await slack_rig.event(event, event_id="Ev-home")
    view = (await eventually(lambda: slack_rig.fake.calls_to("views.publish")))[0].args["view"]
    assert "INF-1" in texts(view["blocks"])
    assert_within_limits(slack_rig.sent())


# --- a long plan, paged ------------------------------------------------------------------------------------


def long_plan(extra: int) -> str:
    """The real plan with `extra` more Influence actions (INF-101…), the same shape as the real ones."""
    data = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    influence = data["objectives"][0]
    template = influence["actions"][0]
    influence["actions"] += [
        {
            **template,
            "key": f"INF-{100 + n}",
            "title": f"Extra commitment number {n}: " + "fairer pay " * 20,
            # Measure keys are the plan's own (INF-1.1 …): each copy gets its action's.
            "measures": [{**m, "key": f"INF-{100 + n}.{i}"} for i, m in enumerate(template["measures"], 1)],
        }
        for n in range(1, extra + 1)
    ]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


async def test_a_long_plan_pages_within_block_kit_limits(slack_rig: SlackRig) -> None:
    async with slack_rig.core.deps.sessions() as session:
        await import_plan(session, parse_plan(long_plan(120)), now=slack_rig.core.deps.clock.now())
        await session.commit()
    user = slack_rig.user(CASEY)
    first = await slack_rig.ask("/commitments", "objective=INF", user=user)
    assert len(first["blocks"]) <= 50
    pager = [
        e
        for b in first["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if ids.neutral_action_id(e["action_id"]) == "commitments.page"
    ]
    assert pager, "an objective with 130 actions must be paged"
    payload = block_action(
        user_id=user,
        action_id=pager[-1]["action_id"],
        value=pager[-1]["value"],
        channel="C-GENERAL",
        message_ts="1700.3",
        response_url=slack_rig.fake.response_url("page"),
    )
    payload["container"]["is_ephemeral"] = True
    await slack_rig.interact(payload)
    second = (await eventually(slack_rig.responses))[0].args
    assert second["response_type"] == "ephemeral"
    assert texts(second["blocks"]) != texts(first["blocks"])
    for text in ("", "fairer pay", "objective=INF page=13", "INF-150"):
        await slack_rig.ask("/commitments", text, user=user)
    home = {"type": "app_home_opened", "user": user, "tab": "home", "channel": "D1"}
    await slack_rig.event(home, event_id="Ev-home-long")
    await eventually(lambda: slack_rig.fake.calls_to("views.publish"))
    assert assert_within_limits(slack_rig.sent()) > 50
