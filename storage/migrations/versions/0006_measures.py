"""measures: figures, targets, baselines, benchmarks, own cadences, stable keys and values over time

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Success measures that measure (issue 10): a measure gets a stable key (existing rows get
"<action key>.<position + 1>", the key the plan file derives when it names none), numeric targets
with a direction and a per-period, a baseline, an audit benchmark, what nudgebot computes for it,
its own due month or date, and `measure_values`, one figure per measure and period.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("unit", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("baseline", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("baseline_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("direction", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("target_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("target_high", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("per", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("benchmark", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("benchmark_first", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("benchmark_source", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("computes", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column("computed_for", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("due_month", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("archived_at", storage.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    # The key a plan file without keys derives, so the next import matches these rows by key.
    op.execute(
        "UPDATE measures SET key = (SELECT actions.key FROM actions WHERE actions.id = measures.action_id)"
        " || '.' || CAST(position + 1 AS VARCHAR(10))"
    )
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=30), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_measures_action_id_key"), ["action_id", "key"])

    op.create_table(
        "measure_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("confidence", sa.String(length=20), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_measure_values_evidence_id_evidence"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_values_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_values")),
        sa.UniqueConstraint("measure_id", "period", name=op.f("uq_measure_values_measure_id_period")),
    )
    with op.batch_alter_table("measure_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_values_measure_id"), ["measure_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("measure_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_values_measure_id"))
    op.drop_table("measure_values")
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_measures_action_id_key"), type_="unique")
        for column in (
            "archived_at",
            "due_on",
            "due_month",
            "computed_for",
            "computes",
            "benchmark_source",
            "benchmark_first",
            "benchmark",
            "per",
            "target_high",
            "target_value",
            "direction",
            "baseline_on",
            "baseline",
            "unit",
            "key",
        ):
            batch_op.drop_column(column)
