"""Neutral messages and forms → Block Kit, inside Block Kit's limits; modal state → neutral values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, assert_never

from bot.slack import ids
from bot.slack.mrkdwn import cut, escape, to_mrkdwn
from handlers.markup import plain
from handlers.messages import (
    Buttons,
    Choice,
    Context,
    DateInput,
    Divider,
    Fields,
    Form,
    Heading,
    Image,
    Input,
    LongText,
    Message,
    ShortText,
    Text,
    UrlInput,
)

Block = dict[str, Any]


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit) or " ", "emoji": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}


def _sections(markdown: str) -> list[Block]:
    """A long paragraph becomes several sections, split at line ends, each under 3000 characters."""
    text = to_mrkdwn(markdown)
    out: list[Block] = []
    chunk = ""
    for line in text.split("\n"):
        if chunk and len(chunk) + 1 + len(line) > ids.MAX_SECTION_TEXT:
            out.append(_section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else cut(line, ids.MAX_SECTION_TEXT)
    out.append(_section(chunk))
    return out


def _fields(part: Fields) -> list[Block]:
    texts = [
        {"type": "mrkdwn", "text": cut(f"*{escape(f.label)}*\n{to_mrkdwn(f.value)}", ids.MAX_FIELD_TEXT)}
        for f in part.items
    ]
    return [
        {"type": "section", "fields": texts[i : i + ids.MAX_FIELDS]}
        for i in range(0, len(texts), ids.MAX_FIELDS)
    ]


def _buttons(part: Buttons, block_no: int) -> list[Block]:
    elements: list[dict[str, Any]] = []
    for n, button in enumerate(part.buttons):
        element: dict[str, Any] = {
            "type": "button",
            "text": _plain(button.label, ids.MAX_BUTTON_TEXT),
            "action_id": ids.slack_action_id(button.action, block_no, n),
            "value": button.value[: ids.MAX_BUTTON_VALUE],
        }
        if button.style != "default":
            element["style"] = button.style
        elements.append(element)
    return [
        {"type": "actions", "elements": elements[i : i + ids.MAX_ACTION_ELEMENTS]}
        for i in range(0, len(elements), ids.MAX_ACTION_ELEMENTS)
    ]


def _context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": to_mrkdwn(text, ids.MAX_SECTION_TEXT)}],
    }


def render_blocks(message: Message, *, max_blocks: int = ids.MAX_MESSAGE_BLOCKS) -> list[Block]:
    """Block Kit blocks for a message; past `max_blocks` the tail is replaced by "…and N more"."""
    blocks: list[Block] = []
    for part in message.parts:
        # Exhaustive: a new kind of Part fails mypy here until Slack renders it.
        match part:
            case Heading():
                blocks.append({"type": "header", "text": _plain(part.text, ids.MAX_HEADER_TEXT)})
            case Text():
                blocks += _sections(part.markdown)
            case Fields():
                blocks += _fields(part)
            case Context():
                blocks.append(_context(part.text))
            case Divider():
                blocks.append({"type": "divider"})
            case Buttons():
                blocks += _buttons(part, len(blocks))
            case Image():
                # Pictures are uploaded beside the message (the messenger does it); ephemeral
                # answers name them.
                blocks.append(_context(f"(picture: {part.alt})"))
            case _:
                assert_never(part)
    if len(blocks) > max_blocks:
        hidden = len(blocks) - (max_blocks - 1)
        blocks = [*blocks[: max_blocks - 1], _context(f"…and {hidden} more not shown here.")]
    return blocks


def fallback_text(message: Message) -> str:
    """The notification text; Slack reads & < > in it as markup too, so they are escaped."""
    return cut(escape(plain(message.fallback)), ids.MAX_FALLBACK_TEXT) or "nudgebot"


def render_home(message: Message) -> dict[str, Any]:
    return {"type": "home", "blocks": render_blocks(message, max_blocks=ids.MAX_VIEW_BLOCKS)}


# --- forms ------------------------------------------------------------------------------------------


def _element(field: Input) -> dict[str, Any]:
    element: dict[str, Any]
    # Exhaustive: a new kind of input fails mypy here until Slack renders it.
    match field:
        case ShortText() | LongText():
            element = {
                "type": "plain_text_input",
                "multiline": isinstance(field, LongText),
                "max_length": field.max_length,
            }
            if field.initial:
                element["initial_value"] = field.initial[: field.max_length]
        case Choice():
            options = [
                {"text": _plain(o.label, ids.MAX_BUTTON_TEXT), "value": o.value[:150]}
                for o in field.options[: ids.MAX_OPTIONS]
            ]
            element = {"type": "static_select", "options": options}
            initial = next((o for o in options if o["value"] == field.initial), None)
            if initial is not None:
                element["initial_option"] = initial
        case DateInput():
            element = {"type": "datepicker"}
            if field.initial is not None:
                element["initial_date"] = field.initial.isoformat()
        case UrlInput():
            element = {"type": "url_text_input"}
            if field.initial:
                element["initial_value"] = field.initial
        case _:
            assert_never(field)
    return element


def render_form(form: Form, origin: dict[str, str] | None = None) -> dict[str, Any]:
    """A modal; the neutral form id, its state and the message it was opened from ride in
    `private_metadata`, so the submission can update that message in place."""
    blocks: list[Block] = []
    if form.intro:
        blocks += _sections(form.intro)
    for field in form.inputs:
        block: Block = {
            "type": "input",
            "block_id": field.name,
            "label": _plain(field.label, 2000),
            "optional": not field.required,
            "element": {**_element(field), "action_id": field.name},
        }
        hint = form.errors.get(field.name) or field.hint
        if hint:
            block["hint"] = _plain(hint, 2000)
        blocks.append(block)
    metadata = json.dumps({"form": form.form_id, "state": form.state, "origin": origin or {}})
    if len(metadata) > ids.MAX_PRIVATE_METADATA:
        raise ValueError(f"form {form.form_id!r} state is too long for a Slack modal")
    return {
        "type": "modal",
        "callback_id": ids.FORM_CALLBACK,
        "private_metadata": metadata,
        "title": _plain(form.title, ids.MAX_VIEW_TITLE),
        "submit": _plain(form.submit_label, ids.MAX_VIEW_TITLE),
        "close": _plain("Cancel", ids.MAX_VIEW_TITLE),
        "blocks": blocks[: ids.MAX_VIEW_BLOCKS],
    }


@dataclass(frozen=True)
class Submission:
    form_id: str
    state: str
    values: dict[str, str]
    channel: str = ""
    message_ts: str = ""


def form_submission(view: dict[str, Any]) -> Submission:
    """A submitted modal, read back; raises ValueError when it is not one of ours."""
    raw = view.get("private_metadata") or "{}"
    meta = json.loads(raw) if isinstance(raw, str) else None  # JSONDecodeError is a ValueError
    if not isinstance(meta, dict) or not isinstance(meta.get("form"), str):
        raise ValueError("modal without a form id")
    values: dict[str, str] = {}
    state = view.get("state")
    blocks = state.get("values") if isinstance(state, dict) else None
    for block_id, actions in (blocks if isinstance(blocks, dict) else {}).items():
        for value in (actions if isinstance(actions, dict) else {}).values():
            if isinstance(value, dict):
                values[str(block_id)] = _value(value)
    origin: dict[str, Any] = meta["origin"] if isinstance(meta.get("origin"), dict) else {}
    return Submission(
        form_id=meta["form"],
        state=str(meta.get("state", "")),
        values=values,
        channel=str(origin.get("channel", "")),
        message_ts=str(origin.get("ts", "")),
    )


def _value(element: dict[str, Any]) -> str:
    kind = element.get("type")
    if kind == "static_select":
        return str((element.get("selected_option") or {}).get("value") or "")
    if kind == "datepicker":
        return str(element.get("selected_date") or "")
    return str(element.get("value") or "")
