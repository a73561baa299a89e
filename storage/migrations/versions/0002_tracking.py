"""tracking: update requests (the outbox), evidence, snoozes, processed deliveries, audit entries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

What moves the plan, kept apart from the plan and its people (revision 0001).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_key", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_at"), ["at"], unique=False)

    op.create_table(
        "processed_deliveries",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("delivery_id", sa.String(length=200), nullable=False),
        sa.Column("received_at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "delivery_id", name=op.f("pk_processed_deliveries")),
    )
    with op.batch_alter_table("processed_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_deliveries_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "snoozes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("until", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_snoozes_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_snoozes_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snoozes")),
        sa.UniqueConstraint("person_id", "action_id", name=op.f("uq_snoozes_person_id_action_id")),
    )
    with op.batch_alter_table("snoozes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snoozes_person_id"), ["person_id"], unique=False)

    op.create_table(
        "update_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", storage.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", storage.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("sent_at", storage.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", storage.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("escalated_at", storage.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("message_ref", sa.JSON(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_update_requests_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_update_requests_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["update_requests.id"], name=op.f("fk_update_requests_parent_id_update_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_requests")),
        sa.UniqueConstraint(
            "kind",
            "recipient",
            "subject",
            "period",
            name=op.f("uq_update_requests_kind_recipient_subject_period"),
        ),
    )
    with op.batch_alter_table("update_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_update_requests_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_update_requests_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_update_requests_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_update_requests_status"), ["status"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=True),
        sa.Column("update_request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_evidence_action_id_actions")),
        sa.ForeignKeyConstraint(["author_id"], ["people.id"], name=op.f("fk_evidence_author_id_people")),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_evidence_measure_id_measures"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["update_request_id"],
            ["update_requests.id"],
            name=op.f("fk_evidence_update_request_id_update_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("source_ref", name=op.f("uq_evidence_source_ref")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_action_id_created_at"), ["action_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_created_at"), ["created_at"], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_created_at"))
        batch_op.drop_index(batch_op.f("ix_evidence_author_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_action_id_created_at"))

    op.drop_table("evidence")
    with op.batch_alter_table("update_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_update_requests_status"))
        batch_op.drop_index(batch_op.f("ix_update_requests_person_id"))
        batch_op.drop_index(batch_op.f("ix_update_requests_action_id"))
        batch_op.drop_index(batch_op.f("ix_update_requests_parent_id"))

    op.drop_table("update_requests")
    with op.batch_alter_table("snoozes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snoozes_person_id"))

    op.drop_table("snoozes")
    with op.batch_alter_table("processed_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_deliveries_received_at"))

    op.drop_table("processed_deliveries")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_at"))

    op.drop_table("audit_entries")
