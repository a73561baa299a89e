"""Survey storage on SQLite and PostgreSQL: one answer each, no arrival order, no trace of who at close."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import storage.surveys as store
from storage.clock import FixedClock
from storage.db import create_engine, session_factory
from storage.models import SurveyKey, SurveyParticipation, SurveyResponse
from storage.survey_tally import tally
from storage.surveys import AnswerOutcome, QuestionSpec, SurveySpec
from tests.support.survey_helpers import MAX_ABS_RHO, physical_order, scan_order, spearman

N = 200


def _spec(min_answers: int = 10) -> SurveySpec:
    return SurveySpec(
        title="How safe do you feel?",
        intro="Five minutes, anonymous.",
        audience_kind="everyone",
        audience_value="",
        closes_on=date(2024, 10, 18),
        min_answers=min_answers,
        questions=(
            QuestionSpec("scale", "How safe do you feel raising concerns?"),
            QuestionSpec("text", "What should change?"),
        ),
    )


async def _survey_with_answers(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, n: int, min_answers: int = 10
) -> str:
    async with sessions() as session:
        survey = await store.create_survey(session, spec=_spec(min_answers), created_by=None, now=clock.now())
        await session.commit()
    for i in range(n):
        outcome = await store.submit_answer(
            sessions, survey_id=survey.id, respondent=f"person:{i}", answers={"1": 1 + i % 5, "2": f"n{i}"}
        )
        # Every `min_answers`-th answer completes a batch and is stored; the others wait in the pool.
        expected = AnswerOutcome.STORED if (i + 1) % min_answers == 0 else AnswerOutcome.RECEIVED
        assert outcome is expected
    return survey.id


def _submission_indexes(rows: list[dict[str, object]]) -> list[int]:
    return [int(str(r["2"])[1:]) for r in rows]


async def _orders(session: AsyncSession, survey_id: str) -> dict[str, list[int]]:
    return {
        "storage (B-tree/ctid)": _submission_indexes(await physical_order(session, survey_id)),
        "plain SELECT": _submission_indexes(await scan_order(session, survey_id)),
        "ORDER BY id": _submission_indexes(await scan_order(session, survey_id, "id")),
    }


@pytest.mark.postgres
async def test_stored_order_says_nothing_about_answer_order(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    survey_id = await _survey_with_answers(sessions, clock, N)
    async with sessions() as session:
        open_orders = await _orders(session, survey_id)
        postgres = session.get_bind().dialect.name == "postgresql"
    assert await store.close_survey(sessions, survey_id=survey_id, now=clock.now())
    async with sessions() as session:
        await store.scrub_after_close(session)
    async with sessions() as session:
        closed_orders = await _orders(session, survey_id)
        assert await store.count_responses(session, survey_id=survey_id) == N
    # While open, PostgreSQL's heap holds the batches in the order they were written (each shuffled
    # inside): only key order is random there until close rewrites the table. SQLite has no rowid.
    checked = {f"open, {k}": v for k, v in open_orders.items() if not postgres or k == "ORDER BY id"}
    checked |= {f"closed, {k}": v for k, v in closed_orders.items()}
    for label, order in checked.items():
        rho = spearman(order)
        assert abs(rho) < MAX_ABS_RHO, f"{label}: rho={rho:.3f}"
    assert len(checked) == (4 if postgres else 6)


@pytest.mark.postgres
async def test_without_the_shuffle_the_order_test_fails(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: answers written one at a time under increasing keys, and the check above sees it."""
    counter = iter(range(10**6))
    monkeypatch.setattr("storage.survey_pool.new_response_key", lambda: next(counter).to_bytes(16, "big"))
    monkeypatch.setattr("storage.survey_scrub.new_response_key", lambda: next(counter).to_bytes(16, "big"))
    survey_id = await _survey_with_answers(sessions, clock, N, min_answers=5)
    async with sessions() as session:
        order = _submission_indexes(await scan_order(session, survey_id, "id"))
    # Batches of 5, shuffled inside, under increasing keys: nearly the arrival order.
    assert spearman(order) > 1 - MAX_ABS_RHO


