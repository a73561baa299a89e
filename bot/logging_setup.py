"""Log format for the running bot: ids and counts only, never bodies, tokens or answers (DESIGN §5)."""

from __future__ import annotations

import logging

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


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger(SQL_LOGGER).setLevel(max(logging.WARNING, logging.getLevelName(level)))
