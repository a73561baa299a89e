"""What every job receives (`JobContext`) and what it answers (`JobReport`, in words)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.messages import Part
from handlers.messenger import Messenger
from jobs.config import EngineSettings
from jobs.pacer import Pacer
from jobs.periods import Period

# An extra section for the RECI digest (survey results, say): given a session and the digest's period,
# the parts to add, or () for nothing. It must name no individual (DESIGN §5).
DigestSection = Callable[[AsyncSession, Period, datetime], Awaitable[Sequence[Part]]]


@dataclass
class JobContext:
    """The dependencies a job needs; built once by the composition root (or a test, or the sandbox)."""

    sessions: async_sessionmaker[AsyncSession]
    messenger: Messenger
    settings: EngineSettings = field(default_factory=EngineSettings)
    # Extra RECI digest sections, in order; `jobs.digest_sections.RECI_SECTIONS` when left empty.
    reci_sections: Sequence[DigestSection] | None = None
    # Made from `settings.rates` on first use and kept, so every run in a process shares one budget.
    pacer: Pacer | None = None

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
