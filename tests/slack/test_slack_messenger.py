"""SlackMessenger against the fake Slack: DMs by email lookup, stored links, uploads, and honest errors."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.slack.messenger import SlackMessenger, messenger_client
from handlers.messages import Image, Message, Text
from handlers.messenger import MessageRef, Recipient, SendError
from storage.models import Person, PlatformIdentity
from tests.support.fakes.slack_api import rate_limited
from tests.support.slack_fixtures import SlackRig, assert_within_limits

CASEY = "casey.testcase@example.org"
HELLO = Message(fallback="Hello", parts=(Text("**Hello** there"),))


def messenger(rig: SlackRig) -> SlackMessenger:
    assert isinstance(rig.core.deps.messenger, SlackMessenger)
    return rig.core.deps.messenger


async def recipient(rig: SlackRig, email: str) -> Recipient:
    async with rig.core.deps.sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
    assert person is not None
    return Recipient(person_id=person.id, name=person.name, email=person.email)


async def test_send_direct_links_by_email_once_then_uses_the_stored_link(slack_rig: SlackRig) -> None:
    casey = await recipient(slack_rig, CASEY)
    ref = await messenger(slack_rig).send_direct(casey, HELLO)
    user = slack_rig.user(CASEY)
    assert ref == MessageRef("slack", f"D{user}", ref.id)
    assert [c.args["email"] for c in slack_rig.fake.calls_to("users.lookupByEmail")] == [CASEY]
    assert slack_rig.fake.calls_to("conversations.open")[0].args["users"] == user
    posted = slack_rig.fake.calls_to("chat.postMessage")[0].args
    assert posted["channel"] == f"D{user}"
    assert posted["text"] == "Hello"
    assert posted["blocks"][0]["text"]["text"] == "*Hello* there"
    async with slack_rig.core.deps.sessions() as session:
        link = await session.scalar(
            select(PlatformIdentity).where(PlatformIdentity.person_id == casey.person_id)
        )
    assert link is not None
    assert link.external_id == user
    await messenger(slack_rig).send_direct(casey, HELLO)
    assert len(slack_rig.fake.calls_to("users.lookupByEmail")) == 1
    assert len(slack_rig.fake.calls_to("chat.postMessage")) == 2


async def test_pictures_are_uploaded_into_the_message_thread(slack_rig: SlackRig) -> None:
    chart = Message(fallback="Digest", parts=(Text("Digest"), Image(b"\x89PNG-bytes", alt="Status chart")))
    ref = await messenger(slack_rig).post_channel("C-SMT", chart)
    complete = slack_rig.fake.calls_to("files.completeUploadExternal")[0].args
    assert complete["channel_id"] == "C-SMT"
    assert complete["thread_ts"] == ref.id
    assert list(slack_rig.fake.uploads.values()) == [b"\x89PNG-bytes"]
    assert_within_limits(slack_rig.fake.calls)


async def test_update_edits_in_place(slack_rig: SlackRig) -> None:
    await messenger(slack_rig).update(MessageRef("slack", "D1", "1700.1"), HELLO)
    call = slack_rig.fake.calls_to("chat.update")[0].args
    assert (call["channel"], call["ts"], call["text"]) == ("D1", "1700.1", "Hello")


async def test_rate_limit_is_retryable_with_retry_after_and_not_retried_here(slack_rig: SlackRig) -> None:
    slack_rig.fake.hooks.append(rate_limited("chat.postMessage", times=1, retry_after=7))
    with pytest.raises(SendError) as raised:
        await messenger(slack_rig).post_channel("C-SMT", HELLO)
    assert raised.value.retryable
    assert raised.value.retry_after == 7
    # One attempt only: the outbox decides when to try again.
    assert [c.method for c in slack_rig.fake.calls if c.method.startswith("chat.")] == [
        "chat.postMessage!429"
    ]


async def test_someone_slack_does_not_know_is_not_retried(slack_rig: SlackRig) -> None:
    ghost = Recipient(person_id=999, name="Ghost", email="ghost@example.org")
    with pytest.raises(SendError) as raised:
        await messenger(slack_rig).send_direct(ghost, HELLO)
    assert (raised.value.reason, raised.value.retryable) == ("users_not_found", False)
    assert slack_rig.fake.calls_to("chat.postMessage") == []


async def test_server_errors_are_retryable(slack_rig: SlackRig) -> None:
    def broken(method: str, _args: dict[str, Any]) -> web.Response | None:
        return (
            web.json_response({"ok": False, "error": "internal_error"}, status=500)
            if method == "chat.postMessage"
            else None
        )

    slack_rig.fake.hooks.append(broken)
    with pytest.raises(SendError) as raised:
        await messenger(slack_rig).post_channel("C-SMT", HELLO)
    assert raised.value.retryable
    assert len(slack_rig.fake.calls_to("chat.postMessage!500")) == 1


async def test_unreachable_slack_is_retryable(slack_rig: SlackRig) -> None:
    await slack_rig.fake.stop()
    gone = SlackMessenger(messenger_client("xoxb-test", slack_rig.fake.api_url), slack_rig.core.deps)
    with pytest.raises(SendError) as raised:
        await gone.post_channel("C-SMT", HELLO)
    assert raised.value.retryable
