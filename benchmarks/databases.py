"""Where benchmarks run: a throw-away SQLite file always, and a throw-away PostgreSQL database when
NUDGEBOT_TEST_POSTGRES_URL names a server (as `make bench` arranges)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text

from storage.db import create_engine, normalise_url

Measure = Callable[[str, str], Awaitable[None]]


async def on_sqlite_and_postgres(measure: Measure) -> None:
    """Call `measure(url, label)` on a fresh SQLite file, then on a fresh PostgreSQL database."""
    with tempfile.TemporaryDirectory() as tmp:
        await measure(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite")
    admin = os.environ.get("NUDGEBOT_TEST_POSTGRES_URL")
    if not admin:
        print("PostgreSQL: skipped (set NUDGEBOT_TEST_POSTGRES_URL)")
        return
    name = f"nudgebot_bench_{uuid.uuid4().hex[:8]}"
    root = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        async with root.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            await measure(
                normalise_url(admin).set(database=name).render_as_string(hide_password=False), "PostgreSQL"
            )
        finally:
            async with root.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await root.dispose()
