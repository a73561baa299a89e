"""Engines and sessions. Built by the composition root from a URL, never at import time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
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


@dataclass(frozen=True)
class PoolSettings:
    """Connection limits for one process (PostgreSQL); SQLite ignores them but the busy timeout."""

    size: int = 5
    max_overflow: int = 3
    # Seconds to wait for a pooled connection, and for a new one to open.
    timeout: float = 5.0
    connect_timeout: float = 5.0
    statement_timeout: float = 30.0


def create_engine(raw_url: str, *, pool: PoolSettings | None = None, **kwargs: Any) -> AsyncEngine:
    """An async engine for SQLite (WAL, busy timeout, foreign keys on) or PostgreSQL."""
    url = normalise_url(raw_url)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    elif pool is None:  # tools and tests: SQLAlchemy's own pool defaults
        # A connection the server dropped (a restart, an outage) is noticed and replaced, not handed out.
        engine = create_async_engine(url, pool_pre_ping=True, **kwargs)
    else:
        engine = create_async_engine(
            url,
            pool_pre_ping=True,
            pool_size=pool.size,
            max_overflow=pool.max_overflow,
            pool_timeout=pool.timeout,
            connect_args=postgres_connect_args(pool.connect_timeout, pool.statement_timeout),
            **kwargs,
        )
    watch_engine(engine)
    return engine


def postgres_connect_args(
    connect_timeout: float, statement_timeout: float, **server_settings: str
) -> dict[str, Any]:
    """asyncpg's arguments: open within `connect_timeout`, cancel any statement after `statement_timeout`."""
    settings = {"statement_timeout": str(int(statement_timeout * 1000)), **server_settings}
    return {"timeout": connect_timeout, "server_settings": settings}


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


# SQLSTATE classes that mean "the server is not there or is going away", not "this query is wrong":
# 08 connection exception, 57P01–57P03 admin shutdown / crash shutdown / cannot connect now.
_UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def is_database_unreachable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database cannot be reached right now."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SQLAlchemyTimeoutError | ConnectionError | TimeoutError):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, OSError):
            return True
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_UNREACHABLE_SQLSTATES):
            return True
        if type(current).__name__ in ("ConnectionDoesNotExistError", "InterfaceError"):
            return True
        current = current.__cause__ or current.__context__
    return False
