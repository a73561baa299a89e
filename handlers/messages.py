"""The neutral message vocabulary: what handlers and jobs say, before any adapter renders it.

Small and closed on purpose (DESIGN §3). Slack renders it as Block Kit, Teams as Adaptive Cards,
the sandbox as HTML. Text uses a restricted markdown that every adapter can render: ``**bold**``,
``_italic_``, ``[label](https://…)`` and lines starting ``- `` for lists (see `handlers.markup`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Text:
    """A paragraph in restricted markdown. Escape user-typed text with `handlers.markup.escape`."""

    markdown: str


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Fields:
    """Label/value pairs shown as a grid (values are restricted markdown)."""

    items: tuple[Field, ...]


@dataclass(frozen=True)
class Context:
    """A small grey line: dates, counts, provenance (restricted markdown)."""

    text: str


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class Image:
    """A picture the adapter uploads or inlines (a PNG chart, say). `alt` is always required."""

    data: bytes
    alt: str
    filename: str = "chart.png"
    title: str = ""


@dataclass(frozen=True)
class Button:
    """A button: `action` names what it does (see `handlers.actions`), `value` carries its argument."""

    label: str
    action: str
    value: str = ""
    style: ButtonStyle = "default"


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]


Part = Heading | Text | Fields | Context | Divider | Image | Buttons


@dataclass(frozen=True)
class Message:
    """A message: a plain-text fallback (notifications, screen readers) and its parts in order."""

    fallback: str
    parts: tuple[Part, ...] = ()


# --- forms -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class ShortText:
    name: str
    label: str
    hint: str = ""
    initial: str = ""
    required: bool = True
    max_length: int = 300


@dataclass(frozen=True)
class LongText:
    name: str
    label: str
    hint: str = ""
    initial: str = ""
    required: bool = True
    max_length: int = 3000


@dataclass(frozen=True)
class Choice:
    name: str
    label: str
    options: tuple[Option, ...]
    hint: str = ""
    initial: str = ""
    required: bool = True


@dataclass(frozen=True)
class DateInput:
    name: str
    label: str
    hint: str = ""
    initial: date | None = None
    required: bool = True


@dataclass(frozen=True)
class UrlInput:
    name: str
    label: str
    hint: str = ""
    initial: str = ""
    required: bool = False


Input = ShortText | LongText | Choice | DateInput | UrlInput


@dataclass(frozen=True)
class Form:
    """A form (Slack modal, Teams card, sandbox HTML form).

    `form_id` routes the submission back to its handler; `state` is an opaque string carried through
    the round trip (an action key, a survey id), never shown to the user. Values come back by input
    name as strings (dates as ISO ``YYYY-MM-DD``; an empty optional input as ``""``).
    """

    form_id: str
    title: str
    inputs: tuple[Input, ...]
    submit_label: str = "Submit"
    intro: str = ""
    state: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    # Answers that must never be written back into a chat message (anonymous survey answers): an
    # adapter that shows the form again with errors leaves its inputs empty rather than echo them.
    confidential: bool = False


# Limits every adapter can honour; handlers page or truncate to stay inside them.
MAX_PARTS = 45
MAX_TEXT = 2900
MAX_FIELDS = 10
# A row of buttons: the nudge needs seven (four statuses, add update, snooze, not mine).
MAX_BUTTONS = 7
MAX_FORM_TITLE = 24
