"""Hypothesis against POST /slack/events: commands, form values, button values and malformed envelopes.

Whatever arrives, the answer is never a 5xx and never an ERROR in the log; a request that is refused
(4xx) writes nothing at all, in any table.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack import ids
from handlers import actions
from storage.clock import FixedClock
from tests.support.fakes.slack_requests import block_action, command_body, interaction_body
from tests.support.fuzzing import FUZZ, any_json, hostile_text, total_rows
from tests.support.payload_replay import errors_logged, settle
from tests.support.slack_fixtures import SlackRig, start_rig

CASEY = "casey.testcase@example.org"  # owns INF-1


@pytest.fixture
async def rig(db_url: str, clock: FixedClock) -> AsyncIterator[SlackRig]:
    rig, stop = await start_rig(database_url=db_url, clock=clock)
    yield rig
    await stop()


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


async def check(rig: SlackRig, body: str, *, content_type: str, signed: bool = True) -> int:
    """Post `body`; never a 5xx, and a refusal leaves every table as it was."""
    before = await total_rows(rig.core.deps.sessions)
    if signed:
        reply = await rig.post(body, content_type=content_type)
        status = reply.status
    else:
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": "1",
            "X-Slack-Signature": "v0=0",
        }
        async with rig.http.post(f"{rig.url}/slack/events", data=body.encode(), headers=headers) as resp:
            status = resp.status
    assert status < 500, (status, body[:300])
    if status >= 400:
        assert await total_rows(rig.core.deps.sessions) == before, (status, body[:300])
    return status


commands = st.sampled_from(["/nudge", "/commitments", "/feedback", "/unknown", "nudge", ""])


@FUZZ
@given(command=commands, text=hostile_text)
async def test_fuzzed_commands_never_fail(
    rig: SlackRig, log: pytest.LogCaptureFixture, command: str, text: str
) -> None:
    body = command_body(command, text, user_id=rig.user(CASEY), response_url=rig.fake.response_url())
    await check(rig, body, content_type="application/x-www-form-urlencoded")
    await settle(0.05)
    assert errors_logged(log.records) == []


neutral_actions = st.sampled_from(
    [
        actions.NUDGE_ON_TRACK,
        actions.NUDGE_AT_RISK,
        actions.NUDGE_ADD_UPDATE,
        actions.NUDGE_SNOOZE,
        actions.NUDGE_NOT_MINE,
        "survey.answer",
        "nudge.nonsense",
        "",
    ]
)


@FUZZ
@given(action=neutral_actions, suffix=st.sampled_from(["", "#2.0", "#x", "##"]), value=hostile_text)
async def test_fuzzed_button_values_never_fail(
    rig: SlackRig, log: pytest.LogCaptureFixture, action: str, suffix: str, value: str
) -> None:
    payload = block_action(
        user_id=rig.user(CASEY),
        action_id=f"{action}{suffix}"[:255] or "x",
        value=value[:2000],
        channel="D-OWNER",
        message_ts="1728293400.000100",
        response_url=rig.fake.response_url(),
    )
    await check(rig, interaction_body(payload), content_type="application/x-www-form-urlencoded")
    await settle(0.05)
    assert errors_logged(log.records) == []


def _update_form(user: str, values: dict[str, Any], metadata: str) -> dict[str, Any]:
    state = {name: {name: {"type": "plain_text_input", "value": value}} for name, value in values.items()}
    return {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": user, "team_id": "T0001"},
        "api_app_id": "A0001",
        "trigger_id": "T-trigger",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": ids.FORM_CALLBACK,
            "private_metadata": metadata,
            "state": {"values": state},
        },
    }


form_values = st.dictionaries(
    st.sampled_from(["status", "narrative", "link_1", "link_2", "link_3", "other"]), hostile_text, max_size=6
)
metadata = st.one_of(
    st.just(json.dumps({"form": actions.FORM_UPDATE, "state": "INF-1"})),
    st.builds(lambda state: json.dumps({"form": actions.FORM_UPDATE, "state": state}), hostile_text),
    st.builds(lambda form: json.dumps({"form": form, "state": ""}), hostile_text),
    hostile_text,
)


@FUZZ
@given(values=form_values, meta=metadata)
async def test_fuzzed_form_values_never_fail(
    rig: SlackRig, log: pytest.LogCaptureFixture, values: dict[str, str], meta: str
) -> None:
    payload = _update_form(rig.user(CASEY), values, meta)
    await check(rig, interaction_body(payload), content_type="application/x-www-form-urlencoded")
    await settle(0.05)
    assert errors_logged(log.records) == []


envelope_kinds = st.sampled_from(
    ["event_callback", "block_actions", "view_submission", "view_closed", "url_verification", None, 7]
)


@FUZZ
@given(
    kind=envelope_kinds,
    extra=st.dictionaries(
        st.sampled_from(
            ["event", "event_id", "user", "actions", "view", "command", "user_id", "container", "challenge"]
        ),
        any_json,
        max_size=5,
    ),
    as_json=st.booleans(),
    signed=st.booleans(),
)
async def test_malformed_envelopes_never_fail_and_refusals_write_nothing(
    rig: SlackRig,
    log: pytest.LogCaptureFixture,
    kind: Any,
    extra: dict[str, Any],
    as_json: bool,
    signed: bool,
) -> None:
    envelope = {"type": kind, **extra} if kind is not None else extra
    if as_json:
        status = await check(rig, json.dumps(envelope), content_type="application/json", signed=signed)
    else:
        status = await check(
            rig, interaction_body(envelope), content_type="application/x-www-form-urlencoded", signed=signed
        )
    if not signed:
        assert status == 401
    await settle(0.05)
    assert errors_logged(log.records) == []


@FUZZ
@given(raw=st.binary(max_size=300))
async def test_signed_bodies_of_random_bytes_never_fail(
    rig: SlackRig, log: pytest.LogCaptureFixture, raw: bytes
) -> None:
    body = raw.decode("utf-8", errors="replace")
    for content_type in ("application/json", "application/x-www-form-urlencoded"):
        await check(rig, body, content_type=content_type)
    assert errors_logged(log.records) == []
