"""Neutral messages and forms → Adaptive Cards: valid 1.5 cards, Teams markdown, no empty text."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

from bot.teams.cards import markdown, render_message
from bot.teams.forms import from_definition, render_form, submission
from handlers import actions
from handlers.messages import (
    Button,
    Buttons,
    Choice,
    Context,
    DateInput,
    Divider,
    Field,
    Fields,
    Form,
    Heading,
    Image,
    LongText,
    Message,
    Option,
    ShortText,
    Text,
    UrlInput,
)
from handlers.nudges import DueItem, nudge_message


def elements(card: dict[str, Any]) -> list[dict[str, Any]]:
    return list(card["body"])


def assert_valid(card: dict[str, Any]) -> None:
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["body"], "a card needs at least one element"
    for element in card["body"]:
        if element["type"] == "TextBlock":
            assert element["text"].strip(), element


def test_restricted_markdown_becomes_teams_markdown() -> None:
    text = "**INF-2** _soon_ see [the plan](https://example.org/p)\n- one\n- two *stars*"
    assert markdown(text) == (
        "**INF-2** _soon_ see [the plan](https://example.org/p)\n- one\n- two \\*stars\\*"
    )


def test_every_part_renders_and_dividers_become_separators() -> None:
    message = Message(
        fallback="All of it",
        parts=(
            Heading("Status"),
            Text(""),  # empty text is dropped, never an empty TextBlock
            Divider(),
            Fields((Field("Owner", "Sam"), Field("Status", "**On track**"))),
            Context("as of 7 Oct"),
            Image(b"\x89PNG", alt="A chart of progress"),
            Buttons((Button("Done", actions.NUDGE_DONE, "INF-1", "danger"),)),
        ),
    )
    card = render_message(message)
    assert_valid(card)
    kinds = [e["type"] for e in elements(card)]
    assert kinds == ["TextBlock", "FactSet", "TextBlock", "Image", "ActionSet"]
    assert elements(card)[1]["separator"] is True
    assert elements(card)[3]["url"] == "data:image/png;base64,iVBORw=="
    assert elements(card)[3]["altText"] == "A chart of progress"
    button = elements(card)[4]["actions"][0]
    assert button == {
        "type": "Action.Submit",
        "title": "Done",
        "data": {"nudgebot_action": "nudge.done", "value": "INF-1"},
        "style": "destructive",
    }


def test_the_nudge_message_is_a_valid_card() -> None:
    items = [DueItem(f"INF-{n}", f"Action {n}", "October 2024") for n in range(1, 20)]
    card = render_message(nudge_message("Alex Example", items))
    assert_valid(card)
    action_sets = [e for e in elements(card) if e["type"] == "ActionSet"]
    # As many actions as fit in the neutral message's MAX_PARTS, then a line counting the rest.
    assert len(action_sets) == 10
    assert "…and 9 more" in elements(card)[-1]["text"]


def test_an_empty_message_still_says_something() -> None:
    card = render_message(Message(fallback="Nothing due", parts=(Text(" "),)))
    assert_valid(card)
    assert elements(card)[0]["text"] == "Nothing due"


def form() -> Form:
    return Form(
        form_id=actions.FORM_UPDATE,
        title="Update INF-3",
        intro="Say what _changed_.",
        inputs=(
            ShortText("headline", "Headline", hint="One line", max_length=80),
            LongText("narrative", "What happened?"),
            Choice("status", "Status", (Option("on_track", "On track"), Option("at_risk", "At risk"))),
            DateInput("when", "When", initial=date(2024, 10, 1), required=False, hint="Roughly"),
            UrlInput("link", "Link"),
        ),
        state="INF-3",
    )


def test_form_card_has_labelled_inputs_and_a_submit_carrying_the_form() -> None:
    card = render_form(form())
    assert_valid(card)
    inputs = {e["id"]: e for e in elements(card) if e["type"].startswith("Input.")}
    assert inputs["headline"]["type"] == "Input.Text" and inputs["headline"]["maxLength"] == 80
    assert inputs["headline"]["placeholder"] == "One line" and inputs["headline"]["isRequired"] is True
    assert inputs["narrative"]["isMultiline"] is True
    assert inputs["status"]["type"] == "Input.ChoiceSet"
    assert inputs["status"]["choices"] == [
        {"title": "On track", "value": "on_track"},
        {"title": "At risk", "value": "at_risk"},
    ]
    assert inputs["when"] == {
        "id": "when",
        "label": "When",
        "isRequired": False,
        "type": "Input.Date",
        "value": "2024-10-01",
    }
    assert inputs["link"]["style"] == "Url" and inputs["link"]["isRequired"] is False
    data = card["actions"][0]["data"]
    assert (data["nudgebot_form"], data["nudgebot_state"]) == ("update", "INF-3")


def test_a_submission_round_trips_with_errors_under_the_field() -> None:
    data = render_form(form())["actions"][0]["data"]
    # Teams leaves out inputs the person left empty.
    got = submission({**data, "headline": " Met ", "status": "at_risk", "link": "nope"})
    assert got is not None
    assert got.values == {"headline": "Met", "status": "at_risk", "link": "nope", "narrative": "", "when": ""}
    again = from_definition(
        got.definition or {},
        form_id=got.form_id,
        state=got.state,
        values=got.values,
        errors={"link": "Bad link"},
    )
    card = render_form(again)
    assert_valid(card)
    body = elements(card)
    link_at = next(i for i, e in enumerate(body) if e.get("id") == "link")
    assert body[link_at]["value"] == "nope"
    assert body[link_at + 1]["text"] == "Bad link" and body[link_at + 1]["color"] == "Attention"
    assert next(e for e in body if e.get("id") == "status")["value"] == "at_risk"
    assert next(e for e in body if e.get("id") == "headline")["maxLength"] == 80


def test_a_confidential_form_comes_back_empty_so_answers_never_enter_the_chat() -> None:
    secret = replace(form(), confidential=True)
    data = render_form(secret)["actions"][0]["data"]
    got = submission({**data, "headline": "canary-7f3a", "status": "at_risk", "link": "nope"})
    assert got is not None
    again = from_definition(
        got.definition or {},
        form_id=got.form_id,
        state=got.state,
        values=got.values,
        errors={"link": "Bad link"},
    )
    card = render_form(again)
    assert_valid(card)
    assert again.confidential
    assert "canary-7f3a" not in json.dumps(card)
    assert "at_risk" not in json.dumps([e.get("value") for e in elements(card)])
    assert "Bad link" in json.dumps(card)


def test_a_value_without_our_keys_is_not_a_submission() -> None:
    assert submission({"something": "else"}) is None


def test_a_picture_too_big_for_teams_becomes_its_alt_text() -> None:
    big = Image(b"\x89PNG" + bytes(range(256)) * 100, alt="Status by objective")
    card = render_message(Message(fallback="Digest", parts=(Heading("Digest"), big)))
    assert_valid(card)
    assert [e["type"] for e in elements(card)] == ["TextBlock", "TextBlock"]
    assert elements(card)[1]["text"].startswith("Status by objective")
