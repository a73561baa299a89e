"""Teams through the real handlers: a nudge sent by TeamsMessenger, answered with its buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from handlers.features import build_router
from handlers.messenger import MessageRef, Recipient
from handlers.nudges import DueItem, nudge_message
from storage.clock import FixedClock
from storage.models import Action, Evidence, Person, UpdateRequest
from tests.support.handlers_support import sent_nudge
from tests.support.teams_fixtures import TeamsRig, start_rig

CASEY = "casey.testcase@example.org"  # owns INF-1 in the demo plan


@pytest.fixture
async def rig(db_url: str, clock: FixedClock) -> AsyncIterator[TeamsRig]:
    rig = await start_rig(db_url, clock, build_router())
    yield rig
    await rig.close()


async def nudge(rig: TeamsRig, email: str, keys: list[str]) -> tuple[MessageRef, dict[str, Any]]:
    """What the jobs engine does: send the nudge through the messenger, then keep its outbox rows."""
    deps = rig.core.deps
    async with deps.sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
        assert person is not None
        found = {a.key: a for a in (await session.scalars(select(Action).where(Action.key.in_(keys)))).all()}
    items = [DueItem(k, found[k].title, "October 2024") for k in keys]
    ref = await rig.messenger().send_direct(
        Recipient(person_id=person.id, name=person.name, email=person.email),
        nudge_message(person.name, items),
    )
    await sent_nudge(deps, email, keys, ref=ref)
    return ref, rig.fake.sent()[-1].cards[0]


def button(card: dict[str, Any], title: str, key: str) -> dict[str, Any]:
    for element in card["body"]:
        for action in element.get("actions", []):
            if action["title"] == title and action["data"]["value"].startswith(key):
                return dict(action["data"])
    raise AssertionError(f"no {title} button for {key}")


async def test_a_nudge_button_records_evidence_once_and_updates_the_card(rig: TeamsRig) -> None:
    casey = rig.user(CASEY)
    await rig.install(casey)
    ref, card = await nudge(rig, CASEY, ["INF-1", "INF-3"])

    click = rig.submit_activity(casey, button(card, "On track", "INF-1"), card_id=ref.id)
    assert await rig.post(click) == 202
    assert await rig.post(click) == 202  # Teams re-delivers it

    async with rig.core.deps.sessions() as session:
        evidence = (await session.scalars(select(Evidence))).all()
        requests = (await session.scalars(select(UpdateRequest).order_by(UpdateRequest.id))).all()
    assert [(e.status, e.author_name, e.channel, e.source_ref) for e in evidence] == [
        ("on_track", "Casey Testcase", "teams", click["id"])
    ]
    assert [r.answered_at is not None for r in requests] == [True, False]
    [update] = rig.fake.sent("PUT")
    assert update.path == f"/v3/conversations/{casey.conversation}/activities/{ref.id}"
    text = " ".join(e.get("text", "") for e in update.cards[0]["body"])
    assert "On track recorded by Casey Testcase" in text
    # INF-1's buttons are gone from the card; INF-3's are still there.
    values = {a["data"]["value"].split("|")[0] for e in update.cards[0]["body"] for a in e.get("actions", [])}
    assert values == {"INF-3"}


async def test_add_update_opens_a_form_and_a_bad_link_comes_back_marked(rig: TeamsRig) -> None:
    casey = rig.user(CASEY)
    await rig.install(casey)
    ref, card = await nudge(rig, CASEY, ["INF-1"])
    await rig.post(rig.submit_activity(casey, button(card, "Add update", "INF-1"), card_id=ref.id))
    form = rig.fake.sent()[-1].cards[0]
    inputs = {e["id"]: e for e in form["body"] if e["type"].startswith("Input.")}
    assert inputs, form
    data = dict(form["actions"][0]["data"])
    url_fields = [name for name, e in inputs.items() if e.get("style") == "Url"]
    assert url_fields
    choice = next(e for e in inputs.values() if e["type"] == "Input.ChoiceSet")
    text_field = next(n for n, e in inputs.items() if e.get("isMultiline"))
    values = {
        choice["id"]: choice["choices"][0]["value"],
        text_field: "Two partner meetings",
        url_fields[0]: "nope",
    }
    await rig.post(rig.submit_activity(casey, {**data, **values}, card_id="activity-form"))
    again = rig.fake.sent("PUT")[-1]
    assert again.path.endswith("/activities/activity-form")
    body = again.cards[0]["body"]
    at = next(i for i, e in enumerate(body) if e.get("id") == url_fields[0])
    assert body[at + 1]["color"] == "Attention" and "https://" in body[at + 1]["text"]
    async with rig.core.deps.sessions() as session:
        assert (await session.scalars(select(Evidence))).all() == []

    fixed = {**again.cards[0]["actions"][0]["data"], **values, url_fields[0]: "https://example.org/minutes"}
    await rig.post(rig.submit_activity(casey, fixed, card_id="activity-form"))
    async with rig.core.deps.sessions() as session:
        [evidence] = (await session.scalars(select(Evidence))).all()
    assert evidence.narrative == "Two partner meetings" and evidence.links == ["https://example.org/minutes"]
