"""What one running sandbox holds: the core it drives, its clock and conversations, open forms, notices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from aiohttp import web

from bot.sandbox.clock import DemoClock
from bot.sandbox.messenger import SandboxMessenger
from bot.wiring import Core
from handlers.messages import Form


@dataclass(frozen=True)
class JobInfo:
    """A job the move-time form offers: `label` goes on its button, `description` says what it does."""

    name: str
    label: str
    description: str = ""


class TimeControl(Protocol):
    """Runs a scheduled job "as of" a moment; the sandbox's move-time form calls it."""

    def jobs(self) -> Sequence[JobInfo]: ...

    async def run(self, name: str, at: datetime) -> str:
        """Run job `name` as of `at`; a one-line summary in words of what it did."""
        ...

    def tour(self, start: datetime) -> Sequence[str]:
        """Steps, in words, that show the jobs at work from the demo's `start`."""
        ...


@dataclass
class OpenForm:
    """The form a person has open (a modal in Slack). Its `state` never leaves the server."""

    form: Form
    back: str
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Sandbox:
    core: Core
    clock: DemoClock
    messenger: SandboxMessenger
    time_control: TimeControl | None = None
    # Where the demo's timeline began; the tour counts its dates from here.
    started: datetime | None = None
    open_forms: dict[int, OpenForm] = field(default_factory=dict)
    notices: dict[int, list[str]] = field(default_factory=dict)

    def notify(self, person_id: int, text: str) -> None:
        self.notices.setdefault(person_id, []).append(text)

    def take_notices(self, person_id: int) -> list[str]:
        return self.notices.pop(person_id, [])


SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
