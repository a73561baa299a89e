"""plan life

Revision ID: 0007
Revises: 0009
Create Date: 2026-12-02

Plans side by side and over time (issue 12): each plan's own wording and digest channels, and the link
from a carried action to the same commitment in the plan it rolled over from.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        # Existing rows get empty wording and no channel of their own (the settings' channels).
        batch_op.add_column(sa.Column("wording", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(
            sa.Column("smt_channel", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("network_channel", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_actions_carried_from_id"), ["carried_from_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_actions_carried_from_id_actions"), "actions", ["carried_from_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_actions_carried_from_id_actions"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_actions_carried_from_id"))
        batch_op.drop_column("carried_from_id")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("network_channel")
        batch_op.drop_column("smt_channel")
        batch_op.drop_column("wording")
