"""People, their roles and per-platform identities, and their SMART objectives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base


class Role(Base):
    """A role is data: what its holders may do is the list of permissions it carries."""

    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Space-separated permission names, e.g. "update_any_action see_personal_progress".
    permissions: Mapped[str] = mapped_column(Text, default="")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: people are keyed by email, case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(120), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    on_probation: Mapped[bool] = mapped_column(Boolean, default=False)
    # Teams this person leads for escalation (";"-separated team names); an SMT member usually.
    leads: Mapped[str] = mapped_column(Text, default="")
    # Their line manager's email (the people file's `manager` column): who agrees their SMART objective.
    manager_email: Mapped[str] = mapped_column(String(254), default="")
    # False once a person is no longer in the people file: kept for their evidence, never nudged.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    roles: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonRole.role_name"
    )
    identities: Mapped[list[PlatformIdentity]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    @property
    def role_names(self) -> list[str]:
        return [r.role_name for r in self.roles]


class PersonRole(Base):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role_name: Mapped[str] = mapped_column(ForeignKey("roles.name"), primary_key=True, index=True)

    person: Mapped[Person] = relationship(back_populates="roles")


class PlatformIdentity(Base):
    """A person's id on one chat platform (Slack user id, Teams AAD object id, sandbox name)."""

    __tablename__ = "platform_identities"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        UniqueConstraint("person_id", "platform"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    # Teams needs a stored conversation reference to message a person first; kept here, not in memory.
    conversation_ref: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    linked_at: Mapped[datetime]

    person: Mapped[Person] = relationship(back_populates="identities")


class SmartObjective(Base):
    """A person's race-equality SMART objective for a plan, optionally serving one action."""

    __tablename__ = "smart_objectives"
    __table_args__ = (UniqueConstraint("person_id", "plan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))
    specific: Mapped[str] = mapped_column(Text, default="")
    measurable: Mapped[str] = mapped_column(Text, default="")
    achievable: Mapped[str] = mapped_column(Text, default="")
    relevant: Mapped[str] = mapped_column(Text, default="")
    time_bound: Mapped[str] = mapped_column(Text, default="")
    agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime]

    person: Mapped[Person] = relationship()
