"""The Teams adapter end to end: Activity JSON to the real /api/messages, a fake Bot Connector behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.teams.auth import teams_auth
from bot.wiring import build_core
from handlers import actions
from handlers.features import build_router
from storage.clock import FixedClock
from storage.models import Evidence, PlatformIdentity, ProcessedDelivery
from tests.support.fakes import teams_activities as acts
from tests.support.teams_fixtures import TeamsRig, start_app, start_rig, teams_settings

ALEX = "alex.example@example.org"  # owns ORG-1 and ORG-2 in the demo plan


@pytest.fixture
async def rig(db_url: str, clock: FixedClock) -> AsyncIterator[TeamsRig]:
    rig = await start_rig(db_url, clock, build_router())
    yield rig
    await rig.close()


def texts(card: dict[str, Any]) -> list[str]:
    out = []
    for element in card["body"]:
        if element["type"] == "TextBlock":
            out.append(element["text"])
    return out


async def test_command_is_answered_with_a_card(rig: TeamsRig) -> None:
    alex = rig.user(ALEX)
    assert await rig.say(alex, "commitments INF-2") == 202
    sent = rig.fake.sent()
    assert len(sent) == 1
    assert sent[0].path == f"/v3/conversations/{alex.conversation}/activities" or sent[0].path.startswith(
        f"/v3/conversations/{alex.conversation}/activities/"
    )
    card = sent[0].cards[0]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert any(t.startswith("INF-2 · ") for t in texts(card))
    # The member look-up found Alex by email and linked the Entra object id.
    async with rig.core.deps.sessions() as session:
        identity = await session.scalar(select(PlatformIdentity).where(PlatformIdentity.platform == "teams"))
    assert identity is not None and identity.external_id == alex.aad


async def test_install_stores_the_conversation_reference_in_the_database(rig: TeamsRig) -> None:
    alex = rig.user(ALEX)
    assert await rig.install(alex) == 202
    async with rig.core.deps.sessions() as session:
        identity = await session.scalar(select(PlatformIdentity).where(PlatformIdentity.platform == "teams"))
    assert identity is not None and identity.conversation_ref is not None
    reference = identity.conversation_ref["reference"]
    assert reference["conversation"]["id"] == alex.conversation
    assert reference["serviceUrl"] == rig.fake.service_url
    assert reference["user"]["id"] == alex.user_id
    hello = rig.fake.sent()
    assert len(hello) == 1 and "hello alex" in " ".join(texts(hello[0].cards[0])).lower()


async def test_install_by_a_stranger_says_so_and_stores_nothing(rig: TeamsRig) -> None:
    stranger = rig.user("nobody@elsewhere.example", n=9)
    assert await rig.install(stranger) == 202
    async with rig.core.deps.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(PlatformIdentity))
    assert count == 0
    assert "couldn't match" in " ".join(texts(rig.fake.sent()[0].cards[0]))


async def test_nudge_button_delivered_twice_records_evidence_once(rig: TeamsRig) -> None:
    alex = rig.user(ALEX)
    value = {"nudgebot_action": actions.NUDGE_ON_TRACK, "value": "ORG-1"}
    click = rig.submit_activity(alex, value, card_id="activity-77")
    assert await rig.post(click) == 202
    assert await rig.post(click) == 202  # Teams re-delivers the same activity
    async with rig.core.deps.sessions() as session:
        rows = (await session.scalars(select(Evidence))).all()
    assert [(e.status, e.channel) for e in rows] == [("on_track", "teams")]
    # The card is no nudge nudgebot sent (none was stored), so the thanks is a message of its own.
    said = [" ".join(texts(c)) for call in rig.fake.sent() for c in call.cards]
    assert said == ["Thank you — ORG-1 is recorded as on track."]


async def test_form_with_a_bad_url_comes_back_with_the_error(rig: TeamsRig) -> None:
    alex = rig.user(ALEX)
    await rig.say(alex, "nudge update ORG-2")
    form_card = rig.fake.sent()[-1].cards[0]
    submit = form_card["actions"][0]
    assert submit["type"] == "Action.Submit"
    inputs = {e["id"]: e for e in form_card["body"] if e["type"].startswith("Input.")}
    assert inputs["narrative"]["isMultiline"] is True and inputs["link_1"]["style"] == "Url"

    # Teams merges the inputs into the button's data.
    typed = {"status": "on_track", "narrative": "Met two partners"}
    value = {**submit["data"], **typed, "link_1": "not a link"}
    assert await rig.post(rig.submit_activity(alex, value, card_id="activity-5")) == 202
    again = rig.fake.sent("PUT")[-1]
    assert again.path.endswith("/activities/activity-5")
    body = again.cards[0]["body"]
    link_at = next(i for i, e in enumerate(body) if e.get("id") == "link_1")
    assert body[link_at]["value"] == "not a link"
    assert body[link_at + 1] == {
        "type": "TextBlock",
        # Escaped for Teams' markdown, which would read the brackets as a link's.
        "text": r"Please give a full web address starting with https:// \(or http://\).",
        "wrap": True,
        "color": "Attention",
        "size": "Small",
        "spacing": "None",
    }
    async with rig.core.deps.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Evidence)) == 0

    fixed = {**again.cards[0]["actions"][0]["data"], **typed, "link_1": "https://example.org/x"}
    assert await rig.post(rig.submit_activity(alex, fixed, card_id="activity-5")) == 202
    async with rig.core.deps.sessions() as session:
        evidence = (await session.scalars(select(Evidence))).all()
    assert [(e.narrative, e.links) for e in evidence] == [("Met two partners", ["https://example.org/x"])]
    assert "sent" in " ".join(texts(rig.fake.sent("PUT")[-1].cards[0]))


async def test_other_text_gets_help(rig: TeamsRig) -> None:
    alex = rig.user(ALEX)
    await rig.say(alex, "hello there")
    assert "commitments INF-2" in " ".join(texts(rig.fake.sent()[-1].cards[0]))


async def test_with_credentials_an_activity_without_a_token_is_refused(
    sqlite_url: str, clock: FixedClock
) -> None:
    """Production mode: the SDK's JWT check guards /api/messages only; /healthz stays open."""
    settings = teams_settings(sqlite_url, teams_app_password="not-a-real-secret", teams_tenant_id=acts.TENANT)
    core = build_core(settings, clock=clock)
    runner, url = await start_app(core)
    try:
        async with aiohttp.ClientSession() as http:
            activity = acts.message(
                "http://127.0.0.1:9/", user_id="29:x", aad="aad-x", conversation="a:x", text="nudge"
            )
            async with http.post(f"{url}/api/messages", json=activity) as response:
                assert response.status == 401
            async with http.post(
                f"{url}/api/messages", json=activity, headers={"Authorization": "Bearer forged.token.here"}
            ) as response:
                assert response.status == 401
            async with http.get(f"{url}/healthz") as response:
                assert response.status == 200
        async with core.deps.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(ProcessedDelivery)) == 0
    finally:
        await runner.cleanup()
        await core.close()


