"""The plan: strategic objectives → actions (with steps and owners) → outcomes and success measures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.enums import Cadence, MeasureKind, PlanState, Status


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)
    review_cadence: Mapped[str] = mapped_column(String(20), default=Cadence.SIX_MONTHLY.value)
    description: Mapped[str] = mapped_column(Text, default="")
    # The plan's own words (organisation, network, subject, board, coverage roles): see `PlanWording`.
    wording: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Where this plan's digests go; "" means the SMT_CHANNEL / RECI_CHANNEL settings.
    smt_channel: Mapped[str] = mapped_column(String(200), default="")
    network_channel: Mapped[str] = mapped_column(String(200), default="")
    # Roles whose SMART-objective agreement and outcomes digests and packs report (plan file `smart_roles`).
    smart_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Dated events of the plan file (`events`): [{"name", "on" (ISO date), "action" (key or "")}].
    events: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    objectives: Mapped[list[Objective]] = relationship(
        back_populates="plan", order_by="Objective.position", cascade="all, delete-orphan"
    )

    @property
    def year_start(self) -> int:
        """The month the plan's year starts in: its quarters and halves count from there."""
        return self.starts.month

    def state(self, today: date) -> PlanState:
        if today < self.starts:
            return PlanState.DRAFT
        return PlanState.ACTIVE if today <= self.ends else PlanState.CLOSED


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
    # The same commitment in the plan this one rolled over from: its history is shown with this one.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), index=True)
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
    """A success measure: evidence to collect, a figure against a target, an audit against its benchmark,
    or a figure nudgebot computes. `key` is stable (``INF-2.1``) so a re-import matches by key."""

    __tablename__ = "measures"
    __table_args__ = (UniqueConstraint("action_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default=MeasureKind.EVIDENCE.value)
    # The target in words, as the plan states it; the numeric target is in the columns below.
    target: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[float | None] = mapped_column(Float)
    baseline_on: Mapped[date | None] = mapped_column(Date)
    direction: Mapped[str | None] = mapped_column(String(20))
    target_value: Mapped[float | None] = mapped_column(Float)
    # The upper end of a "within" range (0.80–1.25); `target_value` is its lower end.
    target_high: Mapped[float | None] = mapped_column(Float)
    # The period a target counts over ("at least two each quarter"); None: the latest figure is compared.
    per: Mapped[str | None] = mapped_column(String(20))
    benchmark: Mapped[float | None] = mapped_column(Float)
    # When true, the first audit's result is the benchmark.
    benchmark_first: Mapped[bool] = mapped_column(Boolean, default=False)
    benchmark_source: Mapped[str] = mapped_column(String(200), default="")
    # For computed measures: what is computed (`Computation`) and for which role or team.
    computes: Mapped[str | None] = mapped_column(String(30))
    computed_for: Mapped[str] = mapped_column(String(120), default="")
    # The measure's own cadence (None: its action's), or "once"; an annual measure's due month (1–12),
    # a one-off measure's due date.
    cadence: Mapped[str | None] = mapped_column(String(20))
    due_month: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)
    stretch: Mapped[bool] = mapped_column(Boolean, default=False)
    # Derived from the latest value against the target whenever a value is recorded.
    status: Mapped[str] = mapped_column(String(20), default=Status.NOT_STARTED.value)
    # A measure removed from the plan file is archived with its values, never deleted.
    archived_at: Mapped[datetime | None]

    action: Mapped[Action] = relationship(back_populates="measures")
    values: Mapped[list[MeasureValue]] = relationship(
        back_populates="measure", order_by="MeasureValue.period", cascade="all, delete-orphan"
    )


class MeasureValue(Base):
    """One figure for one measure and one period ("2024-Q3", "2024-H1"); a later figure for the same
    period replaces it, so re-importing a file changes nothing."""

    __tablename__ = "measure_values"
    __table_args__ = (UniqueConstraint("measure_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    # The last day of the period, so values sort and chart by time whatever the period's kind.
    as_of: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    # "update" (an owner in chat), "import" (a CSV), or the source column of an import ("HR system").
    source: Mapped[str] = mapped_column(String(80), default="update")
    confidence: Mapped[str | None] = mapped_column(String(20))
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"))
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]

    measure: Mapped[Measure] = relationship(back_populates="values")


class ActionOwner(Base):
    """An owner, by email, so a plan can be imported before or after its people."""

    __tablename__ = "action_owners"

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    action: Mapped[Action] = relationship(back_populates="owners")
