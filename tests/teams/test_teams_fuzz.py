"""Hypothesis against POST /api/messages: typed commands, card values and malformed activities.

Never a 5xx, never an ERROR in the log; a refused activity (4xx) writes nothing at all.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import actions
from handlers.features import build_router
from storage.clock import FixedClock
from tests.support.fakes import teams_activities as acts
from tests.support.fuzzing import FUZZ, any_json, hostile_text, total_rows
from tests.support.payload_replay import errors_logged
from tests.support.teams_fixtures import TeamsRig, start_rig

CASEY = "casey.testcase@example.org"


@pytest.fixture
async def rig(db_url: str, clock: FixedClock) -> AsyncIterator[TeamsRig]:
    rig = await start_rig(db_url, clock, build_router())
    yield rig
    await rig.close()


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


async def check(rig: TeamsRig, activity: Any) -> int:
    before = await total_rows(rig.core.deps.sessions)
    async with rig.http.post(f"{rig.url}/api/messages", json=activity) as resp:
        await resp.read()
        status = resp.status
    assert status < 500, (status, str(activity)[:300])
    if status >= 400:
        assert await total_rows(rig.core.deps.sessions) == before, (status, str(activity)[:300])
    return status


words = st.sampled_from(
    ["", "nudge ", "nudge update ", "nudge snooze ", "commitments ", "feedback ", "/nudge "]
)


@FUZZ
@given(start=words, rest=hostile_text)
async def test_fuzzed_typed_commands_never_fail(
    rig: TeamsRig, log: pytest.LogCaptureFixture, start: str, rest: str
) -> None:
    casey = rig.user(CASEY)
    await check(
        rig,
        acts.message(
            rig.fake.service_url,
            user_id=casey.user_id,
            aad=casey.aad,
            conversation=casey.conversation,
            text=start + rest,
        ),
    )
    assert errors_logged(log.records) == []


card_values = st.one_of(
    st.fixed_dictionaries(
        {
            "nudgebot_action": st.sampled_from(
                [actions.NUDGE_ON_TRACK, actions.NUDGE_SNOOZE, actions.NUDGE_ADD_UPDATE, "x.y", ""]
            ),
            "value": hostile_text,
        }
    ),
    st.fixed_dictionaries(
        {"nudgebot_form": st.one_of(st.just(actions.FORM_UPDATE), hostile_text), "nudgebot_state": any_json},
        optional={
            "nudgebot_form_def": any_json,
            "narrative": any_json,
            "link_1": any_json,
            "status": any_json,
        },
    ),
    st.dictionaries(st.text(max_size=20), any_json, max_size=5),
)


@FUZZ
@given(value=card_values, card_id=st.one_of(st.none(), hostile_text))
async def test_fuzzed_card_values_never_fail(
    rig: TeamsRig, log: pytest.LogCaptureFixture, value: dict[str, Any], card_id: str | None
) -> None:
    casey = rig.user(CASEY)
    activity = rig.submit_activity(casey, value, card_id=card_id or "")
    if card_id is None:
        del activity["replyToId"]
    await check(rig, activity)
    assert errors_logged(log.records) == []


fields = st.sampled_from(
    [
        "type",
        "text",
        "value",
        "from",
        "conversation",
        "recipient",
        "channelData",
        "serviceUrl",
        "id",
        "membersAdded",
        "action",
        "replyToId",
        "channelId",
        "entities",
        "attachments",
    ]
)


@FUZZ
@given(overrides=st.dictionaries(fields, any_json, max_size=4), drop=st.lists(fields, max_size=3))
async def test_malformed_activities_never_fail(
    rig: TeamsRig, log: pytest.LogCaptureFixture, overrides: dict[str, Any], drop: list[str]
) -> None:
    casey = rig.user(CASEY)
    activity: dict[str, Any] = acts.message(
        rig.fake.service_url,
        user_id=casey.user_id,
        aad=casey.aad,
        conversation=casey.conversation,
        text="nudge mine",
    )
    activity.update(overrides)
    for name in drop:
        activity.pop(name, None)
    if "serviceUrl" in overrides:
        # Any other serviceUrl would be a real host on the internet; keep the fake's.
        activity["serviceUrl"] = rig.fake.service_url
    await check(rig, activity)
    assert errors_logged(log.records) == []


@FUZZ
@given(body=any_json)
async def test_bodies_that_are_not_activities_never_fail(
    rig: TeamsRig, log: pytest.LogCaptureFixture, body: Any
) -> None:
    await check(rig, body)
    assert errors_logged(log.records) == []
