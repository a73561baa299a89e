"""Survey storage: create, take each person's answer once without recording who, close, and count.

The rules are DESIGN §5 and issue 5. Three things carry the anonymity:
- a response row is (random id, survey id, answers): no person, platform id or time;
- the survey's response rows are deleted and written again in a freshly shuffled order, with fresh
  random ids, every time an answer is added and again at close, so the storage order (SQLite rowid,
  PostgreSQL ctid) and every query order are a random permutation, never the order people answered in;
- who has answered is HMAC(survey key, person), kept only while the survey is open; close deletes the
  key and those hashes in the same transaction that closes the survey.

Nothing here logs. Callers commit.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import random
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Survey, SurveyKey, SurveyParticipation, SurveyQuestion, SurveyResponse
from storage.models.surveys import MIN_ANSWERS_FLOOR

# Short ids people can type: no 0/o, 1/l/i.
ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ID_LENGTH = 6
KEY_BYTES = 32

QUESTION_KINDS = ("scale", "choice", "text")
SCALE_VALUES = ("1", "2", "3", "4", "5")

_rng = random.SystemRandom()


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    prompt: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveySpec:
    title: str
    intro: str
    audience_kind: str
    audience_value: str
    closes_on: date
    min_answers: int
    questions: tuple[QuestionSpec, ...]


class AnswerOutcome(enum.Enum):
    STORED = "stored"
    ALREADY_ANSWERED = "already_answered"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass
class Tally:
    """What a closed survey's answers add up to, per question position."""

    count: int
    scales: dict[int, Counter[str]] = field(default_factory=dict)
    choices: dict[int, Counter[str]] = field(default_factory=dict)
    texts: dict[int, list[str]] = field(default_factory=dict)


def new_survey_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


async def create_survey(
    session: AsyncSession, *, spec: SurveySpec, created_by: int | None, now: datetime
) -> Survey:
    """Add an open survey, its questions and its fresh who-answered key to the session."""
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
        questions=[
            SurveyQuestion(position=i, kind=q.kind, prompt=q.prompt, options=list(q.options))
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
    key = await session.scalar(select(SurveyKey.key).where(SurveyKey.survey_id == survey_id))
    if key is None:
        return False
    found = await session.scalar(
        select(SurveyParticipation.digest).where(
            SurveyParticipation.survey_id == survey_id,
            SurveyParticipation.digest == respondent_digest(key, respondent),
        )
    )
    return found is not None


async def _lock_open(session: AsyncSession, survey_id: str) -> bool:
    """Take the survey's write lock if it is open: a no-op UPDATE locks the row on PostgreSQL and
    starts the write transaction on SQLite, so answers and close of one survey run one at a time."""
    result = await session.execute(
        update(Survey)
        .where(Survey.id == survey_id, Survey.status == "open")
        .values(status=Survey.status)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def record_answer(
    session: AsyncSession, *, survey_id: str, respondent: str, answers: dict[str, Any]
) -> AnswerOutcome:
    """Store one person's answers once. `respondent` names them only to stop a second answer."""
    if not await _lock_open(session, survey_id):
        exists = await session.scalar(select(Survey.id).where(Survey.id == survey_id))
        return AnswerOutcome.UNKNOWN if exists is None else AnswerOutcome.CLOSED
    key = await session.scalar(select(SurveyKey.key).where(SurveyKey.survey_id == survey_id))
    if key is None:
        return AnswerOutcome.CLOSED
    digest = respondent_digest(key, respondent)
    taken = await session.scalar(
        select(SurveyParticipation.digest).where(
            SurveyParticipation.survey_id == survey_id, SurveyParticipation.digest == digest
        )
    )
    if taken is not None:
        return AnswerOutcome.ALREADY_ANSWERED
    session.add(SurveyParticipation(survey_id=survey_id, digest=digest))
    await _rewrite_shuffled(session, survey_id, extra=answers)
    return AnswerOutcome.STORED


async def _rewrite_shuffled(session: AsyncSession, survey_id: str, *, extra: dict[str, Any] | None) -> None:
    """Delete the survey's responses and insert them again, with new random ids, in a shuffled order."""
    kept = list(
        (
            await session.scalars(select(SurveyResponse.answers).where(SurveyResponse.survey_id == survey_id))
        ).all()
    )
    if extra is not None:
        kept.append(extra)
    _rng.shuffle(kept)
    await session.execute(
        delete(SurveyResponse)
        .where(SurveyResponse.survey_id == survey_id)
        .execution_options(synchronize_session=False)
    )
    if kept:
        await session.execute(
            insert(SurveyResponse),
            [{"id": uuid.uuid4().hex, "survey_id": survey_id, "answers": a} for a in kept],
        )


async def close_survey(session: AsyncSession, *, survey_id: str, now: datetime) -> bool:
    """Close an open survey: destroy its key and who-answered hashes, and reshuffle its responses.

    Returns False when it was not open. Call `scrub_after_close` once the transaction is committed.
    """
    if not await _lock_open(session, survey_id):
        return False
    await session.execute(
        update(Survey)
        .where(Survey.id == survey_id)
        .values(status="closed", closed_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(SurveyParticipation).where(SurveyParticipation.survey_id == survey_id))
    await session.execute(delete(SurveyKey).where(SurveyKey.survey_id == survey_id))
    await _rewrite_shuffled(session, survey_id, extra=None)
    return True


async def scrub_after_close(session: AsyncSession) -> None:
    """Make deleted survey rows unrecoverable from the database files, as far as the database allows.

    SQLite: connections run with ``secure_delete`` (see `storage.db`), so freed pages are zeroed;
    a TRUNCATE checkpoint then removes the old page images from the write-ahead log. PostgreSQL:
    VACUUM prunes the dead tuples the delete-and-reinsert left behind. Use a fresh session.
    """
    conn = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    if conn.dialect.name == "sqlite":
        await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    else:
        await conn.execute(text("VACUUM survey_responses, survey_participation, survey_keys"))


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


async def tally(session: AsyncSession, *, survey: Survey) -> Tally:
    """Add up a survey's answers. Free text comes back shuffled; callers decide what may be shown."""
    rows = (
        await session.scalars(select(SurveyResponse.answers).where(SurveyResponse.survey_id == survey.id))
    ).all()
    result = Tally(count=len(rows))
    for question in survey.questions:
        key = str(question.position)
        values = [row.get(key) for row in rows if row.get(key) not in (None, "")]
        if question.kind == "scale":
            result.scales[question.position] = Counter(str(v) for v in values)
        elif question.kind == "choice":
            result.choices[question.position] = Counter(str(v) for v in values)
        else:
            texts = [str(v) for v in values]
            _rng.shuffle(texts)
            result.texts[question.position] = texts
    return result
