"""One plain line for what goes wrong with the database or the disk, instead of a traceback.

The line names the problem and what to do, never the error's own text when that could quote a
statement's parameters (a survey answer, say) or a connection string with its password.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from storage.db import is_database_unreachable

DISK_FULL = "the disk is full; nothing was changed. Free some space and try again."
READ_ONLY = "the database is read-only (a read-only file, mount or replica); nothing was changed."

# PostgreSQL SQLSTATEs: disk full, out of memory, read-only transaction.
_PG_DISK_FULL = {"53100", "53200"}
_PG_READ_ONLY = "25006"


def _text(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).lower()


def _sqlstate(exc: BaseException) -> str:
    for candidate in (
        exc,
        getattr(exc, "orig", None),
        getattr(getattr(exc, "orig", None), "__cause__", None),
    ):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return ""


def database_problem(exc: BaseException) -> str:
    text, code = _text(exc), _sqlstate(exc)
    if "database or disk is full" in text or code in _PG_DISK_FULL or "no space left" in text:
        return f"the database's {DISK_FULL}"
    if "readonly database" in text or "read-only" in text or code == _PG_READ_ONLY:
        return READ_ONLY
    if "unable to open database file" in text:
        return "cannot open the database file; check DATABASE_URL and that its folder exists"
    if is_database_unreachable(exc):
        return "cannot reach the database; check DATABASE_URL and that the server is running"
    name = type(getattr(exc, "orig", None) or exc).__name__
    return (
        f"the database refused the change ({name}{', SQLSTATE ' + code if code else ''}); nothing was changed"
    )


def file_problem(exc: BaseException, path: Path) -> str:
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return f"cannot write {path}: {DISK_FULL}"
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return f"cannot write {path}: {exc.strerror.lower() if exc.strerror else 'not allowed'}"
        return f"cannot use {path}: {exc.strerror or type(exc).__name__}"
    if isinstance(exc, sqlite3.Error):
        return database_problem(exc)
    return f"cannot use {path}: {type(exc).__name__}"
