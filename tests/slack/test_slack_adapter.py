"""The Slack adapter's contract over real HTTP: signed requests in, neutral router calls, Slack calls out.

A Router built here with small real handlers (they write evidence rows) stands for the features, so
what is tested is the adapter: signatures, acks, dedupe, identity linking, rendering, forms, limits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.slack import ids
from bot.slack.listeners import commands, views
from handlers.context import Actor, Deps, Origin, Response
from handlers.markup import escape
from handlers.messages import Button, Buttons, Form, LongText, Message, ShortText, Text
from handlers.router import Router
from storage.clock import FixedClock
from storage.models import Action, Evidence, PlatformIdentity, ProcessedDelivery
from tests.support.fakes.slack_requests import block_action
from tests.support.handlers_support import add_command
from tests.support.slack_fixtures import (
    STRANGER,
    SlackRig,
    assert_within_limits,
    eventually,
    start_rig,
    view_submission,
)

ALEX = "alex.example@example.org"  # smt, admin
CASEY = "casey.testcase@example.org"  # owns INF-1


async def _evidence(deps: Deps, actor: Actor, key: str, note: str, status: str | None, ref: str) -> bool:
    async with deps.sessions() as session:
        action = await session.scalar(select(Action).where(Action.key == key))
        assert action is not None
        session.add(
            Evidence(
                action_id=action.id,
                author_id=actor.person_id,
                author_name=actor.name,
                status=status,
                narrative=note,
                channel="slack",
                source_ref=ref,
                created_at=deps.clock.now(),
            )
        )
        try:
            await session.commit()
        except IntegrityError:
            return False
    return True


async def echo(deps: Deps, actor: Actor, text: str) -> Response:
    who = actor.name if actor.known else "someone not in the people list"
    return Response(
        message=Message(
            fallback=f"echo {text}",
            parts=(
                Text(f"**{escape(who)}** said {escape(text)}"),
                Buttons((Button("On track", "rec.on", "INF-1"),)),
            ),
        )
    )


async def open_form(deps: Deps, actor: Actor, text: str) -> Response:
    inputs = (ShortText("headline", "Headline"), LongText("detail", "Detail", required=False))
    return Response(form=Form(form_id="note", title="Add update", inputs=inputs, state=text or "INF-1"))


async def long_list(deps: Deps, actor: Actor, text: str) -> Response:
    parts = tuple(Text(f"Item {n}: " + "x" * 4000) for n in range(80))
    return Response(message=Message(fallback="a long list", parts=parts))


async def record(deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
    if not actor.known:
        return Response(
            message=Message(fallback="Not yours", parts=(Text("Only its owners can update it."),))
        )
    if origin.message is None or action == "rec.page":
        return Response(replace_original=Message(fallback="Page 2", parts=(Text(f"Page {value}"),)))
    await _evidence(deps, actor, value, "", "on_track", origin.delivery_id)
    return Response(
        replace_original=Message(fallback="Recorded", parts=(Text(f"Recorded {value}: on track"),))
    )


async def submit_note(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    if len(values["headline"]) < 3:
        return Response(errors={"headline": "Say a little more (3 characters at least)."})
    await _evidence(deps, actor, state, values["headline"], None, f"form:{values['headline']}")
    return Response(close_form=True, message=Message(fallback="Saved", parts=(Text("Saved your update."),)))


async def thread_reply(deps: Deps, actor: Actor, text: str, origin: Origin) -> Response | None:
    if origin.message is None or not actor.known:
        return None
    await _evidence(deps, actor, "INF-1", text, None, origin.delivery_id)
    return Response(message=Message(fallback="Kept", parts=(Text("Thanks, I kept that as evidence."),)))


async def home(deps: Deps, actor: Actor) -> Message:
    return Message(fallback="home", parts=(Text(f"Welcome {escape(actor.name or 'stranger')}"),))


def contract_router() -> Router:
    router = Router()
    add_command(router, "echo", echo)
    add_command(router, "form", open_form)
    add_command(router, "long", long_list)
    router.action("rec", record)
    router.form("note", submit_note)
    router.reply(thread_reply)
    router.home(home)
    return router


@pytest.fixture
async def rig(sqlite_url: str, clock: FixedClock) -> AsyncIterator[SlackRig]:
    started, stop = await start_rig(database_url=sqlite_url, clock=clock, router=contract_router())
    yield started
    await stop()


async def count(
    rig: SlackRig, model: type[Evidence] | type[ProcessedDelivery] | type[PlatformIdentity]
) -> int:
    async with rig.core.deps.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# --- signatures and malformed input ------------------------------------------------------------------


async def test_bad_signature_is_refused_and_changes_nothing(rig: SlackRig) -> None:
    reply_event = {
        "type": "message",
        "channel_type": "im",
        "channel": "DX",
        "user": rig.user(CASEY),
        "text": "forged",
        "ts": "2.0",
        "thread_ts": "1.0",
    }
    from tests.support.fakes.slack_requests import event_body

    body = event_body(reply_event, event_id="Ev-forged")
    reply = await rig.post(body, content_type="application/json", secret="not-the-secret")
    assert reply.status == 401
    assert await count(rig, ProcessedDelivery) == 0
    assert await count(rig, Evidence) == 0
    assert await count(rig, PlatformIdentity) == 0
    assert rig.fake.calls == []


async def test_stale_timestamp_is_refused(rig: SlackRig) -> None:
    from tests.support.fakes.slack_requests import command_body

    body = command_body("/echo", "hi", user_id=rig.user(CASEY), response_url=rig.fake.response_url())
    reply = await rig.post(body, timestamp=int(time.time()) - 6 * 60)
    assert reply.status == 401
    assert rig.fake.calls == []
    # The same body, signed now, is accepted: the refusal was the timestamp's.
    accepted = await rig.post(body)
    assert accepted.status == 200
    await eventually(lambda: any("said hi" in str(c.args) for c in rig.sent()))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"just a string"', "application/json"),
        ('{"type": "event_callback", "event_id": "Ev1"}', "application/json"),
        ('{"type": "event_callback", "event": "x", "event_id": "Ev1"}', "application/json"),
        ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
        ('payload={"type": "block_actions", "actions": []}', "application/x-www-form-urlencoded"),
        (
            'payload={"type": "block_actions", "user": {"id": "U1"}, "actions": "x"}',
            "application/x-www-form-urlencoded",
        ),
        ('payload={"type": "view_submission", "user": {"id": "U1"}}', "application/x-www-form-urlencoded"),
        ("command=%2Fecho&text=hi", "application/x-www-form-urlencoded"),
        ('{"type": "something_else"}', "application/json"),
    ],
)
async def test_malformed_payloads_get_a_4xx(rig: SlackRig, body: str, content_type: str) -> None:
    reply = await rig.post(body, content_type=content_type)
    assert 400 <= reply.status < 500
    assert await count(rig, Evidence) == 0


async def test_healthz_beside_slack(rig: SlackRig) -> None:
    async with rig.http.get(f"{rig.url}/healthz") as resp:
        assert resp.status == 200


# --- commands, identity --------------------------------------------------------------------------------


async def test_command_answers_ephemerally_and_links_the_person_once(rig: SlackRig) -> None:
    casey = rig.user(CASEY)
    reply = await rig.command("/echo", "<b>& hello</b>", user=casey)
    assert reply.status == 200
    # A quick answer comes back in the ack itself.
    answer = reply.json()
    assert answer is not None
    assert answer["response_type"] == "ephemeral"
    text = answer["blocks"][0]["text"]["text"]
    assert text == "*Casey Testcase* said &lt;b&gt;&amp; hello&lt;/b&gt;"
    button = answer["blocks"][1]["elements"][0]
    assert ids.neutral_action_id(button["action_id"]) == "rec.on"
    assert button["value"] == "INF-1"
    assert len(rig.fake.calls_to("users.info")) == 1
    async with rig.core.deps.sessions() as session:
        linked = await session.scalar(select(PlatformIdentity).where(PlatformIdentity.external_id == casey))
    assert linked is not None
    assert linked.platform == "slack"
    # Second time the stored link answers; Slack is not asked again.
    assert (await rig.ask("/echo", "again", user=casey))["response_type"] == "ephemeral"
    assert len(rig.fake.calls_to("users.info")) == 1


async def test_someone_not_in_the_people_list_can_still_browse(rig: SlackRig) -> None:
    answer = await rig.ask("/echo", "hi", user=STRANGER[0])
    assert "someone not in the people list" in answer["text"] + answer["blocks"][0]["text"]["text"]
    assert await count(rig, PlatformIdentity) == 0


async def test_unknown_command_and_any_text_get_an_answer(rig: SlackRig) -> None:
    answer = await rig.ask("/nonsense", "🙂 " + "ü" * 3000, user=rig.user(CASEY))
    assert "I don't know /nonsense" in answer["text"]


# --- buttons --------------------------------------------------------------------------------------------


async def test_button_click_records_evidence_once_and_updates_the_message(rig: SlackRig) -> None:
    casey = rig.user(CASEY)
    action_id = ids.slack_action_id("rec.on", 2, 0)
    for action_ts in ("1.1", "1.2"):  # a double click: two deliveries, one button, one message
        payload = block_action(
            user_id=casey,
            action_id=action_id,
            value="INF-1",
            channel="D-CASEY",
            message_ts="1700.1",
            action_ts=action_ts,
        )
        assert (await rig.interact(payload)).status == 200
    updates = await eventually(
        lambda: len(rig.fake.calls_to("chat.update")) == 2 and rig.fake.calls_to("chat.update")
    )
    assert updates[0].args["channel"] == "D-CASEY"
    assert updates[0].args["ts"] == "1700.1"
    assert "Recorded INF-1: on track" in rig.fake.posted_texts("chat.update")[0]
    async with rig.core.deps.sessions() as session:
        rows = (await session.scalars(select(Evidence))).all()
    assert [(r.status, r.source_ref) for r in rows] == [("on_track", f"{action_id}:1700.1:{casey}")]


# --- forms ----------------------------------------------------------------------------------------------


async def test_form_opens_shows_field_errors_then_saves(rig: SlackRig) -> None:
    casey = rig.user(CASEY)
    await rig.command("/form", "INF-1", user=casey)
    opened = (await eventually(lambda: rig.fake.calls_to("views.open")))[0].args
    assert opened["trigger_id"] == "T-trigger"
    view = opened["view"]
    bad = await rig.interact(view_submission(view, user=casey, values={"headline": "no"}))
    assert bad.status == 200
    assert bad.json() == {
        "response_action": "errors",
        "errors": {"headline": "Say a little more (3 characters at least)."},
    }
    assert await count(rig, Evidence) == 0
    good = await rig.interact(view_submission(view, user=casey, values={"headline": "Briefing held"}))
    assert good.status == 200
    assert not good.text
    async with rig.core.deps.sessions() as session:
        saved = (await session.scalars(select(Evidence))).one()
    assert saved.narrative == "Briefing held"
    assert saved.author_name == "Casey Testcase"
    # The confirmation goes to the person's DM (the form came from a slash command, not a message).
    posted = await eventually(lambda: rig.fake.calls_to("chat.postMessage"))
    assert posted[0].args["channel"] == f"D{casey}"
    assert_within_limits(rig.sent())


# --- events: thread replies, retries, App Home ------------------------------------------------------------


def _reply(user: str, text: str = "Held the first Saffron briefing") -> dict[str, str]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": "D-CASEY",
        "user": user,
        "text": text,
        "ts": "1700.5",
        "thread_ts": "1700.1",
        "event_ts": "1700.5",
    }


async def test_thread_reply_becomes_evidence_and_is_acknowledged(rig: SlackRig) -> None:
    assert (await rig.event(_reply(rig.user(CASEY)), event_id="Ev-reply")).status == 200
    ack = (await eventually(lambda: rig.fake.calls_to("chat.postMessage")))[0].args
    assert ack["channel"] == "D-CASEY"
    assert ack["thread_ts"] == "1700.1"
    async with rig.core.deps.sessions() as session:
        row = (await session.scalars(select(Evidence))).one()
    assert (row.narrative, row.source_ref) == ("Held the first Saffron briefing", "Ev-reply")


async def test_bot_messages_and_top_level_dms_are_not_replies(rig: SlackRig) -> None:
    own = {**_reply(rig.user(CASEY)), "bot_id": "B0001"}
    top = {**_reply(rig.user(CASEY)), "thread_ts": None}
    await rig.event(own, event_id="Ev-bot")
    await rig.event(top, event_id="Ev-top")
    await rig.event({**_reply(rig.user(CASEY)), "text": "real"}, event_id="Ev-real")
    await eventually(lambda: rig.fake.calls_to("chat.postMessage"))
    async with rig.core.deps.sessions() as session:
        assert [e.narrative for e in (await session.scalars(select(Evidence))).all()] == ["real"]


async def test_app_home_is_published(rig: SlackRig) -> None:
    alex = rig.user(ALEX)
    event = {"type": "app_home_opened", "user": alex, "channel": "D-ALEX", "tab": "home"}
    assert (await rig.event(event, event_id="Ev-home")).status == 200
    published = (await eventually(lambda: rig.fake.calls_to("views.publish")))[0].args
    assert published["user_id"] == alex
    assert published["view"]["type"] == "home"
    assert "Welcome Alex Example" in rig.fake.posted_texts("views.publish")[0]


# --- limits -------------------------------------------------------------------------------------------


async def test_long_answers_stay_within_block_kit_limits(rig: SlackRig) -> None:
    answer = await rig.ask("/long", "", user=rig.user(CASEY))
    assert len(answer["blocks"]) == 50
    assert "more not shown" in answer["blocks"][-1]["elements"][0]["text"]
    assert assert_within_limits(rig.sent()) == 50


async def test_a_slow_answer_is_acked_at_once_and_follows_by_response_url(
    rig: SlackRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commands, "ANSWER_WITHIN", 0.05)
    gate = asyncio.Event()

    async def slow(deps: Deps, actor: Actor, text: str) -> Response:
        await gate.wait()  # still working when the ack goes out
        return Response(message=Message(fallback="late", parts=(Text("Here it is, late."),)))

    add_command(rig.core.router, "slow", slow)
    reply = await rig.command("/slow", "", user=rig.user(CASEY))
    assert (reply.status, reply.text) == (200, "")
    assert rig.responses() == []
    gate.set()
    late = (await eventually(rig.responses))[0].args
    assert late["response_type"] == "ephemeral"
    assert late["text"] == "late"
    assert late["blocks"][0]["text"]["text"] == "Here it is, late."


async def test_a_refusal_on_a_dm_button_goes_to_that_dm_thread(rig: SlackRig) -> None:
    payload = block_action(
        user_id=STRANGER[0],
        action_id=ids.slack_action_id("rec.on", 2, 0),
        value="INF-1",
        channel="D-STRANGER",
        message_ts="1700.9",
    )
    assert (await rig.interact(payload)).status == 200
    posted = (await eventually(lambda: rig.fake.calls_to("chat.postMessage")))[0].args
    assert (posted["channel"], posted["thread_ts"]) == ("D-STRANGER", "1700.9")
    assert posted["text"] == "Not yours"
    assert rig.fake.calls_to("chat.update") == []
    assert await count(rig, Evidence) == 0


async def test_a_button_on_an_ephemeral_answer_replaces_it_through_response_url(rig: SlackRig) -> None:
    payload = block_action(
        user_id=rig.user(CASEY),
        action_id=ids.slack_action_id("rec.page", 4, 1),
        value="2",
        channel="C-GENERAL",
        message_ts="1700.7",
        response_url=rig.fake.response_url("eph"),
    )
    payload["container"]["is_ephemeral"] = True
    assert (await rig.interact(payload)).status == 200
    replaced = (await eventually(rig.responses))[0].args
    assert replaced["replace_original"] is True
    assert replaced["blocks"][0]["text"]["text"] == "Page 2"
    assert rig.fake.calls_to("chat.update") == []


async def test_a_slow_form_is_closed_in_time_and_its_errors_follow_as_a_message(
    rig: SlackRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "ANSWER_WITHIN", 0.05)
    gate = asyncio.Event()

    async def slow_note(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
        await gate.wait()
        return Response(errors={"headline": "That headline is already taken."})

    rig.core.router.form("note", slow_note)
    casey = rig.user(CASEY)
    await rig.command("/form", "INF-1", user=casey)
    view = (await eventually(lambda: rig.fake.calls_to("views.open")))[0].args["view"]
    closed = await rig.interact(view_submission(view, user=casey, values={"headline": "Briefing"}))
    assert (closed.status, closed.text) == (200, "")
    gate.set()
    told = (await eventually(lambda: rig.fake.calls_to("chat.postMessage")))[0].args
    assert told["channel"] == f"D{casey}"
    assert "That headline is already taken." in told["blocks"][0]["text"]["text"]
    assert await count(rig, Evidence) == 0
