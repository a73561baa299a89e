"""Where a slash command's time goes, in process: cProfile over /commitments KEY, look-ups remembered or not.

The same seeded database as `benchmarks.load` (500 actions, 5,000 people, 200,000 evidence rows, SQLite).
Prints the statements and milliseconds per command and the functions with the most cumulative time, first
with `storage.read_cache` turned off (every look-up asks the database, as before it existed), then on.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from benchmarks.commitments_lookup import NOW, seed
from benchmarks.load import link_everyone
from handlers.context import Channels, Deps
from handlers.features import build_router
from handlers.identity import resolve_actor
from storage import read_cache
from storage.clock import FixedClock
from storage.db import create_engine, session_factory
from storage.migrate import upgrade

RUNS, TOP = 200, 8
ROOT = str(Path(__file__).resolve().parents[1]) + "/"


async def _profile(deps: Deps, users: list[str], keys: list[str], statements: list[str]) -> None:
    router = build_router()
    for n in range(20):  # warm: the remembered answers, the driver's statement cache
        actor = await resolve_actor(deps, "slack", users[n])
        await router.on_command(deps, actor, "commitments", keys[n % len(keys)])
    statements.clear()
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for n in range(RUNS):
        actor = await resolve_actor(deps, "slack", users[n % 20])
        await router.on_command(deps, actor, "commitments", keys[n % 20])
    profile.disable()
    per = (time.perf_counter() - started) * 1000 / RUNS
    print(f"  {per:.2f} ms and {len(statements) / RUNS:.1f} SQL statements per /commitments KEY (profiled)")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(TOP + 12)
    root = ROOT
    rows = [line for line in out.getvalue().splitlines() if root in line]
    for line in rows[:TOP]:
        # Paths relative to the repository or to site-packages, so the figures read the same anywhere.
        print("   ", line.strip().replace(root, "").split("site-packages/")[-1][:140])


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'profile.db'}")
        try:
            await upgrade(engine)
            await seed(engine)
            users, keys = await link_everyone(engine)
            statements: list[str] = []
            event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))
            sessions, clock = session_factory(engine), FixedClock(NOW)
            deps = Deps(sessions=sessions, clock=clock, channels=Channels("C1", "C2"))
            for remembered in (False, True):
                read_cache.set_enabled(remembered)
                print(f"look-ups {'remembered' if remembered else 'asked of the database every time'}:")
                await _profile(deps, users, keys, statements)
        finally:
            read_cache.set_enabled(True)
            await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
