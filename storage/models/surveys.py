"""RECI's anonymous surveys: the survey, its questions, answers that name no one, and who-answered hashes.

The privacy rules are DESIGN §5 and issue 13. A response row holds only its survey, a random 128-bit
key and the answers: no person, platform id or time at all. Who has answered is a keyed hash, kept only
while the survey is open (to refuse a second answer); the key and the hashes are deleted at close.

On SQLite the three tables that must not show arrival order are `WITHOUT ROWID`: rows live in their
primary key's B-tree, so the storage order is the order of random keys (https://sqlite.org/withoutrowid.html).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base

# The smallest group a result may describe, whatever the survey's creator asks for.
MIN_ANSWERS_FLOOR = 5


class Survey(Base):
    """A snap survey. `id` is a short random public id people type (`/feedback close k3f9qa`)."""

    __tablename__ = "surveys"
    __table_args__ = (CheckConstraint(f"min_answers >= {MIN_ANSWERS_FLOOR}", name="min_answers_floor"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    # "everyone", "role" (value: a role name) or "channel" (value: a channel id).
    audience_kind: Mapped[str] = mapped_column(String(20))
    audience_value: Mapped[str] = mapped_column(String(200), default="")
    # Answers are taken until the end of this day in the organisation's time zone.
    closes_on: Mapped[date] = mapped_column(Date)
    min_answers: Mapped[int] = mapped_column(Integer, default=10)
    # "open" or "closed".
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    free_text_released: Mapped[bool] = mapped_column(Boolean, default=False)
    # The creator is a RECI member acting in that role, never a respondent as such; cleared at close.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    # Set once the reminder went out (a survey-level mark: nothing per person is kept about it).
    reminded_at: Mapped[datetime | None]
    # Set once the results were posted to the RECI channel.
    results_posted_at: Mapped[datetime | None]
    # How many people the audience rule took in when the survey opened: a count, never who (response rate).
    invited: Mapped[int] = mapped_column(Integer, default=0)
    # "" (once), "monthly" or "quarterly": a closed round opens the next with the same questions.
    recurrence: Mapped[str] = mapped_column(String(20), default="")
    # The first round of a recurring series (itself for the first); results compare rounds of a series.
    series_id: Mapped[str | None] = mapped_column(String(16), index=True)
    round_number: Mapped[int] = mapped_column(Integer, default=1)
    # The plan measure this survey counts towards (e.g. ORG-6 "snap surveys ..."), if any.
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id", ondelete="SET NULL"), index=True)

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyQuestion.position"
    )


class SurveyQuestion(Base):
    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    # 1-based; answers are keyed by this number.
    position: Mapped[int] = mapped_column(Integer)
    # "scale" (1–5), "choice" (one of `options`) or "text".
    kind: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A scale's words at each end ("Not at all safe" … "Completely safe"); "" shows just the number.
    low_label: Mapped[str] = mapped_column(String(60), default="")
    high_label: Mapped[str] = mapped_column(String(60), default="")
    # The self-description question (a choice): results can be broken down by its answer.
    describes_group: Mapped[bool] = mapped_column(Boolean, default=False)

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyResponse(Base):
    """One person's answers, with nothing that says who or when.

    The key is 16 random bytes (not an autoincrement, which would number answers by arrival). Answers
    arrive in shuffled batches from the mixing pool (`storage.survey_pool`); on SQLite the table has no
    rowid, so its storage order is key order; on PostgreSQL, where the heap follows inserts, close
    rewrites the table once in a shuffled order (`storage.survey_scrub`).
    """

    __tablename__ = "survey_responses"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    # {"<question position>": 1–5 | "<option>" | "<free text>"}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)


class SurveyKey(Base):
    """The secret that keys the who-answered hashes; exists only while its survey is open."""

    __tablename__ = "survey_keys"
    __table_args__ = ({"sqlite_with_rowid": False},)

    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary(64))


class SurveyParticipation(Base):
    """HMAC(survey key, person) for each person who answered: stops a second answer; gone at close.

    Marks are written in shuffled batches, in their own transaction, never with answers; at close the
    table is emptied (PostgreSQL: truncated and the other surveys' marks written back, so no old page
    keeps one; SQLite: `secure_delete` zeroes them).
    """

    __tablename__ = "survey_participation"
    __table_args__ = ({"sqlite_with_rowid": False},)

    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
