"""Defective envelopes on POST /slack/events: refused with a 4xx, nothing written, no ERROR in the log."""

from __future__ import annotations

import json
import logging
import time

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.slack import ids
from storage.models import Evidence, ProcessedDelivery
from tests.support.fakes.slack_requests import SIGNING_SECRET, command_body, interaction_body, signed_headers
from tests.support.slack_fixtures import SlackRig

CASEY = "casey.testcase@example.org"


async def _raw_post(rig: SlackRig, body: str, headers: dict[str, str]) -> int:
    async with rig.http.post(f"{rig.url}/slack/events", data=body.encode(), headers=headers) as resp:
        await resp.read()
        return resp.status


async def _writes(rig: SlackRig) -> int:
    async with rig.core.deps.sessions() as session:
        evidence = await session.scalar(select(func.count()).select_from(Evidence)) or 0
        deliveries = await session.scalar(select(func.count()).select_from(ProcessedDelivery)) or 0
    return evidence + deliveries


def _signed(body: str) -> dict[str, str]:
    return signed_headers(body, secret=SIGNING_SECRET)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no signature headers"),
        pytest.param({"X-Slack-Request-Timestamp": "", "X-Slack-Signature": "v0=00"}, id="empty timestamp"),
        pytest.param({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}, id="not a number"),
        pytest.param({"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=00"}, id="exponent"),
        pytest.param({"X-Slack-Request-Timestamp": "-5", "X-Slack-Signature": "v0=00"}, id="negative"),
        pytest.param(
            {"X-Slack-Request-Timestamp": "١٧٠٠٠٠٠٠٠٠", "X-Slack-Signature": "v0=0"}, id="arabic digits"
        ),
        pytest.param({"X-Slack-Request-Timestamp": str(int(time.time()))}, id="timestamp, no signature"),
        pytest.param({"X-Slack-Signature": "v0=00"}, id="signature, no timestamp"),
    ],
)
async def test_unsigned_or_badly_stamped_requests_get_401_and_log_no_error(
    slack_rig: SlackRig, caplog: pytest.LogCaptureFixture, headers: dict[str, str]
) -> None:
    caplog.set_level(logging.INFO)
    body = command_body("/nudge", "mine", user_id=slack_rig.user(CASEY), response_url="http://127.0.0.1:9/")
    status = await _raw_post(
        slack_rig, body, {"Content-Type": "application/x-www-form-urlencoded", **headers}
    )
    assert status == 401
    assert await _writes(slack_rig) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_correctly_signed_request_is_still_answered(slack_rig: SlackRig) -> None:
    """The same request as above, signed: the refusals are about the envelope, not the command."""
    body = command_body("/nudge", "mine", user_id=slack_rig.user(CASEY), response_url="http://127.0.0.1:9/")
    assert await _raw_post(slack_rig, body, _signed(body)) == 200


@pytest.mark.parametrize(
    "view",
    [
        pytest.param({"callback_id": ids.FORM_CALLBACK, "state": {"values": {}}}, id="view without a type"),
        pytest.param({"type": "modal", "callback_id": ids.FORM_CALLBACK, "state": {"values": []}}, id="list"),
        pytest.param({"type": "modal", "callback_id": ids.FORM_CALLBACK, "state": {"values": "x"}}, id="str"),
        pytest.param({"type": "modal", "callback_id": ids.FORM_CALLBACK, "state": []}, id="state a list"),
        pytest.param(
            {"type": "modal", "callback_id": ids.FORM_CALLBACK, "state": {"values": {"b": {"a": 3}}}},
            id="element not an object",
        ),
        pytest.param({"type": "modal", "callback_id": 7, "state": {"values": {}}}, id="callback id a number"),
    ],
)
async def test_a_signed_view_submission_of_the_wrong_shape_gets_400(
    slack_rig: SlackRig, caplog: pytest.LogCaptureFixture, view: dict[str, object]
) -> None:
    caplog.set_level(logging.INFO)
    payload = {"type": "view_submission", "user": {"id": slack_rig.user(CASEY)}, "view": view}
    reply = await slack_rig.post(interaction_body(payload))
    assert 400 <= reply.status < 500, reply
    assert await _writes(slack_rig) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_view_submission_with_unreadable_metadata_is_closed_quietly(
    slack_rig: SlackRig, caplog: pytest.LogCaptureFixture
) -> None:
    """Well formed for Slack but not one of ours (private_metadata not our JSON): acked, nothing kept."""
    caplog.set_level(logging.INFO)
    for metadata in ("{not json", "[1, 2]", json.dumps({"form": 5})):
        view = {
            "type": "modal",
            "callback_id": ids.FORM_CALLBACK,
            "private_metadata": metadata,
            "state": {"values": {"narrative": {"narrative": {"type": "plain_text_input", "value": "x"}}}},
        }
        payload = {"type": "view_submission", "user": {"id": slack_rig.user(CASEY)}, "view": view}
        reply = await slack_rig.post(interaction_body(payload))
        assert reply.status == 200, reply
    assert await _writes(slack_rig) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_request_with_a_body_that_is_not_utf8_is_refused(slack_rig: SlackRig) -> None:
    headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"}
    url = f"{slack_rig.url}/slack/events"
    async with aiohttp.ClientSession() as http, http.post(url, data=b"\xff\xfe\x00", headers=headers) as resp:
        assert 400 <= resp.status < 500
    assert await _writes(slack_rig) == 0
