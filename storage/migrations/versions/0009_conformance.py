"""held replies

Revision ID: 0009
Revises: 0003
Create Date: 2026-12-02

A reply in the thread of a nudge that listed several actions, held once until its author picks the
action or actions it is about (handlers/reply_choice.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision = "0009"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "held_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("message_ref", sa.JSON(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("delivery_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_held_replies_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_replies")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_held_replies_delivery_id")),
    )
    op.create_index(op.f("ix_held_replies_person_id"), "held_replies", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_held_replies_person_id"), table_name="held_replies")
    op.drop_table("held_replies")
