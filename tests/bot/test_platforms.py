"""The platform list: which platforms the settings serve, the primary one as a setting, and a runner
and server that name none of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.messengers import PlatformMessengers
from bot.platforms import PLATFORMS, combined_messenger, configured_platforms
from bot.settings import SettingsError, load_settings
from bot.teams.platform import TeamsPlatform
from bot.wiring import build_core
from tests.bot.test_lazy_imports import _loaded_after
from tests.test_import_cycles import import_graph

REPO = Path(__file__).resolve().parents[2]
BOTH = {
    "database_url": "sqlite:///unused.db",
    "slack_bot_token": "xoxb-t",
    "slack_signing_secret": "s",
    "teams_app_id": "app",
}


def test_both_platforms_share_one_messenger_with_the_primary_from_the_settings() -> None:
    for primary in ("slack", "teams"):
        settings = load_settings(_env_file=None, primary_platform=primary, **BOTH)
        platforms = configured_platforms(settings)
        assert [p.name for p in platforms] == ["slack", "teams"]
        messenger = combined_messenger(platforms, build_core(settings).deps, primary=primary)
        assert isinstance(messenger, PlatformMessengers)
        assert messenger.primary == primary and set(messenger.by_platform) == {"slack", "teams"}


def test_a_primary_platform_that_is_not_configured_is_named_in_the_error() -> None:
    settings = load_settings(_env_file=None, primary_platform="matrix", **BOTH)
    with pytest.raises(SettingsError, match="PRIMARY_PLATFORM: 'matrix'"):
        combined_messenger(configured_platforms(settings), build_core(settings).deps, primary="matrix")


def test_one_teams_adapter_serves_the_route_and_the_messenger() -> None:
    settings = load_settings(_env_file=None, **BOTH)
    platform = TeamsPlatform(settings)
    messenger = platform.messenger(build_core(settings).deps)
    assert getattr(messenger, "adapter", None) is platform.adapter


def test_the_runner_and_the_server_import_no_platform() -> None:
    graph = import_graph(REPO, ["bot", "handlers", "jobs", "storage"])
    own = {kind.name for kind in PLATFORMS} | {"sandbox"}
    for module in ("bot.runner", "bot.server"):
        named = {m for m in graph[module] if m.split(".")[1:2] and m.split(".")[1] in own}
        assert named == set(), f"{module} imports {named}"
        assert graph[module], "the import graph is empty: the check would prove nothing"


def test_the_command_line_starts_without_any_chat_sdk() -> None:
    # A platform's SDK is imported when the settings configure it, not by the platform list.
    sdks = {"slack_bolt", "slack_sdk", "microsoft_agents"}
    assert not sdks & _loaded_after("bot.cli")
    assert not sdks & _loaded_after("bot.platforms")
    # The control: the Teams platform module does bring its SDK.
    assert "microsoft_agents" in _loaded_after("bot.teams.platform")
