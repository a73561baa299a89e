"""Helpers for the survey tests: rank correlation, physical row order, and reading every table."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Deps
from handlers.messages import Buttons, Divider, Fields, Image, Message
from handlers.messenger import MessageRef, Messenger, Recipient
from jobs.catalogue import BUILDERS
from jobs.config import EngineSettings, PaceRates
from jobs.context import JobContext
from jobs.delivery import deliver
from storage.models import Base, Person
from storage.people_file import load_people_file
from storage.people_import import import_people, known_roles

RECI = "morgan.mockup@example.org"
STAFF = "riley.fixture@example.org"
QUESTIONS = (
    "scale: How safe do you feel raising concerns?\n"
    "choice: Which team are you in? | Policy | Comms | Other\n"
    "text: What should change?"
)


def new_survey_values(**overrides: str) -> dict[str, str]:
    """The new-survey form filled in as a RECI member would, closing on Friday 18 October 2024."""
    values = {
        "title": "Raising concerns",
        "intro": "A short anonymous survey.",
        "questions": QUESTIONS,
        "audience": "everyone",
        "audience_value": "",
        "closes_on": "2024-10-18",
        "min_answers": "10",
    }
    return values | overrides


# For a random order of 200 rows, Spearman's rho has a standard deviation of 1/sqrt(199) ≈ 0.071:
# 0.3 is more than four of them (a false alarm about once in 40,000 runs), while rows left in
# arrival order give rho = 1.
MAX_ABS_RHO = 0.3


def spearman(order: list[int]) -> float:
    """Spearman's rho between stored position and submission index (`order` is a permutation of 0..n-1)."""
    n = len(order)
    assert sorted(order) == list(range(n)), "expected each submission exactly once"
    d2 = sum((position - index) ** 2 for position, index in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


async def physical_order(session: AsyncSession, survey_id: str) -> list[dict[str, Any]]:
    """Response answers in storage order: SQLite's table B-tree walked without an index, PostgreSQL ctid."""
    if session.get_bind().dialect.name == "sqlite":
        sql = "SELECT answers FROM survey_responses NOT INDEXED WHERE survey_id = :s"
    else:
        sql = "SELECT answers FROM survey_responses WHERE survey_id = :s ORDER BY ctid"
    rows = await session.execute(text(sql), {"s": survey_id})
    return [_json(r[0]) for r in rows]


async def scan_order(session: AsyncSession, survey_id: str, order_by: str = "") -> list[dict[str, Any]]:
    """Response answers as a plain query returns them (no ORDER BY, or the one given)."""
    order = f" ORDER BY {order_by}" if order_by else ""
    sql = "SELECT answers FROM survey_responses WHERE survey_id = :s" + order  # noqa: S608
    rows = await session.execute(text(sql), {"s": survey_id})
    return [_json(r[0]) for r in rows]


def _json(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else dict(json.loads(value))


async def dump_tables(session: AsyncSession, *, skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """Every table's rows as one string per table, for 'nothing here mentions X' assertions."""
    out: dict[str, str] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in skip:
            continue
        rows = (await session.execute(select(table))).all()
        out[table.name] = "\n".join(repr(tuple(r)) for r in rows)
    return out


def people_csv(path: Path, *, source: Path, extra_staff: int = 0) -> Path:
    """The demo people with Slack ids (U001…), plus `extra_staff` made-up staff, as a people file."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for i in range(extra_staff):
        rows.append(
            {
                "name": f"Staff Member {i}",
                "email": f"staff.member.{i}@example.org",
                "team": "Member support",
                "roles": "staff",
                "timezone": "Europe/London",
                "on_probation": "false",
                "teams_user_id": "",
                "leads": "",
            }
        )
    for number, row in enumerate(rows, start=1):
        row["slack_user_id"] = f"U{number:03d}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


async def import_people_file(deps: Deps, path: Path) -> dict[str, int]:
    """Import a people file through the real importer; returns person ids by email."""
    async with deps.sessions() as session:
        specs = load_people_file(
            path, known_roles=await known_roles(session), default_timezone="Europe/London"
        )
        await import_people(session, specs, now=deps.clock.now())
        await session.commit()
        return {p.email: p.id for p in (await session.scalars(select(Person))).all()}


@dataclass
class RecordingMessenger:
    """A Messenger (and ChannelDirectory) that records what it was asked to send."""

    direct: list[tuple[Recipient, Message]] = field(default_factory=list)
    posted: list[tuple[str, Message]] = field(default_factory=list)
    members: dict[str, list[str]] = field(default_factory=dict)

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        self.direct.append((recipient, message))
        return MessageRef("test", f"D{recipient.person_id}", str(len(self.direct)))

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        self.posted.append((channel, message))
        return MessageRef("test", channel, str(len(self.posted)))

    async def update(self, ref: MessageRef, message: Message) -> None:
        return None

    async def channel_members(self, channel: str) -> list[str]:
        return self.members[channel]


def message_text(message: Message) -> str:
    """Every word a message would show (fallback, parts, buttons, image alt and title)."""
    out = [message.fallback]
    for part in message.parts:
        if isinstance(part, Fields):
            out += [f"{f.label} {f.value}" for f in part.items]
        elif isinstance(part, Buttons):
            out += [f"{b.label} {b.value}" for b in part.buttons]
        elif isinstance(part, Image):
            out += [part.alt, part.title]
        elif not isinstance(part, Divider):
            out.append(getattr(part, "text", "") or getattr(part, "markdown", ""))
    return "\n".join(out)


async def deliver_invitations(deps: Deps, messenger: Messenger, now: datetime) -> int:
    """Run the jobs engine's sender (as every job run does): survey invitations go out; how many were sent."""
    settings = EngineSettings(
        smt_channel=deps.channels.smt,
        reci_channel=deps.channels.reci,
        timezone=deps.timezone,
        rates=PaceRates(workspace_per_second=1000.0, channel_per_second=1000.0),
    )
    done = await deliver(
        JobContext(deps=replace(deps, messenger=messenger), settings=settings), now=now, builders=BUILDERS
    )
    return len(done.sent)
