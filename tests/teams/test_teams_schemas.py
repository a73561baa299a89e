"""The Teams app package and every card nudgebot sends, against Microsoft's own schemas
(tests/support/schemas/)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, Draft6Validator

from bot.teams import ids
from bot.teams.package import manifest
from handlers.features import build_router
from storage.clock import FixedClock
from tests.support.fakes.teams_activities import APP_ID
from tests.support.teams_fixtures import TeamsRig, start_rig, teams_settings
from tests.teams.test_teams_replay import send_nudge

SCHEMAS = Path(__file__).resolve().parents[1] / "support" / "schemas"
CASEY = "casey.testcase@example.org"  # owns INF-1
ALEX = "alex.example@example.org"  # SMT


def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return data


CARD = Draft6Validator(_schema("adaptive-card-1.5.json"))
MANIFEST = Draft4Validator(_schema("MicrosoftTeams-1.19.schema.json"))


def problems(validator: Draft4Validator | Draft6Validator, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(data)]


def test_the_schemas_are_the_versions_nudgebot_declares() -> None:
    assert ids.MANIFEST_VERSION == "1.19" and ids.CARD_VERSION == "1.5"
    teams = _schema("MicrosoftTeams-1.19.schema.json")
    assert teams["properties"]["manifestVersion"]["const"] == "1.19"
    assert problems(CARD, {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Nonsense"}]})


def test_the_app_manifest_validates(sqlite_url: str) -> None:
    data = manifest(
        teams_settings(sqlite_url),
        version="1.0.0",
        website="https://example.org/nudgebot",
        commands=build_router().commands.values(),
    )
    assert data["id"] == APP_ID
    assert problems(MANIFEST, data) == []


@pytest.fixture
async def rig(sqlite_url: str, clock: FixedClock) -> AsyncIterator[TeamsRig]:
    rig = await start_rig(sqlite_url, clock, build_router())
    yield rig
    await rig.close()


async def test_every_card_sent_validates_against_adaptive_cards_1_5(rig: TeamsRig) -> None:
    casey, alex = rig.user(CASEY, n=1), rig.user(ALEX, n=2)
    for person in (casey, alex):
        await rig.install(person)
    ref = await send_nudge(rig, CASEY, ["INF-1", "INF-3"])
    for text in (
        "nudge mine",
        "nudge update INF-1",
        "nudge smart",
        "commitments",
        "commitments INF-1",
        "commitments stakeholder",
        "commitments NOPE-9",
        "feedback",
        "hello",
    ):
        await rig.say(casey, text)
    await rig.say(alex, "commitments")
    card = rig.fake.sent()[-1]
    click = rig.submit_activity(
        casey, {"nudgebot_action": "nudge.on_track", "value": "INF-1"}, card_id=ref.id
    )
    await rig.post(click)
    await rig.say(casey, "Met the panel; notes at https://example.org/notes (3 actions)")

    cards = [c for call in [*rig.fake.sent(), *rig.fake.sent("PUT")] for c in call.cards]
    assert len(cards) >= 14 and card.cards
    failures = []
    for sent in cards:
        assert sent["version"] == "1.5"
        # `msteams` is Teams' own top-level extension, which the host reads and the Adaptive Card schema
        # does not know (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/
        # cards/cards-format#full-width-adaptive-card); everything else must be plain Adaptive Cards.
        plain = {k: v for k, v in sent.items() if k != "msteams"}
        failures += problems(CARD, plain)
    assert failures == []
