"""`nudgebot measures import` and `measures show`, run as real processes on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.bot.test_cli import REPO, nudgebot
from tests.support.dbdump import dump

GOOD = """measure,period,value,note,source
INF-2.1,2024-Q2,1,Met one organisation,Stakeholder log
INF-2.1,2024-10-15,3,,Stakeholder log
VOI-3.1,2024-H1,25,First audit: the benchmark,Podcast audit
VOI-3.1,2025-03-31,33,,Podcast audit
ORG-4.1,2024-FY,0.92,Relative likelihood of accessing L&D,HR system
"""


def _setup(db_url: str, tmp_path: Path) -> None:
    for args in (
        ("plan", "import", str(REPO / "plans" / "race-equality-2024-25.yaml")),
        ("people", "import", str(REPO / "people" / "demo-people.csv")),
    ):
        done = nudgebot(*args, db_url=db_url, cwd=tmp_path)
        assert done.returncode == 0, done.stderr


async def test_figures_import_once_and_show_against_their_targets(db_url: str, tmp_path: Path) -> None:
    _setup(db_url, tmp_path)
    good = tmp_path / "figures.csv"
    good.write_text(GOOD, encoding="utf-8")
    first = nudgebot("measures", "import", str(good), db_url=db_url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Figures: 5 recorded, 0 already up to date" in first.stdout
    again = nudgebot("measures", "import", str(good), db_url=db_url, cwd=tmp_path)
    assert again.returncode == 0 and "no changes (5 row(s) already up to date)" in again.stdout

    table = nudgebot("measures", "show", db_url=db_url, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "3 of at least 2 in 2024-Q3 — met" in table.stdout
    assert "audit 33%, benchmark 25%, up 8 points" in table.stdout
    assert "0.92 against a target of within 0.8–1.25 — met" in table.stdout
    assert "INF-3.1" in table.stdout and "SUP-1.4" in table.stdout

    one = nudgebot("measures", "show", "voi-3.1", db_url=db_url, cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    assert "30 September 2024" in one.stdout and "31 March 2025" in one.stdout and "33%" in one.stdout
    missing = nudgebot("measures", "show", "INF-9.9", db_url=db_url, cwd=tmp_path)
    assert missing.returncode == 1 and "there is no measure INF-9.9" in missing.stderr


async def test_a_bad_row_is_refused_with_its_line_and_nothing_changes(
    db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    _setup(db_url, tmp_path)
    good = tmp_path / "figures.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert nudgebot("measures", "import", str(good), db_url=db_url, cwd=tmp_path).returncode == 0
    before = await dump(engine)
    file_bytes = _sqlite_bytes(db_url)

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "measure,period,value,note\n"
        "INF-2.1,2024-Q4,2,fine on its own\n"
        "INF-9.1,2024-Q3,2,\n"
        "VOI-4.1,2024-H2,lots,\n"
        "INF-2.1,2024-10,2,\n"
        "INF-3.1,2024-Q3,50,\n"
        "VOI-3.1,2024-H2,30,Counted by sam.sample@example.org\n"
        "VOI-3.1,2024-H1,30,Casey Testcase did the audit\n",
        encoding="utf-8",
    )
    refused = nudgebot("measures", "import", str(bad), db_url=db_url, cwd=tmp_path)
    assert refused.returncode == 1
    for expected in (
        "bad.csv:3: measure: INF-9.1 is not a measure of race-equality-2024-25",
        "bad.csv:4: value: 'lots' is not a number",
        "bad.csv:5: period: '2024-10' is not a period of INF-2.1, which is checked quarterly (e.g. 2024-Q1",
        "bad.csv:6: measure: INF-3.1 is computed by nudgebot",
        "bad.csv:7: note: holds an email address",
        "bad.csv:8: note: names a person from the people list",
        "nothing was changed",
    ):
        assert expected in refused.stderr, refused.stderr

    named = tmp_path / "named.csv"
    named.write_text(
        "measure,period,value,email\nINF-2.1,2024-Q4,2,sam.sample@example.org\n", encoding="utf-8"
    )
    by_column = nudgebot("measures", "import", str(named), db_url=db_url, cwd=tmp_path)
    assert by_column.returncode == 1
    assert "named.csv:1: email: names a person" in by_column.stderr

    assert await dump(engine) == before
    assert _sqlite_bytes(db_url) == file_bytes


def _sqlite_bytes(db_url: str) -> bytes | None:
    """The SQLite database file itself, so "unchanged" means byte for byte; None on PostgreSQL."""
    url = make_url(db_url)
    return Path(url.database or "").read_bytes() if url.get_backend_name() == "sqlite" else None