@pytest.mark.postgres
async def test_an_answer_rewrites_no_other_row(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """Constant cost: the keys stored before a batch are all still there after it."""
    survey_id = await _survey_with_answers(sessions, clock, 20)
    async with sessions() as session:
        before = set((await session.scalars(select(SurveyResponse.id))).all())
    await _more_answers(sessions, survey_id, range(20, 30))
    async with sessions() as session:
        after = set((await session.scalars(select(SurveyResponse.id))).all())
    assert before < after
    assert len(after - before) == 10
    assert {len(k) for k in after} == {16}


async def _more_answers(sessions: async_sessionmaker[AsyncSession], survey_id: str, people: range) -> None:
    for i in people:
        await store.submit_answer(
            sessions, survey_id=survey_id, respondent=f"person:{i}", answers={"1": 1 + i % 5, "2": f"n{i}"}
        )


@pytest.mark.postgres
async def test_one_answer_each_and_close_destroys_who_answered(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    survey_id = await _survey_with_answers(sessions, clock, 13)
    # person:11 and person:12 wait in the pool: refused a second answer all the same.
    for who in ("person:1", "person:12"):
        again = await store.submit_answer(sessions, survey_id=survey_id, respondent=who, answers={"1": 5})
        assert again is AnswerOutcome.ALREADY_ANSWERED
    async with sessions() as session:
        assert await store.has_answered(session, survey_id=survey_id, respondent="person:2")
        assert await store.has_answered(session, survey_id=survey_id, respondent="person:12")
        assert not await store.has_answered(session, survey_id=survey_id, respondent="person:99")
        assert await session.scalar(select(func.count()).select_from(SurveyParticipation)) == 10
        assert await store.count_responses(session, survey_id=survey_id) == 10
        assert await store.waiting_count(session, survey_id=survey_id) == 3

    assert await store.close_survey(sessions, survey_id=survey_id, now=clock.now())
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SurveyParticipation)) == 0
        assert await session.scalar(select(func.count()).select_from(SurveyKey)) == 0
        # The three that waited are stored by the close.
        assert await store.count_responses(session, survey_id=survey_id) == 13
    late = await store.submit_answer(sessions, survey_id=survey_id, respondent="person:70", answers={"1": 1})
    assert late is AnswerOutcome.CLOSED
    # Closing twice does nothing the second time.
    assert not await store.close_survey(sessions, survey_id=survey_id, now=clock.now())
    unknown = await store.submit_answer(sessions, survey_id="nosuch", respondent="person:7", answers={})
    assert unknown is AnswerOutcome.UNKNOWN
    async with sessions() as session:
        assert await store.count_responses(session, survey_id=survey_id) == 13
        stored = (await session.scalars(select(SurveyResponse))).all()
    assert {len(r.id) for r in stored} == {16}
    assert {c.name for c in SurveyResponse.__table__.columns} == {"id", "survey_id", "answers"}


@pytest.mark.postgres
async def test_closing_one_survey_keeps_another_open_surveys_marks(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    first = await _survey_with_answers(sessions, clock, 10)
    second = await _survey_with_answers(sessions, clock, 10)
    assert await store.close_survey(sessions, survey_id=first, now=clock.now())
    async with sessions() as session:
        assert await store.has_answered(session, survey_id=second, respondent="person:3")
        assert await store.count_responses(session, survey_id=second) == 10
        assert await store.count_responses(session, survey_id=first) == 10
    again = await store.submit_answer(sessions, survey_id=second, respondent="person:3", answers={"1": 2})
    assert again is AnswerOutcome.ALREADY_ANSWERED


@pytest.mark.postgres
async def test_tally_counts_and_shuffles_free_text(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    survey_id = await _survey_with_answers(sessions, clock, 12)
    assert await store.close_survey(sessions, survey_id=survey_id, now=clock.now())
    async with sessions() as session:
        survey = await store.get_survey(session, survey_id=survey_id)
        assert survey is not None
        result = await tally(session, survey=survey)
    assert result.count == 12
    assert result.scales[1] == {"1": 3, "2": 3, "3": 2, "4": 2, "5": 2}
    assert sorted(result.texts[2]) == sorted(f"n{i}" for i in range(12))


async def test_sqlite_file_keeps_no_copy_of_the_key_or_the_hashes(sqlite_url: str, clock: FixedClock) -> None:
    """secure_delete and the checkpoint after close: the raw database files no longer hold who answered."""
    engine = create_engine(sqlite_url)
    sessions = session_factory(engine)
    try:
        survey_id = await _survey_with_answers(sessions, clock, 20)
        async with sessions() as session:
            key = await session.scalar(select(SurveyKey.key))
            digests = (await session.scalars(select(SurveyParticipation.digest))).all()
        assert await store.close_survey(sessions, survey_id=survey_id, now=clock.now())
        async with sessions() as session:
            await store.scrub_after_close(session)
    finally:
        await engine.dispose()
    assert key is not None
    assert len(digests) == 20
    path = Path(sqlite_url.split("///", 1)[1])
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert raw.find(key) == -1, "the survey key is still in the database files"
    assert not [d for d in digests if d.encode() in raw]
    assert b"n19" in raw  # the answers themselves are still there: the check reads the right files


@pytest.mark.postgres
async def test_a_backup_copy_stripped_of_survey_secrets_cannot_tell_who_answered(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """What a backup removes from its copy: keys and marks go, answers stay, the survey takes no more."""
    survey_id = await _survey_with_answers(sessions, clock, 10)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SurveyParticipation)) == 10
        await store.strip_survey_secrets(session)
        await session.commit()
    async with sessions() as session:
        for table in store.BACKUP_EXCLUDED_TABLES:
            assert await session.scalar(text(f"SELECT count(*) FROM {table}")) == 0  # noqa: S608
        assert await store.count_responses(session, survey_id=survey_id) == 10
    refused = await store.submit_answer(
        sessions, survey_id=survey_id, respondent="person:50", answers={"1": 3}
    )
    assert refused is AnswerOutcome.CLOSED
