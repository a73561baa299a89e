"""The accountability cycle: reviews (dated events with the SMT's judgement), challenges, triangulation.

A review is one dated event from the plan's review cadence. The SMT's agreed RAG and commentary per
action live in `ReviewEntry`, one row per (review, action); several SMT members may record at once, and
each form writes only the fields its user changed, so the last write per field wins and the audit keeps
every write. A challenge names who asked (so they can be told the answer); the board paper never does.
Triangulation results are aggregates only: a group whose base is under the reporting minimum is refused
at import, so no row here can describe a handful of people.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.plan import Action

# The plan-level fields the SMT writes at a review, in the order a form and a paper show them.
REVIEW_PLAN_FIELDS = ("successes", "challenges", "learning", "decisions")
# The per-action fields of a review entry.
REVIEW_ACTION_FIELDS = ("rag", "commentary", "mitigation")


class Review(Base):
    """One review of one plan, held on `held_on` (the end of its half, for a six-monthly cadence)."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("plan_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    # The first day the review covers (the day after the previous review, or the plan's start).
    covers_from: Mapped[date] = mapped_column(Date)
    successes: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    announced_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    entries: Mapped[list[ReviewEntry]] = relationship(back_populates="review", cascade="all, delete-orphan")


class ReviewEntry(Base):
    """The SMT's view of one action at one review: agreed RAG (may differ from the owner's), words."""

    __tablename__ = "review_entries"
    __table_args__ = (UniqueConstraint("review_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    rag: Mapped[str | None] = mapped_column(String(20))
    commentary: Mapped[str] = mapped_column(Text, default="")
    mitigation: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]

    review: Mapped[Review] = relationship(back_populates="entries")
    action: Mapped[Action] = relationship()


class Challenge(Base):
    """A challenge on an action from a RECI member or a trustee, and the SMT's answer."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    asked_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # The role the challenge was made in ("reci", "trustee"): the board paper says "RECI asked…".
    asked_as: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(index=True)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    # When the challenger was sent the answer.
    told_at: Mapped[datetime | None]

    action: Mapped[Action] = relationship()


class TriangulationResult(Base):
    """One aggregate figure from an annual survey (staff, member, stakeholder), for one group and year."""

    __tablename__ = "triangulation_results"
    __table_args__ = (UniqueConstraint("survey", "year", "question", "group_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(300))
    group_name: Mapped[str] = mapped_column(String(120))
    value: Mapped[float] = mapped_column(Float)
    base_n: Mapped[int] = mapped_column(Integer)
    # The action (and, where given, which of its measures) this figure is evidence for.
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime]
