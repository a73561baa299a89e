"""Restricted markdown (`handlers.markup`) → Slack mrkdwn, escaping & < > so user text stays literal."""

from __future__ import annotations

from handlers.markup import Span, parse, truncate


def escape(text: str) -> str:
    # Slack's only escapes (https://docs.slack.dev/messaging/formatting-message-text#escaping).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _span(span: Span) -> str:
    text = escape(span.text)
    if span.kind == "bold" and text.strip():
        return f"*{text}*"
    if span.kind == "italic" and text.strip():
        return f"_{text}_"
    if span.kind == "link":
        # `|` ends the URL part of a Slack link, so it may not appear in either half.
        return f"<{escape(span.url).replace('|', '%7C')}|{text.replace('|', '¦')}>"
    return text


def to_mrkdwn(markdown: str, limit: int | None = None) -> str:
    lines = []
    for line in parse(markdown):
        text = "".join(_span(s) for s in line.spans)
        lines.append(f"• {text}" if line.bullet else text)
    out = "\n".join(lines)
    return out if limit is None else cut(out, limit)


def cut(text: str, limit: int) -> str:
    """Shorten to `limit` characters without leaving half an entity or link behind."""
    if len(text) <= limit:
        return text
    short = truncate(text, limit)
    # A cut inside "<url|label>" or "&amp;" would show raw syntax: drop the broken tail.
    open_link, amp = short.rfind("<"), short.rfind("&")
    if open_link > short.rfind(">"):
        short = short[:open_link].rstrip() + "…"
    elif amp > short.rfind(";"):
        short = short[:amp].rstrip() + "…"
    return short
