"""surveys, second edition

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02

Issue 13: surveys count who was invited (a number, for the response rate); responses keyed by 16 random bytes; on SQLite the response, mark and key tables have no
rowid, so storage order is random-key order. Surveys gain recurrence (a series and its round), a link
to a plan measure; questions gain scale words and the self-description flag.
Existing responses keep their answers under new random keys (the old keys were random too).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def _responses(name: str, id_type: sa.types.TypeEngine[Any]) -> None:
    op.create_table(
        name,
        sa.Column("id", id_type, nullable=False),
        sa.Column("survey_id", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sqlite_with_rowid=False,
    )


def _marks(name: str, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column("survey_id", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_participation_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "digest", name=op.f("pk_survey_participation")),
        sqlite_with_rowid=with_rowid,
    )


def _keys(name: str, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column("survey_id", sa.String(length=16), nullable=False),
        sa.Column("key", sa.LargeBinary(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_keys_survey_id_surveys"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_survey_keys")),
        sqlite_with_rowid=with_rowid,
    )


def _swap(old: str, make_new: Callable[[str], None], columns: str) -> None:
    """Build `old`'s replacement beside it, copy the rows, drop the old one, take its name."""
    temp = f"{old}_v2"
    make_new(temp)
    # Table and column names are this migration's own, never input.
    op.execute(f"INSERT INTO {temp} ({columns}) SELECT {columns} FROM {old}")  # noqa: S608
    op.drop_table(old)
    op.rename_table(temp, old)


def _rekey_responses(id_type: str) -> None:
    """Copy survey_responses into a table keyed by `id_type` ("bytes" or "hex"), with fresh random keys."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT survey_id, answers FROM survey_responses")).all()
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_survey_id"))
    op.drop_table("survey_responses")
    if id_type == "bytes":
        _responses("survey_responses", sa.LargeBinary(length=16))
    else:
        _responses("survey_responses", sa.String(length=32))
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_responses_survey_id"), ["survey_id"], unique=False)
    table = sa.table(
        "survey_responses",
        sa.column("id", sa.LargeBinary() if id_type == "bytes" else sa.String()),
        sa.column("survey_id", sa.String()),
        sa.column("answers", sa.JSON()),
    )
    fresh = [
        {
            "id": secrets.token_bytes(16) if id_type == "bytes" else secrets.token_hex(16),
            "survey_id": survey_id,
            "answers": json.loads(answers) if isinstance(answers, str) else answers,
        }
        for survey_id, answers in rows
    ]
    if fresh:
        op.bulk_insert(table, fresh)


def upgrade() -> None:
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("recurrence", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("series_id", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("round_number", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("measure_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_surveys_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_surveys_measure_id"), ["measure_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_surveys_measure_id_measures"),
            "measures",
            ["measure_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute("UPDATE surveys SET series_id = id")
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("low_label", sa.String(length=60), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("high_label", sa.String(length=60), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("describes_group", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    _rekey_responses("bytes")
    # Only SQLite has rowids to drop; PostgreSQL ignores the option (and would refuse the twin names).
    if op.get_bind().dialect.name == "sqlite":
        _swap("survey_participation", lambda name: _marks(name, False), "survey_id, digest")
        _swap("survey_keys", lambda name: _keys(name, False), "survey_id, key")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _swap("survey_keys", lambda name: _keys(name, True), "survey_id, key")
        _swap("survey_participation", lambda name: _marks(name, True), "survey_id, digest")
    _rekey_responses("hex")
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.drop_column("describes_group")
        batch_op.drop_column("high_label")
        batch_op.drop_column("low_label")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_surveys_measure_id_measures"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_surveys_measure_id"))
        batch_op.drop_index(batch_op.f("ix_surveys_series_id"))
        batch_op.drop_column("measure_id")
        batch_op.drop_column("round_number")
        batch_op.drop_column("series_id")
        batch_op.drop_column("recurrence")
        batch_op.drop_column("invited")
