"""Which Slack surface the one server offers: HTTP mode mounts /slack/events; Socket Mode does not."""

from __future__ import annotations

import pytest

from bot.platforms import configured_platforms
from bot.server import build_web_app
from bot.settings import SettingsError, load_settings
from bot.wiring import build_core


def routes(**settings: str) -> set[str]:
    core = build_core(load_settings(database_url="sqlite:///unused.db", **settings))
    app = build_web_app(core, configured_platforms(core.settings))
    return {r.resource.canonical for r in app.router.routes() if r.resource is not None}


def test_http_mode_mounts_slack_events_beside_healthz() -> None:
    assert routes(slack_bot_token="xoxb-t", slack_signing_secret="s") >= {"/healthz", "/slack/events"}


def test_socket_mode_and_no_slack_serve_no_slack_route() -> None:
    assert "/slack/events" not in routes(slack_bot_token="xoxb-t", slack_app_token="xapp-t")
    assert "/slack/events" not in routes()


def test_http_mode_without_a_signing_secret_refuses_to_start() -> None:
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        routes(slack_bot_token="xoxb-t")
