"""What moves the plan: update requests (the outbox), evidence, snoozes, processed inbound events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.plan import Action

# An ask about a measure on its own cadence has the subject "<ACTION-KEY>#m<measure id>", and its
# payload's title is MEASURE_TITLE_PREFIX + the measure's text.
MEASURE_MARK = "#m"
MEASURE_TITLE_PREFIX = "Measure: "


class UpdateRequest(Base):
    """One row per (recipient, what is asked, period): the outbox that makes every send exactly-once.

    A row is written before anything is sent, claimed by one sender, then marked sent; a crash
    leaves rows that the next run finishes, and the unique key stops a second run writing another.

    Two sorts of row share the table (see `jobs.outbox`):
    - *message* rows are what gets sent: ``nudge`` (one per owner and local day, key
      ``person:<id>`` / "" / ``2024-10-07``), ``escalation`` (one per SMT lead and day), and the
      digests (``smt_digest`` / ``channel:<name>`` / "" / ``2024-W41``). They carry `message_ref`.
    - *ask* rows (``kind="ask"``) track one owner's update on one action or measure for one period
      (``person:<id>`` / ``INF-1`` or ``INF-1#m12`` / ``2024-10``); they are never sent themselves:
      `parent_id` names the latest message that listed them, whose `message_ref` is copied onto them
      when it is sent. Handlers mark them answered by `message_ref` or by (`person_id`, `action_id`).
    """

    __tablename__ = "update_requests"
    __table_args__ = (UniqueConstraint("kind", "recipient", "subject", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. "nudge", "reminder", "escalation", "smt_digest", "reci_digest".
    kind: Mapped[str] = mapped_column(String(40))
    # "person:<id>" or "channel:<name>".
    recipient: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # What is asked about: an action key, a measure id, or "" for a digest.
    subject: Mapped[str] = mapped_column(String(80), default="")
    # The reporting period in the plan's year: "2024-10", "2024-Q3", "2024-H2", "2024-W41".
    period: Mapped[str] = mapped_column(String(20))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), index=True)
    # On an ask row: the message row that last listed it (first nudge, then each reminder).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("update_requests.id"), index=True)
    # pending → sending → sent | failed (message rows); pending → sent (ask rows, with their message);
    # "skipped" when a message had nothing left to say by the time it was sent.
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    # Ask rows: reminders sent so far, and when the ask was escalated to the SMT.
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None]
    # Message rows that list things decided when they were written (an escalation's items), as plain data.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Where the message landed ({"platform", "channel", "id"}), so replies in its thread find it.
    message_ref: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A short reason only (an error class or API error code); never a token or a message body.
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]

    action: Mapped[Action | None] = relationship()

    @property
    def measure_text(self) -> str:
        """For an ask about one of an action's measures (subject "INF-1#m12"), the measure's text; else ""."""
        if MEASURE_MARK not in self.subject:
            return ""
        return str((self.payload or {}).get("title", "")).removeprefix(MEASURE_TITLE_PREFIX)

    @property
    def asks_figure(self) -> bool:
        """Whether this ask is about a measure that takes a figure (count, number, percentage, audit)."""
        return bool((self.payload or {}).get("figure"))


class Evidence(Base):
    """An owner's update against an action: the record the six-monthly review reads."""

    __tablename__ = "evidence"
    # An action's latest update and its evidence count read this index alone, however much evidence there is.
    __table_args__ = (Index("ix_evidence_action_id_created_at", "action_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # The author's name as it was, so evidence reads right after a person leaves.
    author_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str | None] = mapped_column(String(20))
    narrative: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(20))
    # A delivery's own id (Slack event id, action id + message ts, …): a redelivery writes nothing.
    source_ref: Mapped[str | None] = mapped_column(String(200), unique=True)
    update_request_id: Mapped[int | None] = mapped_column(ForeignKey("update_requests.id"))
    created_at: Mapped[datetime] = mapped_column(index=True)

    action: Mapped[Action] = relationship()


class Snooze(Base):
    """An owner asked not to be nudged about an action until a date."""

    __tablename__ = "snoozes"
    __table_args__ = (UniqueConstraint("person_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    until: Mapped[datetime]
    created_at: Mapped[datetime]


class ProcessedDelivery(Base):
    """Inbound deliveries already handled (a platform and its event id), so a retry changes nothing."""

    __tablename__ = "processed_deliveries"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class AuditEntry(Base):
    """Who changed what, when. Never the content of a survey answer."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    # "cli", "system", "person:<id>".
    actor: Mapped[str] = mapped_column(String(80))
    # e.g. "plan.import", "action.create", "action.archive", "person.update", "evidence.record".
    event: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
