"""Neutral messages and forms → plain HTML: every text escaped, every button a real form, no JavaScript."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import assert_never

from bot.sandbox import ids
from handlers.markup import Line, Span, parse
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
    Part,
    ShortText,
    Text,
    UrlInput,
)
from handlers.messenger import MessageRef
from storage.models import Status

# A status word in running text gets its colour as well; the word itself always stays (DESIGN §2).
_STATUS_WORDS = {s.label.lower(): s for s in Status}
_STATUS_RE = re.compile(
    r"\b(" + "|".join(re.escape(label) for label in sorted(_STATUS_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def _plain(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _STATUS_RE.finditer(text):
        out.append(escape(text[pos : match.start()]))
        status = _STATUS_WORDS[match.group(1).lower()]
        out.append(f'<span class="status status-{status.value}">{escape(match.group(1))}</span>')
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _span(span: Span) -> str:
    if span.kind == "bold":
        return f"<strong>{_plain(span.text)}</strong>"
    if span.kind == "italic":
        return f"<em>{_plain(span.text)}</em>"
    if span.kind == "link":
        return f'<a href="{escape(span.url)}" rel="noopener noreferrer">{escape(span.text)}</a>'
    return _plain(span.text)


def _line(line: Line) -> str:
    return "".join(_span(s) for s in line.spans)


def markdown(text: str, *, tag: str = "p", css: str = "") -> str:
    """Restricted markdown as paragraphs (`tag`) and lists; blank lines split paragraphs."""
    klass = f' class="{css}"' if css else ""
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(f"<{tag}{klass}>{'<br>'.join(para)}</{tag}>")
            para.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in parse(text):
        if line.bullet:
            if para:
                flush()
            items.append(_line(line))
        elif not line.spans or not "".join(s.text for s in line.spans).strip():
            flush()
        else:
            if items:
                flush()
            para.append(_line(line))
    flush()
    return "".join(blocks)


def _inline(text: str) -> str:
    """Restricted markdown inside one element (field values): lines joined by <br>."""
    return "<br>".join(("• " if line.bullet else "") + _line(line) for line in parse(text))


def _image(part: Image) -> str:
    data = base64.b64encode(part.data).decode("ascii")
    caption = f"<figcaption>{escape(part.title)}</figcaption>" if part.title else ""
    return f'<figure><img src="data:image/png;base64,{data}" alt="{escape(part.alt)}">{caption}</figure>'


def _buttons(part: Buttons, ref: MessageRef | None) -> str:
    hidden = ""
    if ref is not None:
        hidden = (
            f'<input type="hidden" name="{ids.REF_CHANNEL}" value="{escape(ref.channel)}">'
            f'<input type="hidden" name="{ids.REF_ID}" value="{escape(ref.id)}">'
        )
    buttons = "".join(
        f'<button type="submit" name="{ids.PRESS}" value="{escape(ids.press_value(b.action, b.value))}"'
        f' class="button button-{b.style}">{escape(b.label)}</button>'
        for b in part.buttons
    )
    return f'<form method="post" action="{ids.ACTION_PATH}" class="buttons">{hidden}{buttons}</form>'


def render_part(part: Part, ref: MessageRef | None = None) -> str:
    # Exhaustive: a new kind of Part fails mypy here until the sandbox renders it.
    match part:
        case Heading():
            # Pages have one h1; a message is a section under it.
            return f"<h2>{_plain(part.text)}</h2>"
        case Text():
            return markdown(part.markdown)
        case Fields():
            rows = "".join(
                f"<div><dt>{escape(f.label)}</dt><dd>{_inline(f.value)}</dd></div>" for f in part.items
            )
            return f'<dl class="fields">{rows}</dl>'
        case Context():
            return markdown(part.text, css="context")
        case Divider():
            return "<hr>"
        case Image():
            return _image(part)
        case Buttons():
            return _buttons(part, ref)
        case _:
            assert_never(part)


def render_message(message: Message, ref: MessageRef | None = None) -> str:
    """A message's parts as HTML; buttons post back with the message's ref so handlers know the origin."""
    if not message.parts:
        return f"<p>{_plain(message.fallback)}</p>"
    return "".join(render_part(p, ref) for p in message.parts)


# --- forms -------------------------------------------------------------------------------------------


def field_id(name: str) -> str:
    return f"field-{re.sub(r'[^A-Za-z0-9_-]', '-', name)}"


def _described_by(fid: str, hint: str, error: str) -> str:
    refs = ([f"{fid}-hint"] if hint else []) + ([f"{fid}-error"] if error else [])
    return f' aria-describedby="{" ".join(refs)}"' if refs else ""


def _control(item: Input, fid: str, value: str, extra: str) -> str:
    name = escape(item.name)
    required = " required" if item.required else ""
    # Exhaustive: a new kind of input fails mypy here until the sandbox renders it.
    match item:
        case LongText():
            return (
                f'<textarea id="{fid}" name="{name}" rows="5" maxlength="{item.max_length}"{required}{extra}>'
                f"{escape(value)}</textarea>"
            )
        case Choice():
            options = [] if value and item.required else ['<option value="">Choose…</option>']
            for option in item.options:
                selected = " selected" if option.value == value else ""
                options.append(
                    f'<option value="{escape(option.value)}"{selected}>{escape(option.label)}</option>'
                )
            return f'<select id="{fid}" name="{name}"{required}{extra}>{"".join(options)}</select>'
        case ShortText():
            kind, length = "text", f' maxlength="{item.max_length}"'
        case DateInput():
            kind, length = "date", ""
        case UrlInput():
            kind, length = "url", ""
        case _:
            assert_never(item)
    return f'<input type="{kind}" id="{fid}" name="{name}" value="{escape(value)}"{length}{required}{extra}>'


def _initial(item: Input) -> str:
    if isinstance(item, DateInput):
        return item.initial.isoformat() if item.initial else ""
    return item.initial


def _field(item: Input, value: str, error: str) -> str:
    fid = field_id(item.name)
    optional = "" if item.required else ' <span class="optional">(optional)</span>'
    hint = f'<p class="hint" id="{fid}-hint">{escape(item.hint)}</p>' if item.hint else ""
    err = (
        f'<p class="field-error" id="{fid}-error"><strong>Error:</strong> {escape(error)}</p>'
        if error
        else ""
    )
    extra = _described_by(fid, item.hint, error) + (' aria-invalid="true"' if error else "")
    css = "field field-with-error" if error else "field"
    label = f'<label for="{fid}">{escape(item.label)}{optional}</label>'
    return f'<div class="{css}">{label}{hint}{err}{_control(item, fid, value, extra)}</div>'


def error_summary(inputs: Iterable[Input], errors: Mapping[str, str]) -> str:
    """Every error at the top, each linking to its field; role=alert so a screen reader announces it."""
    if not errors:
        return ""
    names = {i.name for i in inputs}
    items = "".join(
        f'<li><a href="#{field_id(name)}">{escape(message)}</a></li>'
        if name in names
        else f"<li>{escape(message)}</li>"
        for name, message in errors.items()
    )
    return (
        '<div class="error-summary" role="alert" tabindex="-1" autofocus>'
        f"<h2>There is a problem</h2><ul>{items}</ul></div>"
    )


def render_form(
    form: Form, *, values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None
) -> str:
    """A form that posts to the sandbox; `values` keep what was typed when it comes back with errors.

    The page around it carries the form's title as its h1 (a modal's title in Slack)."""
    errors = {**form.errors, **(errors or {})}
    values = values or {}
    fields = "".join(
        _field(item, values.get(item.name, _initial(item)), errors.get(item.name, "")) for item in form.inputs
    )
    intro = markdown(form.intro) if form.intro else ""
    return (
        f'<section class="form" aria-label="{escape(form.title)}">'
        f"{error_summary(form.inputs, errors)}{intro}"
        f'<form method="post" action="{ids.FORM_PATH}" novalidate>{fields}'
        f'<div class="form-actions"><button type="submit" name="{ids.FORM_SUBMIT}" value="submit"'
        f' class="button button-primary">{escape(form.submit_label)}</button>'
        f'<button type="submit" name="{ids.FORM_SUBMIT}" value="cancel" class="button">Cancel</button>'
        "</div></form></section>"
    )
