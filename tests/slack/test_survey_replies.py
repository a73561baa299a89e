"""A reply typed under a survey invitation, through the real Slack app: not stored, and the person told."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from storage.models import ProcessedDelivery
from tests.support.fakes.slack_api import Call
from tests.support.slack_fixtures import SlackRig, eventually
from tests.support.survey_helpers import dump_tables
from tests.support.survey_slack import add_people, create_survey, send_invitations

NOW = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)
CANARY = "CANARY-named-reply-5qz"


@pytest.fixture
async def rig(slack_rig: SlackRig, tmp_path: Path, people_file: Path) -> SlackRig:
    await add_people(slack_rig, tmp_path, people_file)
    return slack_rig


def _thread_parent(posted: Call) -> Any:
    """The fake Slack answers `conversations.replies` with the message the bot posted, as Slack would."""
    parent = {"type": "message", "ts": "1700000000.500000", "blocks": posted.args.get("blocks", [])}

    def hook(method: str, _args: dict[str, Any]) -> web.Response | None:
        if method != "conversations.replies":
            return None
        return web.json_response({"ok": True, "messages": [parent], "has_more": False})

    return hook, parent["ts"]


def _reply(user: str, channel: str, thread_ts: str) -> dict[str, str]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": f"I'd rather just say it here: {CANARY}",
        "ts": "1700000000.900000",
        "thread_ts": thread_ts,
        "event_ts": "1700000000.900000",
    }


async def _reply_under(rig: SlackRig, parent: Call, event_id: str) -> str:
    hook, thread_ts = _thread_parent(parent)
    rig.fake.hooks.append(hook)
    user = str(parent.args["channel"])[1:]
    reply = await rig.event(_reply(user, str(parent.args["channel"]), thread_ts), event_id=event_id)
    assert reply.status == 200
    return user


async def test_a_reply_under_an_invitation_is_not_stored_and_the_person_is_told(
    rig: SlackRig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await create_survey(rig)
    invites = await send_invitations(rig, NOW)
    user = sorted(invites)[0]
    posts_before = len(rig.fake.calls_to("chat.postMessage"))
    await _reply_under(rig, invites[user], "Ev-survey-reply")

    [note] = await eventually(lambda: rig.fake.calls_to("chat.postEphemeral"))
    assert note.args["user"] == user
    assert note.args["thread_ts"] == "1700000000.500000"
    assert "not taken" in note.args["text"] and "not anonymous" in note.args["text"]
    assert "Respond anonymously" in str(note.args["blocks"])
    # Only the person sees it: nothing was posted to the conversation.
    assert len(rig.fake.calls_to("chat.postMessage")) == posts_before
    async with rig.core.deps.sessions() as session:
        tables = await dump_tables(session)
        assert not [name for name, rows in tables.items() if CANARY in rows]
        assert not [name for name, rows in tables.items() if "Ev-survey-reply" in rows]
    assert CANARY not in caplog.text


async def test_the_control_a_reply_under_another_message_goes_on_as_before(rig: SlackRig) -> None:
    """The same reply under a message with no respond button is handled as any reply: the check can tell."""
    await create_survey(rig)
    invites = await send_invitations(rig, NOW)
    user = sorted(invites)[0]
    plain = Call("chat.postMessage", {**invites[user].args, "blocks": [{"type": "section", "text": {}}]})
    await _reply_under(rig, plain, "Ev-plain-reply")
    for _ in range(100):
        async with rig.core.deps.sessions() as session:
            tables = await dump_tables(session)
        if "Ev-plain-reply" in tables[ProcessedDelivery.__tablename__]:
            break
        await asyncio.sleep(0.1)
    # Taken in as a reply (its delivery remembered), not refused as one under a survey.
    assert "Ev-plain-reply" in tables[ProcessedDelivery.__tablename__]
    assert rig.fake.calls_to("chat.postEphemeral") == []
