"""The Slack app manifest: `manifest.yml` beside this module holds everything but the slash commands
and the address, which come from the command registry and from whoever installs the bot."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from typing import Any

import yaml

from bot.slack import ids
from handlers.router import Command

# Where manifest.yml says the bot's public address goes; `app_manifest` puts the real one there.
PLACEHOLDER_URL = "https://nudgebot.example.org"


def slash_commands(commands: Iterable[Command], *, request_url: str) -> list[dict[str, Any]]:
    """Each registered command as Slack's manifest declares a slash command."""
    return [
        {
            "command": f"/{command.name}",
            "url": request_url,
            "description": command.summary,
            "usage_hint": command.usage,
            "should_escape": False,
        }
        for command in commands
    ]


def app_manifest(commands: Iterable[Command], *, base_url: str = PLACEHOLDER_URL) -> dict[str, Any]:
    """The whole manifest: the template, the commands, and `base_url` wherever Slack sends requests."""
    template = resources.files("bot.slack").joinpath("manifest.yml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(template)
    request_url = base_url.rstrip("/") + ids.EVENTS_PATH
    data["features"]["slash_commands"] = slash_commands(commands, request_url=request_url)
    data["settings"]["event_subscriptions"]["request_url"] = request_url
    data["settings"]["interactivity"]["request_url"] = request_url
    return data


def manifest_yaml(commands: Iterable[Command], *, base_url: str = PLACEHOLDER_URL) -> str:
    data = app_manifest(commands, base_url=base_url)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
