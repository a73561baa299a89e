"""Recorded request bodies (tests/support/payloads/), as Slack and Teams send them, made ready to replay.

Each file holds `source` (where the shape was taken from), `adapted` (what was changed so it talks
about our demo people and nudge), `kind`, `expect` and `body`. Strings in the body such as "$OWNER"
or "$NUDGE_TS" stand for ids known only once the test has sent its nudge.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

PAYLOADS = Path(__file__).resolve().parent / "payloads"


@dataclass(frozen=True)
class Recorded:
    name: str
    source: str
    kind: str
    expect: dict[str, Any]
    body: Any


def recorded(platform: str) -> list[Recorded]:
    out = []
    for path in sorted((PAYLOADS / platform).glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc.get("source"), f"{path.name} does not name its source"
        out.append(Recorded(path.stem, doc["source"], doc["kind"], doc["expect"], doc["body"]))
    return out


def substitute(value: Any, names: dict[str, str]) -> Any:
    """`value` with every "$NAME" inside its strings replaced by `names["$NAME"]`."""
    if isinstance(value, dict):
        return {k: substitute(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, names) for v in value]
    if isinstance(value, str):
        for placeholder, real in names.items():
            value = value.replace(placeholder, real)
    return value


def slack_body(item: Recorded, names: dict[str, str]) -> tuple[str, str]:
    """(body, content type) as Slack would post it."""
    body = substitute(item.body, names)
    if item.kind == "event":
        return json.dumps(body), "application/json"
    if item.kind == "interaction":
        return urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded"
    return urlencode(body), "application/x-www-form-urlencoded"


def statuses(expect: dict[str, Any]) -> list[int]:
    wanted = expect.get("status", 200)
    return list(wanted) if isinstance(wanted, list) else [int(wanted)]


async def settle(seconds: float = 0.3) -> None:
    """Time for listeners that run on after their ack (bolt's background work) to write what they
    would; tests that expect something wait for it instead, and then check that nothing more came."""
    await asyncio.sleep(seconds)


def errors_logged(records: list[logging.LogRecord]) -> list[str]:
    """ERROR lines, and any line carrying a traceback, from what the test captured."""
    return [
        f"{r.name}: {r.getMessage()[:200]}"
        for r in records
        if r.levelno >= logging.ERROR or r.exc_info or "Traceback" in r.getMessage()
    ]
