"""Small pieces of wording every handler shares: statuses in words, dates, capped lists, plain answers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.context import Response
from handlers.markup import escape, plain, truncate
from handlers.messages import MAX_TEXT, Heading, Message, Part, Text
from storage.models import Status

# The order statuses are read out in: what is moving first, what has not started last.
STATUS_ORDER = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.DONE, Status.NOT_STARTED)

# "INF-2", "inf-2", "INF 2", "inf2": an action key as people type it.
_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,9}?)[\s_\-–]*([0-9]{1,4})$")


def action_key(text: str) -> str | None:
    """The canonical action key (``INF-2``) if `text` is one, however it was typed."""
    match = _KEY.fullmatch(text.strip())
    if match is None:
        return None
    return f"{match.group(1).upper()}-{int(match.group(2))}"


def status_words(counts: Mapping[str, int]) -> str:
    """ "3 on track, 1 at risk, 2 not started" — every non-zero status, in words."""
    words = [f"{counts[s.value]} {s.label.lower()}" for s in STATUS_ORDER if counts.get(s.value)]
    return ", ".join(words) if words else "no actions yet"


def counted(n: int, singular: str, plural: str = "") -> str:
    """ "1 action", "2 actions": people read counts, not "action(s)"."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def when(moment: datetime, timezone: str) -> str:
    """A moment in the organisation's time zone, as people write it: "7 Oct 2024, 10:30"."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local.day} {local:%b %Y, %H:%M}"


def day(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local.day} {local:%B %Y}"


def bullets(title: str, items: Sequence[str], *, limit: int = MAX_TEXT) -> str:
    """A bold title and a list of already-escaped items, ending "…and N more" rather than overflowing."""
    out = f"**{escape(title)}**" if title else ""
    for shown, item in enumerate(items):
        line = f"\n- {truncate(item, 600)}"
        tail = f"\n_…and {len(items) - shown} more_"
        if len(out) + len(line) + len(tail) > limit:
            return out + f"\n_…and {len(items) - shown} more_"
        out += line
    return out.lstrip("\n")


def message(markdown: str, *, heading: str = "", extra: Sequence[Part] = ()) -> Message:
    """A short message: an optional heading, one paragraph, any extra parts."""
    parts: list[Part] = [Heading(heading)] if heading else []
    parts.append(Text(truncate(markdown, MAX_TEXT)))
    parts.extend(extra)
    fallback = f"{heading}: {plain(markdown)}" if heading else plain(markdown)
    return Message(fallback=truncate(fallback, 300), parts=tuple(parts))


def say(markdown: str, *, heading: str = "", extra: Sequence[Part] = ()) -> Response:
    """Answer the asker with a short message."""
    return Response(message=message(markdown, heading=heading, extra=extra))


NOT_IN_PEOPLE_LIST = (
    "I'm sorry — you are not in nudgebot's people list yet, so I can't show or record anything that is "
    "yours. Please ask your administrator to add you (they use the email address your chat account "
    "uses). In the meantime you can still browse the plan with /commitments."
)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_QUARTERS = {"Q1": "Apr–Jun", "Q2": "Jul–Sep", "Q3": "Oct–Dec", "Q4": "Jan–Mar"}
_HALVES = {"H1": "Apr–Sep", "H2": "Oct–Mar"}


def period_label(period: str) -> str:
    """A reporting period in words: "2024-10" → "October 2024", "2024-Q3" → "Q3 2024/25 (Oct–Dec)".

    Quarters and halves follow the plan's April–March year, named by the year they start in.
    """
    year, _, part = period.partition("-")
    if not year.isdigit():
        return period
    plan_year = f"{year}/{(int(year) + 1) % 100:02d}"
    if part.isdigit() and 1 <= int(part) <= 12:
        return f"{_MONTHS[int(part) - 1]} {year}"
    if part in _QUARTERS:
        return f"{part} {plan_year} ({_QUARTERS[part]})"
    if part in _HALVES:
        return f"{part} {plan_year} ({_HALVES[part]})"
    if part.startswith("W") and part[1:].isdigit():
        return f"week {int(part[1:])} of {year}"
    return period
