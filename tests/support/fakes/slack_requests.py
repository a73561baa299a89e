"""Signed requests as Slack sends them: slash commands, interactions and events, with real signatures."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret"


def signed_headers(
    body: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}


def command_body(
    command: str,
    text: str,
    *,
    user_id: str,
    response_url: str,
    trigger_id: str = "T-trigger",
    channel_id: str = "C-GENERAL",
    team_id: str = "T0001",
) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": team_id,
            "channel_id": channel_id,
            "user_id": user_id,
            "user_name": user_id,
            "command": command,
            "text": text,
            "response_url": response_url,
            "trigger_id": trigger_id,
            "api_app_id": "A0001",
        }
    )


def interaction_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_action(
    *,
    user_id: str,
    action_id: str,
    value: str,
    channel: str = "",
    message_ts: str = "",
    blocks: list[dict[str, Any]] | None = None,
    response_url: str = "",
    team_id: str = "T0001",
    action_ts: str = "1700000001.000100",
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0001",
        "trigger_id": "T-trigger",
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "value": value,
                "type": "button",
                "action_ts": action_ts,
            }
        ],
        "response_url": response_url,
    }
    if channel:
        payload["container"] = {"type": "message", "channel_id": channel, "message_ts": message_ts}
        payload["channel"] = {"id": channel}
        payload["message"] = {"ts": message_ts, "blocks": blocks or [], "text": ""}
    return payload


def event_body(event: dict[str, Any], *, event_id: str, team_id: str = "T0001") -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team_id,
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
    )
