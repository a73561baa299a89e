"""Exactly one scheduler: on PostgreSQL the process holding an advisory lock; on SQLite, this process.

The lock lives on a dedicated connection of its own (outside the request pool, so a busy pool can
neither starve it nor hand it to a request). Fencing, so that two schedulers never run at once:

- the leader re-checks the lock every `check_seconds` and stops the moment a check fails or times out;
- the server ends the lock connection when it has been silent for `lease_seconds`
  (`idle_session_timeout`), which frees the lock of a leader that is frozen (SIGSTOP, a stalled VM)
  as well as one that died, so a follower retrying every `retry_seconds` takes over;
- a job asks `confirm()` before it runs: a leader that has not heard from its lock connection within
  the lease (it was frozen, say) knows without asking that the lock may be gone, and runs nothing.

Acquiring is retried for ever: every `retry_seconds` while another process leads, with a doubling
back-off (up to four times that) while the database cannot be reached.
SQLite serves one process (DESIGN §6), so there the caller is always the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.db import postgres_connect_args

log = logging.getLogger(__name__)

# An arbitrary constant naming "the nudgebot scheduler" among advisory locks (ASCII "nudg").
SCHEDULER_LOCK_KEY = 0x6E756467

_HOLDS_LOCK = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
    " AND classid = 0 AND objid = :key AND granted"
)


@dataclass(frozen=True)
class LeaseTiming:
    """How often the leader re-checks, how long a silent lock connection lives, how often to retry."""

    check_seconds: float = 3.0
    lease_seconds: float = 15.0
    retry_seconds: float = 5.0


Hook = Callable[[], Awaitable[None]]


class Leadership:
    """Who runs the scheduler. `run(on_gain, on_loss)` keeps trying for the life of the process."""

    def __init__(
        self, engine: AsyncEngine, *, timing: LeaseTiming | None = None, key: int = SCHEDULER_LOCK_KEY
    ) -> None:
        self._url: URL = engine.url
        self._postgres = engine.dialect.name == "postgresql"
        self._timing = timing or LeaseTiming()
        self._key = key
        self._lock_engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None
        self._last_ok = 0.0
        # One statement at a time on the one lock connection (checks come from the loop and from jobs).
        self._io = asyncio.Lock()

    @property
    def held(self) -> bool:
        """Whether this process leads, as far as it knew at its last check within the lease."""
        if not self._postgres:
            return True
        return self._connection is not None and self._within_lease()

    def _within_lease(self) -> bool:
        # A margin of one check: the server may end the connection at exactly `lease_seconds` of silence.
        return time.monotonic() - self._last_ok < self._timing.lease_seconds - self._timing.check_seconds

    def _engine(self) -> AsyncEngine:
        if self._lock_engine is None:
            timing = self._timing
            self._lock_engine = create_async_engine(
                self._url,
                poolclass=NullPool,
                isolation_level="AUTOCOMMIT",
                connect_args=postgres_connect_args(
                    timing.check_seconds,
                    timing.check_seconds,
                    idle_session_timeout=str(int(timing.lease_seconds * 1000)),
                    application_name="nudgebot scheduler lock",
                ),
            )
        return self._lock_engine

    async def try_acquire(self) -> bool:
        """Take the lock if it is free; True if this process now leads. Raises if the database is down."""
        if not self._postgres or self._connection is not None:
            return True
        async with self._io:
            connection = await self._engine().connect()
            try:
                got = bool(
                    await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
                )
            except BaseException:
                await _close_quietly(connection)
                raise
            if not got:
                await _close_quietly(connection)
                return False
            self._connection = connection
            self._last_ok = time.monotonic()
            return True

    async def confirm(self) -> bool:
        """Ask the server now whether this process still holds the lock; False (and let go) if not."""
        if not self._postgres:
            return True
        connection = self._connection
        if connection is None:
            return False
        if not self._within_lease():
            log.warning("the scheduler lock was not confirmed within its lease; stepping down")
            await self._drop()
            return False
        try:
            async with self._io:
                count = await asyncio.wait_for(
                    connection.scalar(_HOLDS_LOCK, {"key": self._key}), self._timing.check_seconds
                )
        except Exception as exc:
            log.warning("lost the scheduler lock connection (%s); stepping down", type(exc).__name__)
            await self._drop()
            return False
        if not count:
            log.warning("the scheduler lock is no longer held; stepping down")
            await self._drop()
            return False
        self._last_ok = time.monotonic()
        return True

    async def run(self, on_gain: Hook, on_loss: Hook) -> None:
        """Lead whenever possible, for ever: `on_gain` when the lock is won, `on_loss` when it goes."""
        failures = 0
        while True:
            try:
                got = await self.try_acquire()
                failures = 0
            except Exception as exc:
                if failures == 0:
                    log.warning("cannot reach the database for the scheduler lock (%s)", type(exc).__name__)
                failures += 1
                await asyncio.sleep(self._backoff(failures))
                continue
            if not got:
                await asyncio.sleep(self._timing.retry_seconds)
                continue
            log.info("this process runs the scheduler")
            try:
                await on_gain()
                while self._connection is not None:
                    await asyncio.sleep(self._timing.check_seconds)
                    if not await self.confirm():
                        break
            finally:
                # Cancelled (shutdown) or lost: stop the jobs either way; `release` lets go of the lock.
                await on_loss()
            await asyncio.sleep(self._timing.retry_seconds)

    def _backoff(self, failures: int) -> float:
        return float(min(self._timing.retry_seconds * 2 ** (failures - 1), 4 * self._timing.retry_seconds))

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await _close_quietly(connection)

    async def release(self) -> None:
        """Let go of the lock (on shutdown) so a follower takes over at its next try."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}),
                    self._timing.check_seconds,
                )
            await _close_quietly(connection)
        if self._lock_engine is not None:
            await self._lock_engine.dispose()
            self._lock_engine = None


async def _close_quietly(connection: AsyncConnection) -> None:
    # A connection the server already ended cannot be closed cleanly; it is gone either way.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(connection.close(), 2.0)
