"""`nudgebot backup` and `nudgebot restore`, as real processes on both databases.

Backup → restore into an empty database gives every table equal, except that an open survey's key
and who-answered marks are never in a backup; files are 0600; pg_dump never sees the password in its
argv; restore refuses a database that holds anything; a read-only database or a full disk is one line.
"""

from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli.problems import DISK_FULL, database_problem, file_problem
from storage.backup_scope import tables_left_out
from storage.db import create_engine, normalise_url, session_factory
from storage.models import Base, SurveyKey, SurveyParticipation
from storage.surveys import AnswerOutcome, QuestionSpec, SurveySpec, create_survey, submit_answer
from tests.bot.test_cli import REPO, nudgebot
from tests.support.dbdump import dump
from tests.support.jobs_support import seed

NOW = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)


async def _fill(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    await seed(sessions)
    spec = SurveySpec(
        title="Pulse check",
        intro="",
        audience_kind="everyone",
        audience_value="",
        closes_on=date(2024, 10, 21),
        min_answers=5,
        questions=(QuestionSpec(kind="scale", prompt="How safe do you feel speaking up?"),),
    )
    async with sessions() as session, session.begin():
        survey = await create_survey(session, spec=spec, created_by=None, now=NOW)
    # Answers reach the database in batches of the survey's minimum (storage.survey_pool): five.
    outcomes = [
        await submit_answer(sessions, survey_id=survey.id, respondent=f"U12{n}", answers={"1": 4})
        for n in range(5)
    ]
    assert outcomes[-1] is AnswerOutcome.STORED


@pytest.fixture
def empty_target(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as `db_url`: a new SQLite path, or a PostgreSQL database emptied."""
    if db_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'nudgebot.db'}"
        return
    yield from _emptied_postgres(db_url)


def _emptied_postgres(db_url: str) -> Iterator[str]:
    # Another database on the same server, made from nothing (template0), dropped afterwards.
    url = normalise_url(db_url)
    name = f"{url.database}_restore"

    async def run(sql: str) -> None:
        admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                await conn.execute(text(sql))
        finally:
            await admin.dispose()

    asyncio.run(run(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _recording_pg_tools(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """PATH with pg_dump/pg_restore wrappers that log their argv and whether PGPASSWORD was set."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "argv.log"
    for tool in ("pg_dump", "pg_restore"):
        real = next(
            str(Path(d) / tool) for d in os.environ["PATH"].split(os.pathsep) if (Path(d) / tool).exists()
        )
        wrapper = bin_dir / tool
        wrapper.write_text(
            f'#!/bin/sh\necho "$0 $* PGPASSWORD=${{PGPASSWORD:+set}}" >> {log}\nexec {real} "$@"\n'
        )
        wrapper.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}, log


async def test_backup_then_restore_gives_every_table_equal_without_survey_secrets(
    db_url: str, engine: AsyncEngine, empty_target: str, tmp_path: Path
) -> None:
    await _fill(engine)
    env, argv_log = _recording_pg_tools(tmp_path)
    out = tmp_path / "backups" / "nudgebot.bak"
    made = nudgebot("backup", "--out", str(out), db_url=db_url, cwd=tmp_path, **env)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not list(out.parent.glob(".*partial"))

    restored = nudgebot("restore", str(out), db_url=empty_target, cwd=tmp_path, **env)
    assert restored.returncode == 0, restored.stderr

    # The source still holds the open survey's key and mark; the backup never did.
    async with engine.begin() as conn:
        assert await conn.scalar(select(func.count()).select_from(SurveyKey)) == 1
        assert await conn.scalar(select(func.count()).select_from(SurveyParticipation)) == 5
        for table in Base.metadata.sorted_tables:
            if table.name in tables_left_out():
                await conn.execute(delete(table))
    target = create_engine(empty_target)
    try:
        assert await dump(target) == await dump(engine)
    finally:
        await target.dispose()

    if db_url.startswith("postgres"):
        password = normalise_url(db_url).password
        logged = argv_log.read_text()
        assert "pg_dump" in logged
        assert "pg_restore" in logged
        assert "PGPASSWORD=set" in logged
        assert password
        assert f":{password}@" not in logged  # (this password equals the user name)
    else:
        raw = out.read_bytes()
        async with engine.connect() as conn:
            name = await conn.scalar(text("SELECT name FROM people ORDER BY id LIMIT 1"))
        assert str(name).encode() in raw  # a control: the scan would find what it looks for
        assert not (out.parent / f"{out.name}-wal").exists()


async def test_restore_refuses_a_database_that_holds_anything(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "b.bak"
    assert nudgebot("backup", "--out", str(out), db_url=db_url, cwd=tmp_path).returncode == 0
    refused = nudgebot("restore", str(out), db_url=db_url, cwd=tmp_path)
    assert refused.returncode == 1
    assert "restore only into an empty database" in refused.stderr
    assert "Traceback" not in refused.stderr


async def test_a_read_only_database_is_one_line(sqlite_url: str, tmp_path: Path) -> None:
    path = normalise_url(sqlite_url).database
    read_only = f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"
    people = REPO / "people" / "demo-people.csv"
    result = nudgebot("people", "import", str(people), db_url=read_only, cwd=tmp_path)
    assert result.returncode == 1
    assert "read-only" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_full_disk_is_named_plainly() -> None:
    # A real ENOSPC from the kernel, and a real SQLITE_FULL from a database capped at its size.
    with pytest.raises(OSError, match="No space left") as full, open("/dev/full", "wb") as sink:
        sink.write(b"x")
        sink.flush()
    assert full.value.errno == errno.ENOSPC
    assert DISK_FULL in file_problem(full.value, Path("/backups/x"))

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (x TEXT)")
    db.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as capped:
        for _ in range(100):
            db.execute("INSERT INTO t VALUES (?)", ("an answer " * 100,))
    assert "full" in database_problem(capped.value)
    assert "an answer" not in database_problem(capped.value)
