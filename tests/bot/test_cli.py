"""The administrator's command line, run as a real process: output, exit codes, nothing half-written."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.dbdump import dump

REPO = Path(__file__).resolve().parents[2]


def nudgebot(*args: str, db_url: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_"))}
    environment |= {"DATABASE_URL": db_url, "COLUMNS": "200", "NO_COLOR": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_import_show_and_coverage_from_the_command_line(
    db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    plan = str(REPO / "plans" / "race-equality-2024-25.yaml")
    first = nudgebot("plan", "import", plan, db_url=db_url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Plan race-equality-2024-25: 4 objectives, 21 actions." in first.stdout
    assert "owner(s) are not in the people list" in first.stdout

    people = nudgebot(
        "people", "import", str(REPO / "people" / "demo-people.csv"), db_url=db_url, cwd=tmp_path
    )
    assert people.returncode == 0, people.stderr
    assert "created 16" in people.stdout

    second = nudgebot("plan", "import", plan, db_url=db_url, cwd=tmp_path)
    assert second.returncode == 0
    assert "no changes" in second.stdout
    assert "not in the people list" not in second.stdout

    shown = nudgebot("plan", "show", db_url=db_url, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    for expected in ("INF Influence", "ORG Excellent organisation", "ORG-11", "Not started", "Sam Sample"):
        assert expected in shown.stdout

    one = nudgebot("plan", "show", "inf-2", db_url=db_url, cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    assert "At least quarterly senior-level meetings" in one.stdout
    assert "target:" in one.stdout

    missing = nudgebot("plan", "show", "XYZ-1", db_url=db_url, cwd=tmp_path)
    assert missing.returncode == 1
    assert "no action 'XYZ-1'" in missing.stderr

    objectives = nudgebot(
        "objectives", "import", str(REPO / "people" / "demo-objectives.csv"), db_url=db_url, cwd=tmp_path
    )
    assert objectives.returncode == 0, objectives.stderr
    cover = nudgebot("objectives", "coverage", "--by", "role", db_url=db_url, cwd=tmp_path)
    assert cover.returncode == 0, cover.stderr
    assert "2 / 3" in cover.stdout and "Jamie Dummy" in cover.stdout


async def test_a_broken_plan_exits_non_zero_with_lines_and_changes_nothing(
    db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    plan = str(REPO / "plans" / "race-equality-2024-25.yaml")
    assert nudgebot("plan", "import", plan, db_url=db_url, cwd=tmp_path).returncode == 0
    before = await dump(engine)
    broken = tmp_path / "broken.yaml"
    text = (REPO / "plans" / "race-equality-2024-25.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("key: INF-2", "key: INF-1", 1), encoding="utf-8")
    result = nudgebot("plan", "import", str(broken), db_url=db_url, cwd=tmp_path)
    assert result.returncode == 1
    assert f"{broken}:" in result.stderr and "duplicate action key 'INF-1'" in result.stderr
    assert "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert await dump(engine) == before


def test_bad_settings_stop_with_one_line_naming_the_setting(tmp_path: Path) -> None:
    bad_zone = nudgebot("db", "upgrade", db_url="sqlite:///x.db", cwd=tmp_path, TIMEZONE="Mars/Base")
    assert bad_zone.returncode == 2
    assert bad_zone.stderr.strip() == (
        "nudgebot: setting TIMEZONE: unknown time zone 'Mars/Base'; use a name like Europe/London"
    )
    bad_url = nudgebot("db", "upgrade", db_url="mysql://me@db/x", cwd=tmp_path)
    assert bad_url.returncode == 2
    assert bad_url.stderr.strip().startswith("nudgebot: setting DATABASE_URL: unsupported database 'mysql'")
    assert not (tmp_path / "x.db").exists()


def test_production_refuses_to_start_without_request_verification(tmp_path: Path) -> None:
    result = nudgebot(
        "db",
        "upgrade",
        db_url="sqlite:///x.db",
        cwd=tmp_path,
        ENVIRONMENT="production",
        SLACK_BOT_TOKEN="xoxb-not-a-real-token",
    )
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET is required in production" in result.stderr
    assert "xoxb-not-a-real-token" not in result.stderr + result.stdout


def test_db_upgrade_creates_the_schema_in_the_project_folder(tmp_path: Path) -> None:
    result = nudgebot("db", "upgrade", db_url="sqlite:///nudgebot.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Database is at revision" in result.stdout
    assert (tmp_path / "nudgebot.db").exists()


def test_run_on_a_busy_port_says_so(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = nudgebot("run", "--port", str(port), db_url="sqlite:///nudgebot.db", cwd=tmp_path)
    assert result.returncode == 1
    assert f"127.0.0.1:{port} is already in use" in result.stderr
    assert "Traceback" not in result.stderr
