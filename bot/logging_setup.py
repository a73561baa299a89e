"""Log format for the running bot: ids and counts only, never bodies, tokens or answers (DESIGN §5)."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # slack_bolt logs whole request bodies at DEBUG; keep third-party loggers at INFO or above.
    for name in ("slack_bolt", "slack_sdk", "aiohttp.access", "apscheduler", "microsoft_agents"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
