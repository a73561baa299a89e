"""`nudgebot backup` and `nudgebot restore FILE`, on SQLite and PostgreSQL.

Backups are written `0600` (a partial file first, renamed when complete, so a failure leaves nothing
half-written) and never hold an open survey's key or who-answered marks (`storage.backup_scope`).
`pg_dump` and `pg_restore` get the password through `PGPASSWORD` in their environment, never on
their command line, where any local user could read it in `/proc`.
A restore goes into an empty database only: restoring over live data would mix two histories.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import typer
from sqlalchemy.engine import URL

from bot.cli.common import console, fail, settings_or_exit
from bot.cli.problems import database_problem, file_problem
from storage.backup_scope import tables_left_out, user_tables
from storage.db import create_engine, normalise_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def backup_command(
    out: Path = typer.Option(
        None, "--out", help="Where to write the backup; default backups/nudgebot-TIME.db or .dump"
    ),
) -> None:
    """Back up the database (SQLite's online backup, or pg_dump), leaving out open surveys' secrets."""
    settings = settings_or_exit()
    url = normalise_url(settings.database_url)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    sqlite = url.get_backend_name() == "sqlite"
    target = out or Path("backups") / f"nudgebot-{stamp}.{'db' if sqlite else 'dump'}"
    with file_errors(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        with partial_file(target) as partial:
            if sqlite:
                backup_sqlite(Path(url.database or ""), partial)
            else:
                backup_postgres(url, partial)
    console.print(f"Backed up to {target} (readable by this user only)")


def restore_command(
    file: Path = typer.Argument(..., help="A backup made by `nudgebot backup`.", exists=True, dir_okay=False),
) -> None:
    """Restore a backup into the empty database named by DATABASE_URL; refuses one that holds data."""
    settings = settings_or_exit()
    url = normalise_url(settings.database_url)
    with file.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    sqlite = url.get_backend_name() == "sqlite"
    if head.startswith(SQLITE_MAGIC) != sqlite or not (head.startswith((SQLITE_MAGIC, PG_DUMP_MAGIC))):
        kind = "SQLite" if sqlite else "PostgreSQL"
        fail(f"{file} is not a nudgebot backup of a {kind} database (DATABASE_URL is {kind})")
    # A SQLite file that does not exist yet is empty; asking would create it (or fail on its folder).
    fresh = sqlite and not Path(url.database or "").exists()
    existing = [] if fresh else asyncio.run(_existing_tables(settings.database_url))
    if existing:
        fail(
            f"the database already holds {len(existing)} table(s) (e.g. {existing[0]}); "
            "restore only into an empty database, so that two histories are never mixed"
        )
    with file_errors(file):
        if sqlite:
            restore_sqlite(file, Path(url.database or ""))
        else:
            restore_postgres(file, url)
    console.print(f"Restored {file}. Start nudgebot as usual; it brings the schema up to date.")


async def _existing_tables(raw_url: str) -> list[str]:
    engine = create_engine(raw_url)
    try:
        return await user_tables(engine)
    except Exception as exc:
        fail(database_problem(exc))
    finally:
        await engine.dispose()


# --- SQLite ----------------------------------------------------------------------------------------


def backup_sqlite(source: Path, partial: Path) -> None:
    if not source.exists():
        fail(f"no database file at {source}")
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(partial)) as dst,
    ):
        # The online backup API copies a consistent snapshot even while the bot is writing.
        src.backup(dst)
        # Overwrite, not just free, the pages of what is left out, then compact: no old bytes remain.
        dst.execute("PRAGMA secure_delete=ON")
        for table in tables_left_out():
            dst.execute(f'DELETE FROM "{table}"')  # noqa: S608 - names from our own models
        dst.commit()
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.execute("VACUUM")


def restore_sqlite(backup: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.touch(mode=0o600)
    with (
        contextlib.closing(sqlite3.connect(backup)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


# --- PostgreSQL ------------------------------------------------------------------------------------


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL for libpq tools without its password, and an environment carrying the password."""
    # URL.set(password=None) would keep the password (None means "unchanged"): build it anew.
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    plain = bare.render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return plain, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        fail(f"{name} is not installed; install the PostgreSQL client tools")
    return found


def _run_tool(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        argv, env=env, capture_output=True, text=True, check=False, umask=0o077
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        last = lines[-1] if lines else "no output"
        tool = Path(argv[0]).name
        if "No space left on device" in result.stderr:
            fail(f"{tool} failed: the disk is full; nothing was written. Free some space and try again.")
        fail(f"{tool} failed: {last.removeprefix(f'{tool}: ')}")


def backup_postgres(url: URL, partial: Path) -> None:
    plain, env = _libpq(url)
    excluded = [f"--exclude-table-data={table}" for table in tables_left_out()]
    _run_tool([_tool("pg_dump"), "--format=custom", f"--file={partial}", *excluded, f"--dbname={plain}"], env)


def restore_postgres(backup: Path, url: URL) -> None:
    plain, env = _libpq(url)
    _run_tool(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={plain}",
            str(backup),
        ],
        env,
    )


# --- files -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def partial_file(target: Path) -> Iterator[Path]:
    """A `0600` file beside `target`, renamed onto it when the work succeeds and removed when not."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield partial
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def file_errors(path: Path) -> Iterator[None]:
    """A full disk, a read-only place or a database error: one line, never a traceback."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        fail(file_problem(exc, path))
