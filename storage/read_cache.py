"""Read-only look-ups remembered until the database changes: the one place their results are invalidated.

Slash commands ask the same few questions of a database that changes far less often than it is read (the
plan, who someone is, an action in full). A function decorated with `cached_read` keeps its last answers
beside the database's *change stamp*, and answers from memory while the stamp is the same. The stamp is the
single invalidation point, and it moves on any committed write, by this process or another:

- SQLite: the size and modification time of the database file and its `-wal` (every commit appends to the
  WAL, and a checkpoint writes the file), plus a counter this process bumps on each of its own commits that
  wrote, so its own writes are seen at once even within the file system's timestamp granularity;
- PostgreSQL: the current transaction snapshot (`pg_current_snapshot()`: the next transaction id and those
  still running), which moves whenever any transaction in the cluster starts writing or finishes one; reads
  leave it alone. One cheap statement per session, instead of the look-up's several.

The stamp is read once per transaction, before its first look-up, so an answer is never tagged with a stamp
newer than the data it was built from. A session that has written anything reads through, never from
memory. Results are shared between requests: callers treat them as read-only.
"""

from __future__ import annotations

import functools
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, ParamSpec, TypeVar, cast

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

P = ParamSpec("P")
T = TypeVar("T")

# Answers kept per function; the least recently used go first.
MAX_ENTRIES = 4096
_STAMP_KEY = "nudgebot.read_cache.stamp"
_WROTE_KEY = "nudgebot.read_cache.wrote"
_enabled = True
# Commits that wrote, made by this process, per database (keyed by URL, so every engine on it counts).
_local_writes: dict[str, int] = {}


def set_enabled(enabled: bool) -> None:
    """Turn remembering off (benchmarks measure both ways; tests may prove an answer is fresh)."""
    global _enabled
    _enabled = enabled


def watch_engine(engine: AsyncEngine) -> None:
    """Count this process's own committed writes on `engine` (called once, where the engine is made)."""
    sync = engine.sync_engine
    database = _database(sync)
    _local_writes.setdefault(database, 0)

    @event.listens_for(sync, "after_cursor_execute")
    def _flag_writes(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP"}:
            conn.info[_WROTE_KEY] = True

    @event.listens_for(sync, "commit")
    def _count_commit(conn: Connection) -> None:
        if conn.info.pop(_WROTE_KEY, False):
            _local_writes[database] = _local_writes.get(database, 0) + 1

    @event.listens_for(sync, "rollback")
    def _forget_rollback(conn: Connection) -> None:
        conn.info.pop(_WROTE_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _flag_session_writes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE_KEY] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_stamp(session: Session, _transaction: Any) -> None:
    # A stamp belongs to one transaction: the next one may see other sessions' commits.
    session.info.pop(_STAMP_KEY, None)


@event.listens_for(Session, "after_flush")
def _flag_session_flush(session: Session, _context: Any) -> None:
    session.info[_WROTE_KEY] = True


def _database(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _file_stamp(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def _engine(session: AsyncSession) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


async def _stamp(session: AsyncSession, engine: Engine) -> Hashable:
    stamp: Hashable | None = session.info.get(_STAMP_KEY)
    if stamp is not None:
        return stamp
    if engine.dialect.name == "sqlite":
        path = engine.url.database or ""
        stamp = (_local_writes.get(_database(engine), 0), _file_stamp(path), _file_stamp(f"{path}-wal"))
    else:
        stamp = str(await session.scalar(text("SELECT pg_current_snapshot()::text")))
    session.info[_STAMP_KEY] = stamp
    return stamp


def _key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Hashable:
    return (args, tuple(sorted(kwargs.items())))


def cached_read(function: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Remember `function(session, …)`'s answers until the database's change stamp moves.

    The arguments after the session must be hashable; the answer is shared, so callers must not change it.
    """
    return _remembering(function, entity=False)


def cached_entity(function: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """`cached_read` for a function answering one mapped object (or None): each session gets its own copy.

    The remembered object is merged into the asking session without a query (`merge(load=False)`), so a
    caller may use it in that session like one it loaded, and never shares it with another session.
    """
    return _remembering(function, entity=True)


def _remembering(function: Callable[P, Awaitable[T]], *, entity: bool) -> Callable[P, Awaitable[T]]:
    entries: OrderedDict[Hashable, tuple[Hashable, T]] = OrderedDict()

    @functools.wraps(function)
    async def remembered(*args: P.args, **kwargs: P.kwargs) -> T:
        session = cast(AsyncSession, args[0])
        if not _enabled or session.info.get(_WROTE_KEY):
            return await function(*args, **kwargs)
        engine = _engine(session)
        stamp = await _stamp(session, engine)
        key = (_database(engine), _key(args[1:], dict(kwargs)))
        found = entries.get(key)
        if found is not None and found[0] == stamp:
            entries.move_to_end(key)
            value = found[1]
        else:
            value = await function(*args, **kwargs)
            if entity and value is not None:
                # Keep a detached copy, so the loading session's later changes never reach the memory.
                value = await session.merge(value, load=True)
                session.expunge(value)
            entries[key] = (stamp, value)
            entries.move_to_end(key)
            while len(entries) > MAX_ENTRIES:
                entries.popitem(last=False)
        if entity and value is not None:
            return await session.merge(value, load=False)
        return value

    return remembered
