"""The restricted markdown shared by every adapter: parse it once here, render it per platform."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SpanKind = Literal["plain", "bold", "italic", "link"]

_TOKEN = re.compile(
    r"\*\*(?P<bold>.+?)\*\*|(?<![\w\\])_(?P<italic>.+?)_(?!\w)|\[(?P<label>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)"
)
_ESCAPABLE = re.compile(r"([\\*_\[\]()])")


@dataclass(frozen=True)
class Span:
    kind: SpanKind
    text: str
    url: str = ""


@dataclass(frozen=True)
class Line:
    """One line of text: `bullet` is True for a ``- `` list item."""

    spans: tuple[Span, ...]
    bullet: bool = False


def escape(text: str) -> str:
    """Make user-typed text safe to embed in restricted markdown (it then renders literally)."""
    return _ESCAPABLE.sub(r"\\\1", text)


def bold(text: str) -> str:
    return f"**{escape(text)}**"


def link(label: str, url: str) -> str:
    return f"[{escape(label)}]({url})" if url.startswith(("http://", "https://")) else escape(label)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse_spans(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if _escaped(text, match.start()):
            continue
        if match.start() > pos:
            spans.append(Span("plain", _unescape(text[pos : match.start()])))
        if match.group("bold") is not None:
            spans.append(Span("bold", _unescape(match.group("bold"))))
        elif match.group("italic") is not None:
            spans.append(Span("italic", _unescape(match.group("italic"))))
        else:
            spans.append(Span("link", _unescape(match.group("label")), match.group("url")))
        pos = match.end()
    if pos < len(text):
        spans.append(Span("plain", _unescape(text[pos:])))
    return tuple(spans)


def _escaped(text: str, index: int) -> bool:
    slashes = 0
    while index - slashes - 1 >= 0 and text[index - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def parse(markdown: str) -> tuple[Line, ...]:
    """Split restricted markdown into lines of spans."""
    lines = []
    for raw in markdown.split("\n"):
        bullet = raw.startswith("- ")
        lines.append(Line(parse_spans(raw[2:] if bullet else raw), bullet))
    return tuple(lines)


def plain(markdown: str) -> str:
    """The text with markup removed (fallbacks, logs of counts, screen readers)."""
    out = []
    for line in parse(markdown):
        text = "".join(s.text if s.kind != "link" else f"{s.text} ({s.url})" for s in line.spans)
        out.append(f"• {text}" if line.bullet else text)
    return "\n".join(out)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
