"""Slack listeners, one module per kind; each acks first, then calls a plain function."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import actions, commands, events, views
from bot.wiring import Core


def register(app: AsyncApp, core: Core) -> None:
    for kind in (commands, actions, views, events):
        kind.register(app, core)
