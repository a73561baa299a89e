"""Engines and sessions. Built by the composition root from a URL, never at import time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.read_cache import watch_engine

# How long a SQLite writer waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 5000

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class DatabaseUrlError(ValueError):
    """A DATABASE_URL that nudgebot cannot use."""


def normalise_url(raw: str) -> URL:
    """Parse a database URL and pick the async driver, so `sqlite:///x.db` and `postgresql://…` both work."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"cannot parse {raw!r} as a database URL") from exc
    driver = _ASYNC_DRIVERS.get(url.drivername)
    if driver is None:
        supported = "sqlite:///FILE or postgresql://USER:PASSWORD@HOST/DB"
        raise DatabaseUrlError(f"unsupported database {url.drivername!r}; use {supported}")
    return url.set(drivername=driver)


def create_engine(raw_url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for SQLite (WAL, busy timeout, foreign keys on) or PostgreSQL."""
    url = normalise_url(raw_url)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        engine = create_async_engine(url, pool_pre_ping=True, **kwargs)
    watch_engine(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets the bot read while a job writes; foreign keys are off by default in SQLite.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten with zeros, so a survey's destroyed who-answered hashes and its
        # responses' earlier order cannot be read back from free pages of the file (DESIGN §5).
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (async code cannot lazy-load)."""
    return async_sessionmaker(engine, expire_on_commit=False)
