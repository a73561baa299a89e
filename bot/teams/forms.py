"""A neutral Form ↔ an Adaptive Card with inputs, and a card's submission back into neutral values.

Teams has no modal that stays open, so a form is a card in the conversation. Its submit button
carries the form's definition; a submission that comes back with errors is re-rendered from it with
the values the person typed, so nothing is kept in memory between the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, assert_never

from bot.teams import ids
from bot.teams.cards import Card, Element, card, escape, markdown, submit, text_block
from handlers.messages import Choice, DateInput, Form, Input, LongText, Option, ShortText, UrlInput

_KINDS: dict[str, type[Input]] = {
    "short": ShortText,
    "long": LongText,
    "choice": Choice,
    "date": DateInput,
    "url": UrlInput,
}


def _kind_of(field: Input) -> str:
    """The name a form definition stores for an input (the inverse of `_KINDS`)."""
    match field:
        case ShortText():
            return "short"
        case LongText():
            return "long"
        case Choice():
            return "choice"
        case DateInput():
            return "date"
        case UrlInput():
            return "url"
        case _:
            assert_never(field)


@dataclass(frozen=True)
class Submission:
    form_id: str
    state: str
    values: dict[str, str]
    definition: dict[str, Any] | None


def _input(field: Input, error: str) -> list[Element]:
    base: Element = {"id": field.name, "label": field.label, "isRequired": field.required}
    if field.required:
        base["errorMessage"] = f"{field.label} is required"
    element: Element
    # Exhaustive: a new kind of input fails mypy here until Teams renders it.
    match field:
        case Choice():
            element = {
                **base,
                "type": "Input.ChoiceSet",
                "style": "compact",
                "choices": [{"title": o.label, "value": o.value} for o in field.options],
            }
            if field.initial:
                element["value"] = field.initial
        case DateInput():
            element = {**base, "type": "Input.Date"}
            if field.initial:
                element["value"] = field.initial.isoformat()
        case ShortText() | LongText() | UrlInput():
            element = {**base, "type": "Input.Text", "placeholder": field.hint}
            if not field.hint:
                del element["placeholder"]
            if isinstance(field, ShortText | LongText):
                element["maxLength"] = field.max_length
            if isinstance(field, LongText):
                element["isMultiline"] = True
            if isinstance(field, UrlInput):
                element["style"] = "Url"
            if field.initial:
                element["value"] = field.initial
        case _:
            assert_never(field)
    out = [element]
    if field.hint and isinstance(field, Choice | DateInput):
        hint = text_block(escape(field.hint), size="Small", isSubtle=True, spacing="None")
        if hint:
            out.append(hint)
    if error:
        shown = text_block(escape(error), color="Attention", size="Small", spacing="None")
        if shown:
            out.append(shown)
    return out


def render_form(form: Form) -> Card:
    """The card for a form; `form.errors` appear in red under their fields."""
    body: list[Element] = []
    for block in (
        text_block(escape(form.title), size="Large", weight="Bolder"),
        text_block(markdown(form.intro)) if form.intro else None,
    ):
        if block:
            body.append(block)
    known = {f.name for f in form.inputs}
    stray = [msg for name, msg in form.errors.items() if name not in known]
    for message in stray:
        shown = text_block(escape(message), color="Attention")
        if shown:
            body.append(shown)
    for field in form.inputs:
        body.extend(_input(field, form.errors.get(field.name, "")))
    data = {ids.FORM_KEY: form.form_id, ids.STATE_KEY: form.state, ids.FORM_DEF_KEY: definition(form)}
    return card(body, [submit(form.submit_label, data, "primary")])


def definition(form: Form) -> dict[str, Any]:
    """The form as plain JSON (without errors), to travel with its submit button."""
    inputs = []
    for field in form.inputs:
        item: dict[str, Any] = {"kind": _kind_of(field), "name": field.name, "label": field.label}
        item.update(hint=field.hint, required=field.required)
        if isinstance(field, Choice):
            item["options"] = [[o.value, o.label] for o in field.options]
        if isinstance(field, ShortText | LongText):
            item["max_length"] = field.max_length
        inputs.append(item)
    return {
        "title": form.title,
        "submit": form.submit_label,
        "intro": form.intro,
        "inputs": inputs,
        "confidential": form.confidential,
    }


def from_definition(
    data: Mapping[str, Any], *, form_id: str, state: str, values: Mapping[str, str], errors: Mapping[str, str]
) -> Form:
    """Rebuild the form a person submitted, filled with what they typed, showing `errors`.

    A confidential form comes back empty: a card is a chat message, kept in the conversation's history,
    so anonymous answers must not be written into one.
    """
    confidential = bool(data.get("confidential", False))
    if confidential:
        values = {}
    inputs: list[Input] = []
    for item in data.get("inputs", []):
        kind, name = str(item.get("kind", "")), str(item.get("name", ""))
        if kind not in _KINDS or not name:
            continue
        common: dict[str, Any] = {
            "name": name,
            "label": str(item.get("label", name)),
            "hint": str(item.get("hint", "")),
            "required": bool(item.get("required", True)),
        }
        typed = values.get(name, "")
        if kind == "choice":
            options = tuple(Option(str(v), str(label)) for v, label in item.get("options", []))
            inputs.append(Choice(options=options, initial=typed, **common))
        elif kind == "date":
            inputs.append(DateInput(initial=_date(typed), **common))
        elif kind == "url":
            inputs.append(UrlInput(initial=typed, **common))
        else:
            size = item.get("max_length")
            if kind == "long":
                inputs.append(LongText(initial=typed, max_length=int(size or 3000), **common))
            else:
                inputs.append(ShortText(initial=typed, max_length=int(size or 300), **common))
    return Form(
        form_id=form_id,
        title=str(data.get("title", "")),
        inputs=tuple(inputs),
        submit_label=str(data.get("submit", "Submit")),
        intro=str(data.get("intro", "")),
        state=state,
        errors=dict(errors),
        confidential=confidential,
    )


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def submission(value: Mapping[str, Any]) -> Submission | None:
    """A form submission from an activity's `value`, or None when it is not one of our forms."""
    form_id = value.get(ids.FORM_KEY)
    if not isinstance(form_id, str) or not form_id:
        return None
    definition = value.get(ids.FORM_DEF_KEY)
    reserved = {ids.FORM_KEY, ids.STATE_KEY, ids.FORM_DEF_KEY}
    values = {k: _text(v) for k, v in value.items() if k not in reserved}
    if isinstance(definition, dict):
        # Teams leaves an empty input out of `value`; handlers expect every field, "" when empty.
        for item in definition.get("inputs", []):
            values.setdefault(str(item.get("name", "")), "")
        values.pop("", None)
    return Submission(
        form_id=form_id,
        state=_text(value.get(ids.STATE_KEY, "")),
        values=values,
        definition=definition if isinstance(definition, dict) else None,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
