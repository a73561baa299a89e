"""Survey storage: create, take each person's answer once without recording who, close, and count.

The rules are DESIGN §5 and issues 5 and 13. What carries the anonymity:
- a response row is (random 128-bit key, survey id, answers): no person, platform id or time;
- answers and who-answered marks reach the database only in shuffled batches of at least the survey's
  minimum, answers and marks in separate transactions (`storage.survey_pool`), so neither the journal
  nor the tables pair an answer with a mark or keep arrival order inside a batch; an answer costs the
  same however many are stored (no other row is rewritten);
- storage order is key order on SQLite (no rowid); on PostgreSQL close rewrites the tables once, shuffled;
- who has answered is HMAC(survey key, person), kept only while the survey is open; close deletes the
  key and those hashes in the same transaction that closes the survey.

Nothing here logs. Callers commit.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from storage.models import Survey, SurveyKey, SurveyParticipation, SurveyQuestion, SurveyResponse
from storage.models.surveys import MIN_ANSWERS_FLOOR
from storage.survey_pool import ANSWER_BUDGET_S, flush, pool_for, retry_busy, write_answers
from storage.survey_scrub import rewrite_at_close

# Rows that must never leave the database in a backup: an open survey's key and who-answered marks
# (issue 13 item 6). A restored copy without them cannot re-identify anyone; an open survey restored
# from it takes no more answers until it is closed (`strip_survey_secrets`).
BACKUP_EXCLUDED_TABLES = ("survey_keys", "survey_participation")

# A close may wait longer than an answer for a busy database: nobody's form is waiting on it.
CLOSE_BUDGET_S = 30.0

# Short ids people can type: no 0/o, 1/l/i.
ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ID_LENGTH = 6
KEY_BYTES = 32

QUESTION_KINDS = ("scale", "choice", "text")
SCALE_VALUES = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    prompt: str
    options: tuple[str, ...] = ()
    low_label: str = ""
    high_label: str = ""
    # The self-description question ("Do you identify as …?"): results break down by its answer.
    describes_group: bool = False


@dataclass(frozen=True)
class SurveySpec:
    title: str
    intro: str
    audience_kind: str
    audience_value: str
    closes_on: date
    min_answers: int
    questions: tuple[QuestionSpec, ...]
    recurrence: str = ""
    measure_id: int | None = None


class AnswerOutcome(enum.Enum):
    STORED = "stored"
    RECEIVED = "received"
    ALREADY_ANSWERED = "already_answered"
    CLOSED = "closed"
    UNKNOWN = "unknown"


def new_survey_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


async def create_survey(
    session: AsyncSession,
    *,
    spec: SurveySpec,
    created_by: int | None,
    now: datetime,
    series_id: str | None = None,
    round_number: int = 1,
    invited: int = 0,
) -> Survey:
    """Add an open survey, its questions and its fresh who-answered key to the session.

    A later round of a recurring survey passes its series (the first round's id) and its number.
    """
    if spec.min_answers < MIN_ANSWERS_FLOOR:
        raise ValueError(f"min_answers below {MIN_ANSWERS_FLOOR}")
    survey_id = new_survey_id()
    while await session.get(Survey, survey_id) is not None:
        survey_id = new_survey_id()
    survey = Survey(
        id=survey_id,
        title=spec.title,
        intro=spec.intro,
        audience_kind=spec.audience_kind,
        audience_value=spec.audience_value,
        closes_on=spec.closes_on,
        min_answers=spec.min_answers,
        status="open",
        free_text_released=False,
        created_by=created_by,
        created_at=now,
        invited=invited,
        recurrence=spec.recurrence,
        series_id=series_id or survey_id,
        round_number=round_number,
        measure_id=spec.measure_id,
        questions=[
            SurveyQuestion(
                position=i,
                kind=q.kind,
                prompt=q.prompt,
                options=list(q.options),
                low_label=q.low_label,
                high_label=q.high_label,
                describes_group=q.describes_group,
            )
            for i, q in enumerate(spec.questions, start=1)
        ],
    )
    session.add(survey)
    session.add(SurveyKey(survey_id=survey_id, key=secrets.token_bytes(KEY_BYTES)))
    return survey


async def get_survey(session: AsyncSession, *, survey_id: str) -> Survey | None:
    return await session.scalar(
        select(Survey).where(Survey.id == survey_id.strip().lower()).options(selectinload(Survey.questions))
    )


async def list_surveys(session: AsyncSession, *, limit: int = 20) -> list[Survey]:
    """Open surveys first (soonest closing), then the most recently closed."""
    rows = await session.scalars(
        select(Survey)
        .order_by(Survey.status.desc(), Survey.closes_on.desc(), Survey.id)
        .limit(limit)
        .options(selectinload(Survey.questions))
    )
    return list(rows)


def respondent_digest(key: bytes, respondent: str) -> str:
    return hmac.new(key, respondent.encode(), hashlib.sha256).hexdigest()


async def has_answered(session: AsyncSession, *, survey_id: str, respondent: str) -> bool:
    """Whether this person's mark is stored, or waits in this process's mixing pool."""
    key = await session.scalar(select(SurveyKey.key).where(SurveyKey.survey_id == survey_id))
    if key is None:
        return False
    digest = respondent_digest(key, respondent)
    return pool_for(session).has_mark(survey_id, digest) or await _mark_stored(session, survey_id, digest)


async def answered_digests(session: AsyncSession, *, survey_id: str) -> set[str]:
    """Every who-answered mark of an open survey: stored ones and those waiting in this process's pool.

    Reminders are sent from these (the audience rule's people whose mark is not among them).
    """
    stored = await session.scalars(
        select(SurveyParticipation.digest).where(SurveyParticipation.survey_id == survey_id)
    )
    waiting = pool_for(session).waiting(survey_id)
    return set(stored.all()) | waiting.marks | waiting.written


async def _open_survey(session: AsyncSession, survey_id: str) -> tuple[AnswerOutcome | None, bytes, int]:
    """(refusal or None, the survey's key, its minimum) in one read."""
    row = (
        await session.execute(
            select(Survey.status, Survey.min_answers, SurveyKey.key)
            .outerjoin(SurveyKey, SurveyKey.survey_id == Survey.id)
            .where(Survey.id == survey_id)
        )
    ).first()
    if row is None:
        return AnswerOutcome.UNKNOWN, b"", 0
    status, minimum, key = row
    if status != "open" or key is None:
        return AnswerOutcome.CLOSED, b"", 0
    return None, key, int(minimum)


async def _mark_stored(session: AsyncSession, survey_id: str, digest: str) -> bool:
    found = await session.scalar(
        select(SurveyParticipation.digest).where(
            SurveyParticipation.survey_id == survey_id, SurveyParticipation.digest == digest
        )
    )
    return found is not None


async def submit_answer(
    sessions: async_sessionmaker[AsyncSession],
    *,
    survey_id: str,
    respondent: str,
    answers: dict[str, Any],
    budget_s: float = ANSWER_BUDGET_S,
) -> AnswerOutcome:
    """Take one person's answers once. `respondent` names them only to make their keyed mark.

    The answer joins the mixing pool (`storage.survey_pool`); when the survey's minimum is waiting, the
    batch is written (answers, then marks, two transactions). STORED: this answer is in the database
    now; RECEIVED: it waits for its batch. A busy database is retried within `budget_s`.
    """
    deadline = time.monotonic() + budget_s
    async with sessions() as session:
        pool = pool_for(session)
    waiting = pool.waiting(survey_id)

    async def check() -> tuple[AnswerOutcome | None, str, int]:
        async with sessions() as session:
            refusal, key, minimum = await _open_survey(session, survey_id)
            if refusal is not None:
                return refusal, "", minimum
            digest = respondent_digest(key, respondent)
            if await _mark_stored(session, survey_id, digest):
                return AnswerOutcome.ALREADY_ANSWERED, digest, minimum
            return None, digest, minimum

    # The read runs outside the lock, so 32 answers at once do not queue behind each other's reads;
    # the pool remembers every mark it has taken, so the check under the lock is complete.
    refusal, digest, minimum = await retry_busy(check, deadline=deadline)
    if refusal is not None:
        return refusal
    async with waiting.lock:
        if waiting.closed:
            return AnswerOutcome.CLOSED
        if waiting.seen(digest):
            return AnswerOutcome.ALREADY_ANSWERED
        waiting.answers.append(answers)
        waiting.marks.add(digest)
        if len(waiting.answers) < minimum:
            return AnswerOutcome.RECEIVED
        if await flush(sessions, survey_id, waiting, deadline=deadline):
            return AnswerOutcome.STORED
        return AnswerOutcome.RECEIVED


async def waiting_count(session: AsyncSession, *, survey_id: str) -> int:
    """How many answers wait in this process's pool (tests and the close)."""
    return len(pool_for(session).waiting(survey_id).answers)


async def close_survey(sessions: async_sessionmaker[AsyncSession], *, survey_id: str, now: datetime) -> bool:
    """Close an open survey: write its waiting answers, then destroy its key and every mark.

    The waiting answers go in their own transaction first (marks still waiting are dropped: close
    deletes marks anyway). The close itself is one transaction; on PostgreSQL it also rewrites the
    response, mark and key tables once, shuffled, into fresh files (`storage.survey_scrub`).
    Returns False when it was not open. Call `scrub_after_close` afterwards.
    """
    async with sessions() as session:
        waiting = pool_for(session).waiting(survey_id)
    async with waiting.lock:
        deadline = time.monotonic() + CLOSE_BUDGET_S
        if waiting.answers:
            await write_answers(sessions, survey_id, waiting.answers, deadline)
            waiting.answers.clear()
        async with sessions() as session:
            if not await _lock_open(session, survey_id):
                return False
            await session.execute(
                update(Survey)
                .where(Survey.id == survey_id)
                # The creator is forgotten too: after close nothing names a person beside the survey.
                .values(status="closed", closed_at=now, created_by=None)
                .execution_options(synchronize_session=False)
            )
            await session.execute(
                delete(SurveyParticipation).where(SurveyParticipation.survey_id == survey_id)
            )
            await session.execute(delete(SurveyKey).where(SurveyKey.survey_id == survey_id))
            await rewrite_at_close(session)
            await session.commit()
        # An answer that read "open" before this commit finds the pool closed and is refused.
        waiting.close()
    return True


async def _lock_open(session: AsyncSession, survey_id: str) -> bool:
    """Take the survey's write lock if it is open: a no-op UPDATE locks the row on PostgreSQL and
    starts the write transaction on SQLite, so two closes of one survey run one at a time."""
    result = await session.execute(
        update(Survey)
        .where(Survey.id == survey_id, Survey.status == "open")
        .values(status=Survey.status)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def scrub_after_close(session: AsyncSession) -> None:
    """Make deleted survey rows unrecoverable from the database files, as far as the database allows.

    SQLite: connections run with ``secure_delete`` (see `storage.db`), so freed pages are zeroed;
    a TRUNCATE checkpoint then removes the old page images from the write-ahead log. PostgreSQL: the
    close already moved the three tables into fresh files; a checkpoint lets the server recycle the
    WAL segments that held the open survey's batches sooner. Use a fresh session.
    """
    conn = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    if conn.dialect.name == "sqlite":
        await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    else:
        await conn.execute(text("VACUUM survey_responses, survey_participation, survey_keys"))


async def strip_survey_secrets(session: AsyncSession) -> None:
    """Delete every row of `BACKUP_EXCLUDED_TABLES`: run on a backup's copy, never on the live database.

    For `pg_dump`, pass ``--exclude-table-data`` for each of those tables instead. On a SQLite copy,
    run with ``secure_delete`` on (as `storage.db` connections are) and VACUUM after, so no page keeps them.
    """
    for table in (SurveyParticipation, SurveyKey):
        await session.execute(delete(table))


async def surveys_run_for_measure(
    session: AsyncSession, *, measure_id: int, since: datetime, until: datetime
) -> int:
    """How many surveys linked to a plan measure closed in [since, until): the measure's computed count.

    For the measures engineer's computed kind "surveys run" (issue 10): a survey counts once it has run
    its course, whatever its results, in the period it closed in.
    """
    counted = await session.scalar(
        select(func.count())
        .select_from(Survey)
        .where(
            Survey.measure_id == measure_id,
            Survey.status == "closed",
            Survey.closed_at >= since,
            Survey.closed_at < until,
        )
    )
    return int(counted or 0)


async def count_responses(session: AsyncSession, *, survey_id: str) -> int:
    counted = await session.scalar(
        select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey_id)
    )
    return int(counted or 0)


async def release_free_text(session: AsyncSession, *, survey_id: str) -> bool:
    """Mark a closed survey's free text as released; False if it is not closed or already released."""
    result = await session.execute(
        update(Survey)
        .where(Survey.id == survey_id, Survey.status == "closed", Survey.free_text_released.is_(False))
        .values(free_text_released=True)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
