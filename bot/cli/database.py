"""`nudgebot db upgrade` (backup and restore are in `bot/cli/backup.py`)."""

from __future__ import annotations

import typer

from bot.cli.common import console, run_with_core
from bot.wiring import Core
from storage.migrate import current_revision, head_revision

db_app = typer.Typer(rich_markup_mode=None, help="The database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Bring the database schema up to date (safe to run any number of times)."""

    async def work(core: Core) -> str | None:
        return await current_revision(core.engine)

    revision = run_with_core(work)
    console.print(f"Database is at revision {revision} (newest: {head_revision()}).")
