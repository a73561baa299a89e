"""The mixing pool: answers and who-answered marks wait in memory, then are written in shuffled batches.

Why (issue 13): a database's own journal keeps every write in the order it happened. Had an answer and
its person's mark been written together, or one after the other, the PostgreSQL WAL (and any WAL archive,
replica or base backup) and the SQLite `-wal` file would pair them. So nothing about an answer is written
when it arrives. It waits here with its mark until the survey's minimum number of answers is waiting;
then the answers are written in one transaction, in a shuffled order, and the marks in another, also
shuffled. The journal then shows batches of at least the minimum, with no order inside a batch: each
answer hides among at least as many people as a result ever describes. At close, whatever is waiting is
written as the last batch and the waiting marks are dropped (close destroys marks anyway).

What it costs: an answer waiting here lives only in this process's memory. A restart before its batch
is written loses it together with its mark, so the person can answer again (and the reminder, which is
sent from the stored marks, reaches them). The person is told which happened: "stored" when their answer
completed a batch, "received" when it waits.

One pool per engine per process. On PostgreSQL with several bot processes each holds its own pool.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import insert, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import SurveyParticipation, SurveyResponse

# The time an answer may spend waiting for a busy database: inside Slack's three seconds, and inside
# the two seconds after which the Slack adapter closes the form and answers in a chat message instead.
ANSWER_BUDGET_S = 1.5
RESPONSE_KEY_BYTES = 16

_rng = random.SystemRandom()
T = TypeVar("T")


@dataclass
class Waiting:
    """One survey's answers and marks not yet written, and the lock that makes check-and-add atomic.

    `written` remembers (in memory only) the marks this process has already written, so a second
    answer is refused without another read under the lock.
    """

    answers: list[dict[str, Any]] = field(default_factory=list)
    marks: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    closed: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def seen(self, digest: str) -> bool:
        return digest in self.marks or digest in self.written

    def close(self) -> None:
        """Forget every mark: the survey is closed, and its marks are destroyed everywhere."""
        self.answers.clear()
        self.marks.clear()
        self.written.clear()
        self.closed = True


class AnswerPool:
    """The waiting answers and marks of every open survey, in this process."""

    def __init__(self) -> None:
        self._surveys: dict[str, Waiting] = {}

    def waiting(self, survey_id: str) -> Waiting:
        return self._surveys.setdefault(survey_id, Waiting())

    def has_mark(self, survey_id: str, digest: str) -> bool:
        found = self._surveys.get(survey_id)
        return found is not None and found.seen(digest)


_pools: weakref.WeakKeyDictionary[Engine, AnswerPool] = weakref.WeakKeyDictionary()


def pool_for(session: AsyncSession) -> AnswerPool:
    """The pool of the engine this session talks to (made on first use, never at import)."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    pool = _pools.get(engine)
    if pool is None:
        pool = _pools[engine] = AnswerPool()
    return pool


def new_response_key() -> bytes:
    """128 random bits: the key order of responses is a random permutation, whatever the arrival order."""
    return secrets.token_bytes(RESPONSE_KEY_BYTES)


def is_busy(exc: DBAPIError) -> bool:
    """A write that another writer held up, and that another try may get through."""
    words = str(exc.orig).lower()
    return any(w in words for w in ("database is locked", "database is busy", "deadlock", "serializ"))


async def retry_busy(work: Callable[[], Awaitable[T]], *, deadline: float) -> T:
    """Run `work` again while the database is busy, until `deadline` (time.monotonic); then raise."""
    pause = 0.01
    while True:
        try:
            return await work()
        except DBAPIError as exc:
            if not is_busy(exc) or time.monotonic() + pause > deadline:
                raise
        await asyncio.sleep(pause * (0.5 + _rng.random()))
        pause = min(pause * 2, 0.2)


async def _bounded_wait(session: AsyncSession, deadline: float) -> None:
    """On SQLite, wait for another writer no longer than the request has left (the default is 5 s)."""
    if session.get_bind().dialect.name == "sqlite":
        left_ms = max(1, int((deadline - time.monotonic()) * 1000))
        await session.execute(text(f"PRAGMA busy_timeout={left_ms}"))


async def write_answers(
    sessions: async_sessionmaker[AsyncSession], survey_id: str, answers: list[dict[str, Any]], deadline: float
) -> None:
    """One transaction: the answers, shuffled, each under a fresh random key. Nothing else."""
    batch = list(answers)
    _rng.shuffle(batch)

    async def attempt() -> None:
        async with sessions() as session:
            await _bounded_wait(session, deadline)
            rows = [{"id": new_response_key(), "survey_id": survey_id, "answers": a} for a in batch]
            await session.execute(insert(SurveyResponse), rows)
            await session.commit()

    await retry_busy(attempt, deadline=deadline)


async def write_marks(
    sessions: async_sessionmaker[AsyncSession], survey_id: str, marks: set[str], deadline: float
) -> None:
    """Another transaction: the marks, shuffled. Never the one that wrote their answers."""
    batch = sorted(marks)
    _rng.shuffle(batch)

    async def attempt() -> None:
        async with sessions() as session:
            await _bounded_wait(session, deadline)
            rows = [{"survey_id": survey_id, "digest": d} for d in batch]
            await session.execute(insert(SurveyParticipation), rows)
            await session.commit()

    await retry_busy(attempt, deadline=deadline)


async def flush(
    sessions: async_sessionmaker[AsyncSession], survey_id: str, waiting: Waiting, *, deadline: float
) -> bool:
    """Write what waits (the caller holds `waiting.lock`): answers first, then marks. True when both went.

    A busy database past the deadline leaves everything waiting for the next answer to try again:
    nothing is lost to a lock. Marks stay in memory until written, so a second answer is refused
    throughout.
    """
    try:
        if waiting.answers:
            await write_answers(sessions, survey_id, waiting.answers, deadline)
            waiting.answers.clear()
        if waiting.marks:
            await write_marks(sessions, survey_id, waiting.marks, deadline)
            waiting.written |= waiting.marks
            waiting.marks.clear()
    except DBAPIError as exc:
        if not is_busy(exc):
            raise
        return False
    return True
