"""The app manifest declares what the adapter handles and only the scopes its calls need."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import yaml

from bot.slack import ids
from bot.slack.manifest import app_manifest
from handlers.features import build_router

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
    return app_manifest(build_router().commands.values(), base_url="https://bot.example.net/")


def test_commands_events_and_interactivity_are_declared() -> None:
    data = manifest()
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert list(commands) == ["/commitments", "/nudge", "/feedback", "/review"]
    assert commands["/nudge"]["usage_hint"] == "[mine | updates | smart | snooze KEY DAYS]"
    assert all(c["description"] and not c["should_escape"] for c in commands.values())
    request_url = "https://bot.example.net" + ids.EVENTS_PATH
    assert {c["url"] for c in commands.values()} == {request_url}
    assert data["settings"]["interactivity"]["request_url"] == request_url
    assert data["settings"]["event_subscriptions"]["request_url"] == request_url
    assert data["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened", "message.im"]
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert data["features"]["app_home"]["messages_tab_enabled"] is True


def test_only_the_scopes_the_bot_uses() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "users:read"} | set(CALLS.values()) | set(EVENT_SCOPES.values())
    assert scopes == needed


def test_the_command_line_prints_the_manifest_for_an_address() -> None:
    run = [sys.executable, "-m", "bot", "slack", "manifest"]
    done = subprocess.run(
        [*run, "--url", "https://bot.example.net"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    printed = yaml.safe_load(done.stdout)
    assert printed == manifest()
    refused = subprocess.run(
        [*run, "--url", "http://bot.example.net"], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 2 and "https://" in refused.stderr and not refused.stdout
