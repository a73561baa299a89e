"""A neutral Message → an Adaptive Card 1.5 (a plain dict) and its plain-text fallback."""

from __future__ import annotations

import base64
import re
from typing import Any, assert_never

from bot.teams import ids
from handlers.markup import Line, parse, plain, truncate
from handlers.messages import Buttons, Context, Divider, Fields, Heading, Image, Message, Part, Text

Card = dict[str, Any]
Element = dict[str, Any]

# Characters Teams' card markdown would read as markup; a backslash makes them literal.
_TEAMS_SPECIAL = re.compile(r"([\\*_\[\]()`#>])")
_STYLE = {"primary": "positive", "danger": "destructive"}


def escape(text: str) -> str:
    return _TEAMS_SPECIAL.sub(r"\\\1", text)


def _line(line: Line) -> str:
    out = []
    for span in line.spans:
        if not span.text:
            continue
        if span.kind == "bold":
            out.append(f"**{escape(span.text)}**")
        elif span.kind == "italic":
            out.append(f"_{escape(span.text)}_")
        elif span.kind == "link":
            out.append(f"[{escape(span.text)}]({span.url})")
        else:
            out.append(escape(span.text))
    text = "".join(out)
    return f"- {text}" if line.bullet and text else text


def markdown(text: str) -> str:
    """Restricted markdown (`handlers.markup`) → the markdown Teams renders in a TextBlock."""
    return truncate("\n".join(_line(line) for line in parse(text)).strip(), ids.MAX_TEXT)


def card(body: list[Element], actions: list[Element] | None = None) -> Card:
    out: Card = {
        "type": "AdaptiveCard",
        "$schema": ids.CARD_SCHEMA,
        "version": ids.CARD_VERSION,
        "body": body,
        # Full width in Teams, so field grids and button rows are not squeezed.
        "msteams": {"width": "Full"},
    }
    if actions:
        out["actions"] = actions
    return out


def text_block(text: str, **style: Any) -> Element | None:
    """A wrapping TextBlock, or None for empty text (Teams shows an empty block as a gap)."""
    if not text.strip():
        return None
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def submit(title: str, data: dict[str, Any], style: str = "default") -> Element:
    action: Element = {"type": "Action.Submit", "title": truncate(title, 75) or "OK", "data": data}
    if style in _STYLE:
        action["style"] = _STYLE[style]
    return action


def _part(part: Part) -> Element | None:
    """The card element for a part; None for nothing to show (a Divider marks the next element)."""
    # Exhaustive: a new kind of Part fails mypy here until Teams renders it.
    match part:
        case Heading():
            return text_block(escape(part.text), size="Large", weight="Bolder")
        case Text():
            return text_block(markdown(part.markdown))
        case Context():
            return text_block(markdown(part.text), size="Small", isSubtle=True)
        case Fields():
            facts = [
                {"title": escape(f.label), "value": markdown(f.value) or "—"} for f in part.items if f.label
            ]
            return {"type": "FactSet", "facts": facts} if facts else None
        case Image():
            encoded = base64.b64encode(part.data).decode("ascii")
            if len(encoded) > ids.MAX_INLINE_IMAGE:
                # Teams refuses a whole message over about 28 KB; the words must still arrive.
                return text_block(f"{escape(part.alt)} (picture too large to show in Teams)", isSubtle=True)
            return {
                "type": "Image",
                "url": f"data:image/png;base64,{encoded}",
                "altText": part.alt,
                "size": "Stretch",
            }
        case Buttons():
            actions = [
                submit(b.label, {ids.ACTION_KEY: b.action, ids.VALUE_KEY: b.value}, b.style)
                for b in part.buttons
            ]
            return {"type": "ActionSet", "actions": actions} if actions else None
        case Divider():
            return None
        case _:
            assert_never(part)


def render_message(message: Message) -> Card:
    """The card for a message. A Divider becomes a separator line above the next element."""
    body: list[Element] = []
    separate = False
    for part in message.parts:
        if isinstance(part, Divider):
            separate = bool(body)
            continue
        element = _part(part)
        if element is None:
            continue
        if separate:
            element = {**element, "separator": True, "spacing": "Medium"}
            separate = False
        body.append(element)
    if not body:
        body.append({"type": "TextBlock", "text": escape(fallback_text(message)) or "…", "wrap": True})
    return card(body)


def fallback_text(message: Message) -> str:
    """The notification text: the message's own fallback, else its first text."""
    if message.fallback.strip():
        return truncate(message.fallback.strip(), ids.MAX_TEXT)
    for part in message.parts:
        if isinstance(part, Heading | Text | Context):
            text = part.text if isinstance(part, Heading | Context) else part.markdown
            return truncate(plain(text), ids.MAX_TEXT)
    return "nudgebot"
