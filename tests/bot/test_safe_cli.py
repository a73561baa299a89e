"""Administration that cannot hurt: partial people files, confirmation, dry runs, validation, real help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from typer.main import get_command
from typer.testing import CliRunner

from bot.cli import app
from storage.models import Person
from tests.bot.test_cli import REPO, nudgebot
from tests.support.dbdump import dump

PEOPLE = REPO / "people" / "demo-people.csv"


def _first_lines(tmp_path: Path, count: int) -> Path:
    lines = PEOPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "partial.csv"
    path.write_text("\n".join(lines[: count + 1]) + "\n", encoding="utf-8")
    return path


async def _active(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return len((await session.scalars(select(Person).where(Person.active.is_(True)))).all())


async def test_a_partial_people_file_changes_nobody_unless_asked_and_then_asks_to_confirm(
    db_url: str, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    assert nudgebot("people", "import", str(PEOPLE), db_url=db_url, cwd=tmp_path).returncode == 0
    partial = _first_lines(tmp_path, 2)

    kept = nudgebot("people", "import", str(partial), db_url=db_url, cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "not in the file, left active 14" in kept.stdout
    assert "--deactivate-missing" in kept.stdout
    assert await _active(sessions) == 16

    before = await dump(engine)
    dry = nudgebot(
        "people", "import", str(partial), "--deactivate-missing", "--dry-run", db_url=db_url, cwd=tmp_path
    )
    assert dry.returncode == 0, dry.stderr
    assert "would be deactivated (no longer in the file) 14" in dry.stdout
    assert "Dry run: nothing was changed." in dry.stdout
    # 14 of 16 is far above 10%: without a terminal to ask at, it refuses and changes nothing.
    refused = nudgebot("people", "import", str(partial), "--deactivate-missing", db_url=db_url, cwd=tmp_path)
    assert refused.returncode == 1
    assert "this would deactivate 14 of 16 active people (88%); run again with --yes" in refused.stderr
    assert await dump(engine) == before

    done = nudgebot(
        "people", "import", str(partial), "--deactivate-missing", "--yes", db_url=db_url, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "deactivated (no longer in the file) 14" in done.stdout
    assert await _active(sessions) == 2


async def test_a_plan_import_dry_run_and_validate_change_nothing(
    db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    plan = str(REPO / "plans" / "race-equality-2024-25.yaml")
    before = await dump(engine)
    dry = nudgebot("plan", "import", plan, "--dry-run", db_url=db_url, cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "Plan race-equality-2024-25: 4 objectives, 21 actions." in dry.stdout
    assert "Dry run: nothing was changed." in dry.stdout
    valid = nudgebot("plan", "validate", plan, db_url=db_url, cwd=tmp_path)
    assert valid.returncode == 0, valid.stderr
    assert (
        "is a valid plan: Race equality action plan 2024/25 (1 April 2024 to 31 March 2025), "
        "4 objectives, 21 actions." in valid.stdout
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(Path(plan).read_text(encoding="utf-8").replace("key: INF-2", "key: INF-1", 1))
    invalid = nudgebot("plan", "validate", str(broken), db_url=db_url, cwd=tmp_path)
    assert invalid.returncode == 1
    assert "duplicate action key 'INF-1'" in invalid.stderr
    assert await dump(engine) == before


def test_version_and_help_name_real_options(tmp_path: Path) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert shown.returncode == 0
    assert shown.stdout.startswith("nudgebot 0.")
    # Every command's help, walked from the real command tree: options by name, never a bare "<bool>".
    root = get_command(app)
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(root, [])
    assert ["people", "import"] in paths and ["plan", "validate"] in paths
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "<bool>" not in result.output, path
    people_help = runner.invoke(app, ["people", "import", "--help"]).output
    for option in ("--deactivate-missing", "--yes", "--dry-run"):
        assert option in people_help
    assert "--record" in runner.invoke(app, ["jobs", "run", "--help"]).output
