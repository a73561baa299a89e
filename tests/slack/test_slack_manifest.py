"""The app manifest declares what the adapter handles and only the scopes its calls need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.slack import ids

MANIFEST = Path(__file__).resolve().parents[2] / "bot" / "slack" / "manifest.yml"
# Each Web API method the adapter calls, and the bot scope it needs (docs.slack.dev/reference/methods).
CALLS = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "conversations.open": "im:write",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "files.getUploadURLExternal": "files:write",
}
EVENT_SCOPES = {"message.im": "im:history"}


def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_commands_events_and_interactivity_are_declared() -> None:
    data = manifest()
    commands = [c["command"] for c in data["features"]["slash_commands"]]
    assert commands == list(ids.COMMANDS)
    assert {c["url"] for c in data["features"]["slash_commands"]} == {
        data["settings"]["interactivity"]["request_url"]
    }
    assert data["settings"]["interactivity"]["request_url"].endswith(ids.EVENTS_PATH)
    assert data["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened", "message.im"]
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert data["features"]["app_home"]["messages_tab_enabled"] is True


def test_only_the_scopes_the_bot_uses() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "users:read"} | set(CALLS.values()) | set(EVENT_SCOPES.values())
    assert scopes == needed
