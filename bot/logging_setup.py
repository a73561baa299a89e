"""Log format for the running bot: ids and counts only, never bodies, tokens or answers (DESIGN §5)."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Third-party loggers stay at INFO or above even when LOG_LEVEL=DEBUG: at DEBUG slack_sdk logs every
    # request and response body, and aiosqlite logs each statement with its parameters (a survey answer
    # among them, DESIGN §5). tests/test_survey_handlers.py shows the leak and that this stops it.
    quiet = (
        "slack_bolt",
        "slack_sdk",
        "aiohttp.access",
        "apscheduler",
        "microsoft_agents",
        "aiosqlite",
        "asyncpg",
    )
    for name in quiet:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
    # SQLAlchemy echoes every statement and its parameters at INFO on "sqlalchemy.engine".
    logging.getLogger("sqlalchemy").setLevel(max(logging.WARNING, logging.getLevelName(level)))
