"""RECI's anonymous surveys: the survey, its questions, answers that name no one, and who-answered hashes.

The privacy rules are DESIGN §5. A response row holds only its survey, a random id and the answers:
no person, platform id or time at all. Who has answered is a keyed hash, kept only while the survey
is open (to refuse a second answer); the key and the hashes are deleted at close.
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
    # The creator is a RECI member acting in that role, never a respondent as such.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    # Set once the reminder went out (a survey-level mark: nothing per person is kept about it).
    reminded_at: Mapped[datetime | None]
    # Set once the results were posted to the RECI channel.
    results_posted_at: Mapped[datetime | None]

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

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyResponse(Base):
    """One person's answers, with nothing that says who or when.

    The key is random (not an autoincrement, which would number answers by arrival), and the survey's
    rows are rewritten in a shuffled order whenever one is added and at close, so neither the storage
    order nor any query order follows the order people answered in.
    """

    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    # {"<question position>": 1–5 | "<option>" | "<free text>"}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)


class SurveyKey(Base):
    """The secret that keys the who-answered hashes; exists only while its survey is open."""

    __tablename__ = "survey_keys"

    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary(64))


class SurveyParticipation(Base):
    """HMAC(survey key, person) for each person who answered: stops a second answer; deleted at close."""

    __tablename__ = "survey_participation"

    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
