"""The Teams app package: `manifest.json` (schema 1.19) and two icons drawn here, zipped for upload."""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.teams import ids
from handlers.router import Command

Pixel = tuple[int, int, int, int]
BRAND = (0x1F, 0x5C, 0x99, 255)  # the colour icon's background: a plain blue
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


class PackageError(Exception):
    """A package nudgebot will not write; the message says what to set."""


def png(size: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """A minimal RGBA PNG (signature, IHDR, one IDAT, IEND): enough for Teams, no image library needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _bell(x: float, y: float) -> bool:
    """A simple bell (a nudge) in the unit square: a dome, a body, a rim and a clapper."""
    dome = (x - 0.5) ** 2 + ((y - 0.42) / 1.1) ** 2 <= 0.09 and y <= 0.42
    body = 0.2 <= x <= 0.8 and 0.42 <= y <= 0.68 and abs(x - 0.5) <= 0.3
    rim = 0.14 <= x <= 0.86 and 0.68 <= y <= 0.74
    clapper = (x - 0.5) ** 2 + (y - 0.8) ** 2 <= 0.005
    return dome or body or rim or clapper


def color_icon() -> bytes:
    size = ids.COLOR_ICON_SIZE
    return png(size, lambda x, y: WHITE if _bell((x + 0.5) / size, (y + 0.5) / size) else BRAND)


def outline_icon() -> bytes:
    """32×32, white on transparent only, as Teams requires of the outline icon."""
    size = ids.OUTLINE_ICON_SIZE
    return png(size, lambda x, y: WHITE if _bell((x + 0.5) / size, (y + 0.5) / size) else CLEAR)


def command_list(commands: Iterable[Command]) -> list[dict[str, str]]:
    """The bot's command menu in Teams: each command as a person types it, with what it does."""
    return [{"title": c.name, "description": c.summary} for c in commands]


def manifest(
    settings: Settings, *, version: str, website: str, commands: Iterable[Command]
) -> dict[str, Any]:
    app_id = (settings.teams_app_id or "").strip()
    if not app_id:
        raise PackageError("setting TEAMS_APP_ID: required to build the Teams app package")
    return {
        "$schema": ids.MANIFEST_SCHEMA,
        "manifestVersion": ids.MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": "nudgebot",
            "websiteUrl": website,
            "privacyUrl": website,
            "termsOfUseUrl": website,
        },
        "name": {"short": "nudgebot", "full": "nudgebot: keeping our action plan moving"},
        "description": {
            "short": "Nudges action owners, keeps their updates as evidence, answers look-ups.",
            "full": (
                "nudgebot keeps the organisation's race equality action plan moving: it asks action "
                "owners for updates when they are due, keeps their replies as evidence, posts digests "
                "to the senior management team and the staff network, and answers anyone who looks "
                "the commitments up."
            ),
        },
        "icons": {"color": ids.COLOR_ICON, "outline": ids.OUTLINE_ICON},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*BRAND[:3]),
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {
                        "scopes": ["personal", "team"],
                        "commands": command_list(commands),
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
        "webApplicationInfo": {"id": app_id, "resource": f"api://botid-{app_id}"},
    }


_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
REQUIRED = (
    "$schema",
    "manifestVersion",
    "version",
    "id",
    "developer",
    "name",
    "description",
    "icons",
    "accentColor",
)


def validate(data: dict[str, Any]) -> list[str]:
    """The problems Teams admin centre would reject the manifest for, as far as we can tell offline."""
    problems = [f"manifest: missing {key}" for key in REQUIRED if not data.get(key)]
    if data.get("id") and not _GUID.fullmatch(str(data["id"])):
        problems.append("TEAMS_APP_ID must be the bot's Microsoft app id, a GUID like 1b2c3d4e-…")
    if len(str((data.get("name") or {}).get("short", ""))) > 30:
        problems.append("manifest: name.short is longer than 30 characters")
    if len(str((data.get("description") or {}).get("short", ""))) > 80:
        problems.append("manifest: description.short is longer than 80 characters")
    for bot in data.get("bots") or []:
        if not bot.get("botId") or not bot.get("scopes"):
            problems.append("manifest: each bot needs botId and scopes")
        for command_list in bot.get("commandLists") or []:
            if len(command_list.get("commands") or []) > 10:
                problems.append("manifest: at most 10 commands per command list")
    developer = data.get("developer") or {}
    for key in ("name", "websiteUrl", "privacyUrl", "termsOfUseUrl"):
        if not developer.get(key):
            problems.append(f"manifest: missing developer.{key}")
        elif key != "name" and not str(developer[key]).startswith("https://"):
            problems.append(f"manifest: developer.{key} must be an https:// address")
    return problems


def write_package(
    settings: Settings, out: Path, *, version: str, website: str, commands: Iterable[Command]
) -> Path:
    """Validate, then write the zip; nothing is written when anything is wrong."""
    data = manifest(settings, version=version, website=website, commands=commands)
    problems = validate(data)
    if problems:
        raise PackageError("; ".join(problems))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr(ids.COLOR_ICON, color_icon())
        archive.writestr(ids.OUTLINE_ICON, outline_icon())
    partial.replace(out)
    return out
