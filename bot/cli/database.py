"""`nudgebot db upgrade` and `nudgebot backup`."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import typer

from bot.cli.common import console, fail, run_with_core, settings_or_exit
from bot.wiring import Core
from storage.db import normalise_url
from storage.migrate import current_revision, head_revision

db_app = typer.Typer(rich_markup_mode=None, help="The database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Bring the database schema up to date (safe to run any number of times)."""

    async def work(core: Core) -> str | None:
        return await current_revision(core.engine)

    revision = run_with_core(work)
    console.print(f"Database is at revision {revision} (newest: {head_revision()}).")


def backup_command(
    out: Path = typer.Option(
        None, "--out", help="Where to write the backup; default backups/nudgebot-TIME.*"
    ),
) -> None:
    """Back up the database: SQLite's online backup, or pg_dump for PostgreSQL."""
    settings = settings_or_exit()
    url = normalise_url(settings.database_url)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if url.get_backend_name() == "sqlite":
        source = Path(url.database or "")
        if not source.exists():
            fail(f"no database file at {source}")
        target = out or Path("backups") / f"nudgebot-{stamp}.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        # The online backup API copies a consistent snapshot even while the bot is writing.
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
    else:
        if shutil.which("pg_dump") is None:
            fail("pg_dump is not installed; install the PostgreSQL client tools")
        target = out or Path("backups") / f"nudgebot-{stamp}.dump"
        target.parent.mkdir(parents=True, exist_ok=True)
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["pg_dump", "--format=custom", f"--file={target}", plain],  # noqa: S607 - pg_dump from PATH
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            fail(
                f"pg_dump failed: {result.stderr.strip().splitlines()[-1] if result.stderr else 'no output'}"
            )
    console.print(f"Backed up to {target}")
