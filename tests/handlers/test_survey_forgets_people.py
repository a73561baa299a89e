"""After close, nothing names a person beside the survey: every table, the SQLite `-wal`, the DEBUG log.

A row "names a person beside the survey" when it holds the survey's id or title and also a person:
a column that points at `people`, a `person:<id>` reference, or a person's name, email or chat id.
The control keeps one invitation row (as the first edition did) and shows the walk finds it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.logging_setup import configure_logging
from handlers import actions
from handlers.context import Deps, Origin
from handlers.features import build_router
from handlers.identity import actor_for_person
from jobs.surveys import close_due_surveys
from storage.models import Base, Person, PlatformIdentity, Survey
from tests.support.survey_helpers import (
    RECI,
    RecordingMessenger,
    deliver_invitations,
    import_people_file,
    new_survey_values,
    people_csv,
)

TITLE = "Experience of ethnic minority staff"
AFTER_CLOSE = datetime(2024, 10, 19, 7, 0, tzinfo=UTC)


def _person_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if any(fk.column.table.name == "people" for fk in c.foreign_keys)]


async def _people_words(session: AsyncSession) -> dict[int, set[str]]:
    """Everything that names each person: `person:<id>`, name, email, chat ids."""
    words: dict[int, set[str]] = {}
    for person in (await session.scalars(select(Person))).all():
        words[person.id] = {f"person:{person.id}", person.name, person.email}
    for identity in (await session.scalars(select(PlatformIdentity))).all():
        words[identity.person_id].add(identity.external_id)
    return words


async def named_beside(session: AsyncSession, survey_id: str, title: str) -> list[str]:
    """Every row, in every table but `people` and its identities, that holds the survey and a person."""
    words = await _people_words(session)
    found: list[str] = []
    for table in Base.metadata.sorted_tables:
        if table.name in {"people", "platform_identities", "person_roles", "team_leads"}:
            continue
        for row in (await session.execute(select(table))).mappings():
            text = repr(dict(row))
            if survey_id not in text and title not in text:
                continue
            people = [row[c] for c in _person_columns(table) if row[c] is not None]
            people += [pid for pid, names in words.items() if any(w and w in text for w in names)]
            if people:
                found.append(f"{table.name}: {text[:120]}")
    return found


def wal_frames_naming_someone(wal: bytes, survey_id: str, words: list[str]) -> int:
    """SQLite `-wal` frames (4 kB pages) that hold the survey's id and any person's name, email or chat id."""
    page = 4096 + 24
    frames = [wal[32 + i : 32 + i + page] for i in range(0, max(0, len(wal) - 32), page)]
    return sum(1 for f in frames if survey_id.encode() in f and any(w.encode() in f for w in words if w))


async def _run_survey(deps: Deps, ids: dict[str, int]) -> str:
    router = build_router()
    reci = await actor_for_person(deps, ids[RECI], platform="slack", platform_user_id="U")
    values = new_survey_values(title=TITLE, min_answers="5")
    assert (await router.on_form(deps, reci, actions.FORM_SURVEY_NEW, values, "")).close_form
    async with deps.sessions() as session:
        found = await session.scalar(select(Survey.id))
    assert found is not None
    survey_id: str = found
    assert deps.messenger is not None
    await deliver_invitations(deps, deps.messenger, deps.clock.now())
    for email in sorted(ids)[:6]:
        who = await actor_for_person(deps, ids[email], platform="slack", platform_user_id="U")
        opened = await router.on_action(deps, who, actions.SURVEY_RESPOND, survey_id, Origin())
        assert opened.form is not None
        taken = await router.on_form(
            deps, who, actions.FORM_SURVEY_ANSWER, {"q1": "3", "q2": "1", "q3": ""}, opened.form.state
        )
        assert taken.form is not None
    assert await close_due_surveys(deps, deps.messenger, AFTER_CLOSE) == 1
    return survey_id


@pytest.fixture
async def ids(deps: Deps, people_file: Path, tmp_path: Path) -> dict[str, int]:
    return await import_people_file(deps, people_csv(tmp_path / "people.csv", source=people_file))


@pytest.mark.postgres
async def test_after_close_no_row_or_debug_line_names_a_person_beside_the_survey(
    deps: Deps, ids: dict[str, int], db_url: str, caplog: pytest.LogCaptureFixture, logger_levels: None
) -> None:
    configure_logging("DEBUG")  # as the bot runs at LOG_LEVEL=DEBUG
    caplog.set_level(logging.DEBUG)
    deps = replace(deps, messenger=RecordingMessenger())
    survey_id = await _run_survey(deps, ids)
    async with deps.sessions() as session:
        assert await named_beside(session, survey_id, TITLE) == []
        words = sorted({w for names in (await _people_words(session)).values() for w in names})
    close_lines = [
        r.getMessage() for r in caplog.records if survey_id in r.getMessage() or TITLE in r.getMessage()
    ]
    assert close_lines, "the log check reads the survey's own lines"
    assert not [line for line in close_lines if any(w in line for w in words)]
    if db_url.startswith("sqlite"):
        wal = Path(db_url.split("///", 1)[1] + "-wal")
        assert wal_frames_naming_someone(wal.read_bytes() if wal.exists() else b"", survey_id, words) == 0


@pytest.mark.postgres
async def test_the_control_an_invitation_row_kept_after_close_is_found(
    deps: Deps, ids: dict[str, int]
) -> None:
    deps = replace(deps, messenger=RecordingMessenger())
    survey_id = await _run_survey(deps, ids)
    async with deps.sessions() as session:
        await _keep_an_invitation(session, survey_id, person_id=ids[RECI])
        await session.commit()
        found = await named_beside(session, survey_id, TITLE)
    assert len(found) == 1


async def _keep_an_invitation(session: AsyncSession, survey_id: str, *, person_id: int) -> None:
    """A row as the first edition left one per invitee: the person beside the survey's id."""
    table = _invitation_table()
    row: dict[str, Any] = {c.name: _default(c.name, survey_id, person_id, table) for c in table.columns}
    await session.execute(insert(table).values({k: v for k, v in row.items() if v is not None}))


def _invitation_table() -> Table:
    for name in ("outbox_messages", "update_requests"):
        if name in Base.metadata.tables:
            table = Base.metadata.tables[name]
            if "person_id" in table.columns and "subject" in table.columns:
                return table
    raise AssertionError("no outbox table with a person and a subject")


def _default(name: str, survey_id: str, person_id: int, table: Table) -> Any:
    known: dict[str, Any] = {
        "kind": "survey_invite",
        "recipient": f"person:{person_id}",
        "person_id": person_id,
        "subject": survey_id,
        "period": "2024-10-18",
        "status": "pending",
        "attempts": 0,
        "due_at": AFTER_CLOSE,
        "created_at": AFTER_CLOSE,
    }
    column = table.columns[name]
    if name in known:
        return known[name]
    return None if column.nullable or column.default is not None or name == "id" else ""
