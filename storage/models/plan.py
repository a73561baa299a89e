"""The plan: strategic objectives → actions (with steps and owners) → outcomes and success measures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.enums import Cadence, MeasureKind, Status


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)
    review_cadence: Mapped[str] = mapped_column(String(20), default=Cadence.SIX_MONTHLY.value)
    description: Mapped[str] = mapped_column(Text, default="")
    # Roles whose SMART-objective agreement and outcomes digests and packs report (plan file `smart_roles`).
    smart_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Dated events of the plan file (`events`): [{"name", "on" (ISO date), "action" (key or "")}].
    events: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    objectives: Mapped[list[Objective]] = relationship(
        back_populates="plan", order_by="Objective.position", cascade="all, delete-orphan"
    )


class Objective(Base):
    """A strategic objective (Influence, Voice, Support, Excellent organisation)."""

    __tablename__ = "objectives"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None]

    plan: Mapped[Plan] = relationship(back_populates="objectives")
    actions: Mapped[list[Action]] = relationship(back_populates="objective", order_by="Action.position")


class Action(Base):
    """A commitment, with a stable key people can type (``INF-1``)."""

    __tablename__ = "actions"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    team: Mapped[str] = mapped_column(String(120), default="")
    group_label: Mapped[str] = mapped_column(String(120), default="")
    stretch: Mapped[bool] = mapped_column(Boolean, default=False)
    cadence: Mapped[str] = mapped_column(String(20), default=Cadence.MONTHLY.value)
    status: Mapped[str] = mapped_column(String(20), default=Status.NOT_STARTED.value)
    status_changed_at: Mapped[datetime | None]
    position: Mapped[int] = mapped_column(Integer, default=0)
    # An action removed from the plan file is archived, never deleted: its evidence stays.
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    objective: Mapped[Objective] = relationship(back_populates="actions")
    steps: Mapped[list[ActionStep]] = relationship(
        back_populates="action", order_by="ActionStep.position", cascade="all, delete-orphan"
    )
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="action", order_by="Outcome.position", cascade="all, delete-orphan"
    )
    measures: Mapped[list[Measure]] = relationship(
        back_populates="action", order_by="Measure.position", cascade="all, delete-orphan"
    )
    owners: Mapped[list[ActionOwner]] = relationship(
        back_populates="action", order_by="ActionOwner.position", cascade="all, delete-orphan"
    )


class ActionStep(Base):
    __tablename__ = "action_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="steps")


class Outcome(Base):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="outcomes")


class Measure(Base):
    """A success measure: evidence to collect, a count with a target, or an audit on a cadence."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default=MeasureKind.EVIDENCE.value)
    target: Mapped[str | None] = mapped_column(Text)
    # Only for measures asked about on their own clock (quarterly meetings, six-monthly audits).
    cadence: Mapped[str | None] = mapped_column(String(20))
    stretch: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=Status.NOT_STARTED.value)

    action: Mapped[Action] = relationship(back_populates="measures")


class ActionOwner(Base):
    """An owner, by email, so a plan can be imported before or after its people."""

    __tablename__ = "action_owners"

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    action: Mapped[Action] = relationship(back_populates="owners")
