"""What the database's own journal and files say about who answered what (issue 13, item 2).

On a private PostgreSQL cluster (never the shared test server) and a SQLite file: 200 people answer a
survey with a canary text each, the survey closes, and the test reads the write-ahead log and the raw
files as an administrator with a copy would, knowing the survey's key (it is in the same database):
- no transaction writes both an answer and a mark (`pg_waldump`);
- answers reach the log only in batches of at least the survey's minimum, and inside a batch the log
  order does not follow the order people answered in (|rho| < 0.3, pooled over the batches);
- pairing the log order of answers with the log order of marks attributes about one answer in a
  batch's size rightly, as chance would, never most of them;
- after close, no relation or index file holds the key or any mark, and the responses' file order does
  not follow the answer order.
The controls write the same answers as the first edition did (answer and mark in one transaction each)
and show the same checks catch it. 200 rather than 50 answers: with 50, a random order passes
|rho| < 0.3 only 96% of the time; with 200 (20 batches of 10), all but once in ten thousand runs.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import storage.surveys as store
from storage.clock import FixedClock
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import SurveyKey, SurveyParticipation, SurveyResponse
from storage.surveys import QuestionSpec, SurveySpec, respondent_digest
from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.survey_helpers import MAX_ABS_RHO, spearman
from tests.support.survey_journal import (
    Reading,
    batches_in_log,
    canary,
    first_offsets,
    inserts_by_transaction,
    wal_stream,
)

N = 200
MINIMUM = 10
# Chance pairs about N / MINIMUM rightly (20, with a standard deviation near 4.2); 50 is seven away.
MAX_PAIRED = N // 4
SPEC = SurveySpec(
    title="Experience of ethnic minority staff",
    intro="",
    audience_kind="everyone",
    audience_value="",
    closes_on=date(2024, 10, 18),
    min_answers=MINIMUM,
    questions=(QuestionSpec("scale", "How safe do you feel?"), QuestionSpec("text", "What should change?")),
)


def _answer(i: int) -> dict[str, Any]:
    return {"1": 1 + i % 5, "2": canary(i)}


async def _open_survey(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> tuple[str, bytes]:
    async with sessions() as session:
        survey = await store.create_survey(session, spec=SPEC, created_by=None, now=clock.now())
        await session.commit()
        key = await session.scalar(select(SurveyKey.key).where(SurveyKey.survey_id == survey.id))
    assert key is not None
    return survey.id, key


async def _answer_all(sessions: async_sessionmaker[AsyncSession], survey_id: str) -> None:
    for i in range(N):
        await store.submit_answer(sessions, survey_id=survey_id, respondent=f"person:{i}", answers=_answer(i))


async def _answer_all_as_first_edition(
    sessions: async_sessionmaker[AsyncSession], survey_id: str, key: bytes
) -> None:
    """The control: each answer and its mark in one transaction, as issue 13 found on main."""
    for i in range(N):
        async with sessions() as session:
            digest = respondent_digest(key, f"person:{i}")
            await session.execute(insert(SurveyParticipation).values(survey_id=survey_id, digest=digest))
            await session.execute(
                insert(SurveyResponse).values(id=uuid.uuid4().bytes, survey_id=survey_id, answers=_answer(i))
            )
            await session.commit()


def _reading(stream: bytes, key: bytes) -> Reading:
    return Reading(
        answer_at=first_offsets(stream, [canary(i).encode() for i in range(N)]),
        mark_at=first_offsets(stream, [respondent_digest(key, f"person:{i}").encode() for i in range(N)]),
    )


@asynccontextmanager
async def _cluster_sessions(pg: PrivatePostgres) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    pg.psql("CREATE DATABASE nudgebot")
    engine = create_engine(pg.url_for("nudgebot"))
    try:
        await upgrade(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()


def _relfilenodes(pg: PrivatePostgres) -> dict[str, int]:
    out = pg.psql(
        "SELECT relname, relfilenode FROM pg_class WHERE relname IN "
        "('survey_responses', 'survey_participation', 'survey_keys')",
        database="nudgebot",
    )
    return {name: int(node) for name, node in (line.split("|") for line in out.split())}


def _waldump(pg: PrivatePostgres, start: str) -> str:
    end = pg.psql("SELECT pg_current_wal_lsn()").strip()
    return pg.run("pg_waldump", "-p", str(pg.wal_dir), "-s", start, "-e", end).stdout.decode()


def _raw_files(pg: PrivatePostgres) -> bytes:
    oid = pg.psql("SELECT oid FROM pg_database WHERE datname = 'nudgebot'").strip()
    return b"".join(p.read_bytes() for p in sorted((pg.data_dir / "base" / oid).iterdir()) if p.is_file())


@pytest.fixture
def pg() -> Iterator[PrivatePostgres]:
    with private_postgres() as cluster:
        yield cluster


async def test_postgres_wal_and_files_pair_no_answer_with_a_mark(
    pg: PrivatePostgres, clock: FixedClock
) -> None:
    async with _cluster_sessions(pg) as sessions:
        start = pg.psql("SELECT pg_current_wal_lsn()").strip()
        nodes = _relfilenodes(pg)
        survey_id, key = await _open_survey(sessions, clock)
        await _answer_all(sessions, survey_id)
        assert await store.close_survey(sessions, survey_id=survey_id, now=clock.now())
        async with sessions() as session:
            await store.scrub_after_close(session)
            assert await store.count_responses(session, survey_id=survey_id) == N
    pg.psql("CHECKPOINT")

    transactions = inserts_by_transaction(_waldump(pg, start), nodes)
    answers_in = [t.get("survey_responses", 0) for t in transactions.values()]
    assert sum(answers_in) == N, "every answer was written once while open"
    assert not [
        t for t in transactions.values() if t.get("survey_responses") and t.get("survey_participation")
    ]
    assert min(a for a in answers_in if a) >= MINIMUM

    reading = _reading(wal_stream(pg.wal_dir), key)
    batches = batches_in_log(reading.answer_at, reading.mark_at)
    assert len(batches) == N // MINIMUM and {len(b) for b in batches} == {MINIMUM}
    rho = reading.within_batch_rho(batches)
    assert abs(rho) < MAX_ABS_RHO, f"log order follows answer order inside batches: rho={rho:.3f}"
    assert reading.pairing_hits() <= MAX_PAIRED, f"{reading.pairing_hits()} of {N} paired rightly"

    raw = _raw_files(pg)
    assert raw.find(key) == -1, "the survey key is still in a relation or index file"
    assert not [i for i in range(N) if respondent_digest(key, f"person:{i}").encode() in raw]
    at = [raw.find(canary(i).encode()) for i in range(N)]
    assert min(at) >= 0, "the check reads the files that hold the answers"
    assert abs(spearman(sorted(range(N), key=lambda i: at[i]))) < MAX_ABS_RHO


async def test_the_postgres_checks_catch_the_first_edition(pg: PrivatePostgres, clock: FixedClock) -> None:
    async with _cluster_sessions(pg) as sessions:
        start = pg.psql("SELECT pg_current_wal_lsn()").strip()
        nodes = _relfilenodes(pg)
        survey_id, key = await _open_survey(sessions, clock)
        await _answer_all_as_first_edition(sessions, survey_id, key)
    transactions = inserts_by_transaction(_waldump(pg, start), nodes)
    together = [
        t for t in transactions.values() if t.get("survey_responses") and t.get("survey_participation")
    ]
    assert len(together) == N
    reading = _reading(wal_stream(pg.wal_dir), key)
    assert reading.pairing_hits() > MAX_PAIRED
    assert reading.overall_rho() > 1 - MAX_ABS_RHO


def _keep_the_whole_wal(engine: Any) -> None:
    """No automatic checkpoint: the `-wal` keeps every frame, as a copy taken at the worst moment would."""

    def no_checkpoint(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.cursor().execute("PRAGMA wal_autocheckpoint=0")

    event.listen(engine.sync_engine, "connect", no_checkpoint)


async def _sqlite_reading(
    tmp_path: Path, clock: FixedClock, *, first_edition: bool
) -> tuple[Reading, bytes, Path]:
    path = tmp_path / f"journal-{uuid.uuid4().hex[:6]}.db"
    engine = create_engine(f"sqlite:///{path}")
    _keep_the_whole_wal(engine)
    sessions = session_factory(engine)
    try:
        await upgrade(engine)
        survey_id, key = await _open_survey(sessions, clock)
        if first_edition:
            await _answer_all_as_first_edition(sessions, survey_id, key)
        else:
            await _answer_all(sessions, survey_id)
        wal = Path(f"{path}-wal").read_bytes()
        if not first_edition:
            assert await store.close_survey(sessions, survey_id=survey_id, now=clock.now())
            async with sessions() as session:
                await store.scrub_after_close(session)
    finally:
        await engine.dispose()
    return _reading(wal, key), key, path


async def test_sqlite_wal_pairs_no_answer_with_a_mark(tmp_path: Path, clock: FixedClock) -> None:
    reading, key, path = await _sqlite_reading(tmp_path, clock, first_edition=False)
    batches = batches_in_log(reading.answer_at, reading.mark_at)
    assert min(len(b) for b in batches) >= MINIMUM
    rho = reading.within_batch_rho(batches)
    assert abs(rho) < MAX_ABS_RHO, f"the -wal's order follows answer order inside batches: rho={rho:.3f}"
    assert reading.pairing_hits() <= MAX_PAIRED
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert raw.find(key) == -1
    assert not [i for i in range(N) if respondent_digest(key, f"person:{i}").encode() in raw]
    assert canary(N - 1).encode() in raw


async def test_the_sqlite_checks_catch_the_first_edition(tmp_path: Path, clock: FixedClock) -> None:
    reading, _key, _path = await _sqlite_reading(tmp_path, clock, first_edition=True)
    assert reading.pairing_hits() > MAX_PAIRED
    assert reading.overall_rho() > 1 - MAX_ABS_RHO
