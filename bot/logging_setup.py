"""Log format for the running bot: ids and counts only, never bodies, tokens or answers (DESIGN §5)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# Third-party loggers stay at INFO or above even when LOG_LEVEL=DEBUG: at DEBUG slack_sdk logs every
# request and response body, and aiosqlite logs each statement with its parameters (a survey answer
# among them, DESIGN §5). tests/test_survey_handlers.py shows the leak and that this stops it.
QUIET_LOGGERS = (
    "slack_bolt",
    "slack_sdk",
    "aiohttp.access",
    "apscheduler",
    "microsoft_agents",
    "aiosqlite",
    "asyncpg",
)
# SQLAlchemy echoes every statement and its parameters at INFO, so it stays at WARNING.
SQL_LOGGER = "sqlalchemy"


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the exception's type, not its text).

    The message is the same one the text format prints, so the same rules keep it free of bodies,
    tokens and answers; a traceback is reduced to its exception type, since an exception's text can
    quote a statement's parameters.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, log_format: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger(SQL_LOGGER).setLevel(max(logging.WARNING, logging.getLevelName(level)))
