"""Shared pieces of the command line: settings, the core, errors that exit non-zero with one clear line."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import NoReturn, TypeVar

import typer
from rich.console import Console
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.problems import database_problem
from bot.settings import Settings, SettingsError, load_settings
from bot.wiring import Core, build_core
from storage.db import DatabaseUrlError
from storage.migrate import SchemaTooNew, upgrade
from storage.yaml_nodes import InvalidFile

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]nudgebot:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        fail(str(exc), 2)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into a clear message on stderr and a non-zero exit, never a traceback."""
    try:
        yield
    except InvalidFile as exc:
        for problem in exc.problems:
            err_console.print(f"[red]error[/] {problem}", highlight=False, soft_wrap=True)
        fail(f"{len(exc.problems)} problem(s) found; nothing was changed", 1)
    except (SettingsError, DatabaseUrlError) as exc:
        fail(str(exc), 2)
    except SchemaTooNew as exc:
        fail(str(exc), 3)
    except (DBAPIError, sqlite3.Error) as exc:
        # A full disk or a read-only database during an import: one line, not a traceback.
        fail(database_problem(exc), 1)
    except OSError as exc:
        fail(f"cannot reach the database or a file: {exc}", 1)


# The wording every `--dry-run` uses, so a script can look for it.
DRY_RUN_HELP = "Print what would change, and change nothing."
DRY_RUN_NOTE = "Dry run: nothing was changed."
# A flag takes no value: an empty metavar keeps typer from showing "<bool>" beside it in the help.
FLAG = ""


@asynccontextmanager
async def transaction(core: Core, *, dry_run: bool) -> AsyncIterator[AsyncSession]:
    """One session in one transaction: committed at the end, or rolled back for a dry run or an error."""
    async with core.deps.sessions() as session, session.begin() as tx:
        yield session
        if dry_run:
            await tx.rollback()


def run_with_core(work: Callable[[Core], Awaitable[T]], *, migrate: bool = True) -> T:
    """Build the core, bring the schema up to date, run `work`, and always dispose of the engine."""
    settings = settings_or_exit()

    async def go() -> T:
        core = build_core(settings)
        try:
            if migrate:
                await upgrade(core.engine)
            return await work(core)
        finally:
            await core.close()

    with user_errors():
        return asyncio.run(go())