async def test_a_failing_handler_gets_a_plain_apology_not_the_error(
    rig: TeamsRig, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(deps: object, actor: object, text: str) -> object:
        raise RuntimeError(text)  # the person's own words, which must reach no log

    commands = rig.core.router.commands
    commands["commitments"] = replace(commands["commitments"], handler=broken)  # type: ignore[arg-type]
    alex = rig.user(ALEX)
    await rig.say(alex, "commitments secret internals")
    said = [" ".join(texts(c)) for call in rig.fake.sent() for c in call.cards]
    assert len(said) == 1 and said[0].startswith("Sorry, something went wrong on my side")
    assert "secret internals" not in str([c.body for c in rig.fake.calls])
    assert "secret internals" not in caplog.text and "RuntimeError" in caplog.text


async def test_a_redelivered_command_is_answered_once(rig: TeamsRig) -> None:
    alex = rig.user(ALEX)
    activity = acts.message(
        rig.fake.service_url, user_id=alex.user_id, aad=alex.aad, conversation=alex.conversation, text="nudge"
    )
    assert await rig.post(activity) == 202
    assert await rig.post(activity) == 202
    assert len(rig.fake.sent()) == 1


async def test_when_teams_cannot_say_who_it_is_the_person_is_not_linked(rig: TeamsRig) -> None:
    alex = rig.user(ALEX)
    rig.fake.members.clear()  # the member look-up answers 404
    await rig.say(alex, "nudge mine")
    assert "you are not in nudgebot's people list" in " ".join(texts(rig.fake.sent()[-1].cards[0]))
    async with rig.core.deps.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PlatformIdentity)) == 0


def test_service_urls_are_checked_only_when_tokens_are(sqlite_url: str) -> None:
    with_secret = teams_settings(sqlite_url, teams_app_password="x", teams_tenant_id=acts.TENANT)
    verified = teams_auth(with_secret)
    assert verified.verified and verified.host_validator.enabled
    assert verified.host_validator.is_allowed("https://smba.trafficmanager.net/emea/")
    assert not verified.host_validator.is_allowed("http://127.0.0.1:8080/")
    assert not teams_auth(teams_settings(sqlite_url)).host_validator.enabled


async def test_in_a_channel_the_answer_goes_to_the_personal_chat(rig: TeamsRig) -> None:
    alex = rig.user(ALEX)
    await rig.install(alex)
    rig.fake.calls.clear()
    channel = "19:general@thread.tacv2"
    ask = acts.channel_message(
        rig.fake.service_url, user_id=alex.user_id, aad=alex.aad, channel=channel, text="commitments INF-2"
    )
    assert await rig.post(ask) == 202
    by_conversation = {c.path.split("/")[3]: c for c in rig.fake.sent()}
    assert set(by_conversation) == {alex.conversation, channel}
    assert any(t.startswith("INF-2 · ") for t in texts(by_conversation[alex.conversation].cards[0]))
    assert texts(by_conversation[channel].cards[0]) == ["I've answered you in our personal chat."]


async def test_in_a_channel_without_a_personal_chat_nothing_private_is_shown(rig: TeamsRig) -> None:
    alex = rig.user(ALEX)
    ask = acts.channel_message(
        rig.fake.service_url,
        user_id=alex.user_id,
        aad=alex.aad,
        channel="19:g@thread.tacv2",
        text="nudge update ORG-2",
    )
    assert await rig.post(ask) == 202
    sent = rig.fake.sent()
    assert len(sent) == 1 and "only in a personal chat" in texts(sent[0].cards[0])[0]
