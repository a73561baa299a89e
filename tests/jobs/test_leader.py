"""One scheduler, fenced: a lock on its own connection, re-checked, freed when its holder dies or freezes."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from jobs.leader import Leadership, LeaseTiming
from storage.db import create_engine

FAST = LeaseTiming(check_seconds=0.2, lease_seconds=1.0, retry_seconds=0.1)


class Watch:
    """Records when a Leadership's hooks were called."""

    def __init__(self) -> None:
        self.gained = asyncio.Event()
        self.lost = asyncio.Event()

    async def gain(self) -> None:
        self.lost.clear()
        self.gained.set()

    async def lose(self) -> None:
        self.gained.clear()
        self.lost.set()


async def test_only_one_process_leads_and_another_takes_over(db_url: str, engine: AsyncEngine) -> None:
    other_engine = create_engine(db_url)  # a second process has its own connection pool
    first, second = Leadership(engine, timing=FAST), Leadership(other_engine, timing=FAST)
    watch = Watch()
    try:
        assert await first.try_acquire()
        if engine.dialect.name != "postgresql":
            # SQLite serves one process: it is always the leader.
            assert await second.try_acquire()
            return
        assert not await second.try_acquire()
        waiting = asyncio.create_task(second.run(watch.gain, watch.lose))
        await asyncio.sleep(0.3)
        assert not watch.gained.is_set()
        await first.release()  # the holder stops: the lock goes with its session
        await asyncio.wait_for(watch.gained.wait(), timeout=5)
        assert second.held
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        assert watch.lost.is_set()  # a cancelled leader stops its jobs on the way out
    finally:
        await first.release()
        await second.release()
        await other_engine.dispose()


async def _lock_sessions(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        count = await conn.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'nudgebot scheduler lock'")
        )
    return int(count or 0)


async def test_the_lock_has_its_own_connection_outside_the_pool(postgres_url: str) -> None:
    engine = create_engine(postgres_url, pool_size=1, max_overflow=0, pool_timeout=1)
    leader = Leadership(engine, timing=FAST)
    try:
        before = await _lock_sessions(engine)
        assert await leader.try_acquire()
        # The pool's only connection is still free for requests while the lock is held.
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT 1")) == 1
        assert await _lock_sessions(engine) == before + 1
    finally:
        await leader.release()
        await engine.dispose()


async def test_a_leader_whose_lock_connection_is_killed_steps_down_and_a_follower_leads(
    postgres_url: str,
) -> None:
    engines = [create_engine(postgres_url), create_engine(postgres_url)]
    first, second = (Leadership(e, timing=FAST) for e in engines)
    first_watch, second_watch = Watch(), Watch()
    tasks = []
    try:
        tasks.append(asyncio.create_task(first.run(first_watch.gain, first_watch.lose)))
        await asyncio.wait_for(first_watch.gained.wait(), timeout=5)
        tasks.append(asyncio.create_task(second.run(second_watch.gain, second_watch.lose)))
        await asyncio.sleep(0.3)
        assert not second_watch.gained.is_set()
        # What a database restart does to the leader: its session is ended under it.
        async with engines[1].connect() as conn:
            await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = 'nudgebot scheduler lock' AND datname = current_database()"
                )
            )
        await asyncio.wait_for(first_watch.lost.wait(), timeout=2)
        await asyncio.wait_for(second_watch.gained.wait(), timeout=5)
        # Whichever process leads now, only one does.
        assert sum(1 for w in (first_watch, second_watch) if w.gained.is_set()) == 1
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await first.release()
        await second.release()
        for e in engines:
            await e.dispose()


async def test_a_frozen_leader_loses_the_lock_and_runs_nothing_when_it_wakes(postgres_url: str) -> None:
    engines = [create_engine(postgres_url), create_engine(postgres_url)]
    frozen, follower = (Leadership(e, timing=FAST) for e in engines)
    try:
        assert await frozen.try_acquire()
        assert not await follower.try_acquire()
        # Frozen: it sends nothing on its lock connection. The server ends that session after the
        # lease (idle_session_timeout), so the lock is free although the process never died.
        deadline = time.monotonic() + 5
        while not await follower.try_acquire():
            assert time.monotonic() < deadline, "the follower never got the lock of a frozen leader"
            await asyncio.sleep(0.1)
        # Woken: it has not been confirmed within its lease, so it knows it may not lead.
        assert not frozen.held
        assert not await frozen.confirm()
        assert await follower.confirm()
    finally:
        await frozen.release()
        await follower.release()
        for e in engines:
            await e.dispose()
