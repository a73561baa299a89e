"""How long /commitments KEY takes in the handler: 500 actions, 5,000 people, 200,000 evidence rows.

Run: `NUDGEBOT_TEST_POSTGRES_URL=$(bash scripts/test-postgres.sh) .venv/bin/python -m
benchmarks.commitments_lookup` (SQLite always; PostgreSQL too when that variable is set). Prints the
median and 95th percentile of the Router call alone (no chat platform), the statements one look-up
issues, and the database's plan for the latest-evidence query.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.databases import on_sqlite_and_postgres
from handlers.context import Actor, Channels, Deps
from handlers.features import build_router
from storage.clock import FixedClock
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import (
    Action,
    ActionOwner,
    ActionStep,
    Evidence,
    Measure,
    Objective,
    Outcome,
    Person,
    Plan,
)

ACTIONS, PEOPLE, EVIDENCE, RUNS = 500, 5_000, 200_000, 300
NOW = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)
CHUNK = 10_000


async def _rows(engine: AsyncEngine, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    async with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            result = await conn.execute(
                insert(model).returning(model.id, sort_by_parameter_order=True), rows[start : start + CHUNK]
            )
            ids += [r[0] for r in result.all()]
    return ids


async def _plain(engine: AsyncEngine, model: Any, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            await conn.execute(insert(model), rows[start : start + CHUNK])


async def seed(engine: AsyncEngine) -> None:
    rnd = random.Random(7)
    [plan] = await _rows(
        engine,
        Plan,
        [
            dict(
                key="bench",
                name="Bench plan",
                starts=date(2024, 4, 1),
                ends=date(2025, 3, 31),
                created_at=NOW,
                updated_at=NOW,
            )
        ],
    )
    objectives = await _rows(
        engine,
        Objective,
        [
            dict(plan_id=plan, key=k, name=k.title(), position=i)
            for i, k in enumerate(("INF", "VOI", "SUP", "ORG"))
        ],
    )
    emails = [f"person{i}@example.org" for i in range(PEOPLE)]
    await _plain(
        engine,
        Person,
        [dict(email=e, name=f"Person {i}", created_at=NOW, updated_at=NOW) for i, e in enumerate(emails)],
    )
    action_ids = await _rows(
        engine,
        Action,
        [
            dict(
                plan_id=plan,
                objective_id=objectives[i % 4],
                key=f"{('INF', 'VOI', 'SUP', 'ORG')[i % 4]}-{i // 4 + 1}",
                title=f"Action {i}: build race equality into programme {i}",
                position=i,
                created_at=NOW,
                updated_at=NOW,
            )
            for i in range(ACTIONS)
        ],
    )
    for model in (ActionStep, Outcome):
        await _plain(
            engine,
            model,
            [
                dict(action_id=a, position=p, text=f"{model.__name__} {p} of {a}")
                for a in action_ids
                for p in range(3)
            ],
        )
    await _plain(
        engine,
        Measure,
        [
            dict(action_id=a, position=p, text=f"Measure {p}", kind="count", target="two a quarter")
            for a in action_ids
            for p in range(3)
        ],
    )
    await _plain(
        engine,
        ActionOwner,
        [
            dict(action_id=a, email=e, position=p)
            for a in action_ids
            for p, e in enumerate(rnd.sample(emails, 2))
        ],
    )
    await _plain(
        engine,
        Evidence,
        [
            dict(
                action_id=rnd.choice(action_ids),
                author_name="Person",
                status="on_track",
                narrative="Met them; notes attached.",
                links=["https://example.org/n"],
                channel="slack",
                created_at=NOW - timedelta(minutes=rnd.randrange(525_600)),
            )
            for _ in range(EVIDENCE)
        ],
    )


async def measure(url: str, label: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        started = time.perf_counter()
        await seed(engine)
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        print(f"{label}: seeded in {time.perf_counter() - started:.1f}s")
        deps = Deps(sessions=session_factory(engine), clock=FixedClock(NOW), channels=Channels("C1", "C2"))
        router, actor = build_router(), Actor(platform="slack", platform_user_id="U1")
        keys = [f"{k}-{n}" for k in ("INF", "VOI", "SUP", "ORG") for n in range(1, ACTIONS // 4 + 1)]
        statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))
        timings = []
        for i in range(RUNS):
            statements.clear()
            start = time.perf_counter()
            response = await router.on_command(deps, actor, "commitments", keys[i % len(keys)])
            timings.append((time.perf_counter() - start) * 1000)
            assert "pieces of evidence" in str(response.message)
        median, p95 = statistics.median(timings), statistics.quantiles(timings, n=20)[18]
        print(
            f"{label}: /commitments KEY median {median:.2f} ms, p95 {p95:.2f} ms, "
            f"{len(statements)} statements"
        )
        latest = "SELECT * FROM evidence WHERE action_id = 17 ORDER BY created_at DESC, id DESC LIMIT 1"
        explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
        async with engine.connect() as conn:
            plan_rows = await conn.execute(text(explain + latest))
            print(f"{label}: latest evidence plan: " + " | ".join(str(r[-1]) for r in plan_rows.all()))
    finally:
        await engine.dispose()


async def main() -> None:
    await on_sqlite_and_postgres(measure)


if __name__ == "__main__":
    asyncio.run(main())
