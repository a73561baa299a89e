"""What every job receives (`JobContext`) and what it answers (`JobReport`, in words)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.context import Deps
from handlers.messages import Part
from handlers.messenger import Messenger
from jobs.config import EngineSettings
from jobs.pacer import Pacer
from jobs.periods import Period
from storage.clock import FixedClock

# An extra section for the RECI digest (survey results, say): given a session and the digest's period,
# the parts to add, or () for nothing. It must name no individual (DESIGN §5).
DigestSection = Callable[[AsyncSession, Period, datetime], Awaitable[Sequence[Part]]]


@dataclass
class JobContext:
    """What a job needs: the handlers' own `Deps` (the one context both use, built once by the
    composition root, or a test, or the sandbox), with a messenger, and the engine's settings."""

    deps: Deps
    settings: EngineSettings = field(default_factory=EngineSettings)
    # Extra RECI digest sections, in order; `jobs.digest_sections.RECI_SECTIONS` when left empty.
    reci_sections: Sequence[DigestSection] | None = None
    # Made from `settings.rates` on first use and kept, so every run in a process shares one budget.
    pacer: Pacer | None = None

    def __post_init__(self) -> None:
        if self.deps.messenger is None:
            raise ValueError("a job context needs a messenger: jobs send what they write")

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.deps.sessions

    @property
    def messenger(self) -> Messenger:
        messenger = self.deps.messenger
        assert messenger is not None  # checked when the context was made
        return messenger

    def as_of(self, at: datetime) -> Deps:
        """The handlers' dependencies for a job run "as of" `at`: the same ones, on a stopped clock."""
        return replace(self.deps, clock=FixedClock(at))

    def get_pacer(self) -> Pacer:
        if self.pacer is None:
            self.pacer = Pacer(self.settings.rates)
        return self.pacer


@dataclass
class JobReport:
    """What one run did, in words: for `nudgebot jobs run`, the sandbox and the logs."""

    job: str
    at: datetime
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.job} as of {self.at.isoformat()}"]
        out += [f"  sent: {s}" for s in self.sent] or ["  sent nothing"]
        out += [f"  failed: {f}" for f in self.failed]
        out += [f"  note: {n}" for n in self.notes]
        return out
