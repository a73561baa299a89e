"""Build the Slack AsyncApp over the neutral router, and the aiohttp route that feeds it over HTTP."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from bot.slack import listeners
from bot.slack.messenger import quiet_sdk_logger
from bot.wiring import Core

log = logging.getLogger(__name__)


def secret(value: Any) -> str:
    return "" if value is None else str(value.get_secret_value())


def build_slack_app(core: Core) -> AsyncApp:
    """The bolt app. Listener calls (chat.update, views.open, …) answer a person who is waiting, so a
    connection error or a 429 is retried once here; outbound sends go through `SlackMessenger`, which
    never retries on its own."""
    settings = core.settings
    sdk_log = quiet_sdk_logger()
    client = AsyncWebClient(
        logger=sdk_log,
        token=secret(settings.slack_bot_token),
        base_url=settings.slack_api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
        ],
    )
    signing_secret = secret(settings.slack_signing_secret)
    app = AsyncApp(
        logger=sdk_log,
        client=client,
        signing_secret=signing_secret,
        # Socket Mode messages arrive over an authenticated websocket and carry no signature.
        request_verification_enabled=bool(signing_secret),
    )
    listeners.register(app, core)
    return app


def socket_mode(settings: Settings) -> bool:
    return settings.slack_app_token is not None


def events_route(
    app: AsyncApp, signing_secret: str
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """POST /slack/events: check the signature before reading the body, refuse malformed payloads with
    400 (bolt would answer 500), then hand the request to bolt."""
    verifier = SignatureVerifier(signing_secret)

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            raw = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            return web.json_response({"error": "body is not UTF-8"}, status=400)
        if not signed(verifier, raw, request.headers):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except Exception:
            log.info("refused an unparseable Slack request")
            return web.json_response({"error": "malformed payload"}, status=400)
        problem = shape_problem(bolt_request.body)
        if problem:
            log.info("refused a malformed Slack request: %s", problem)
            return web.json_response({"error": problem}, status=400)
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    return handle


def signed(verifier: SignatureVerifier, raw: str, headers: Mapping[str, str]) -> bool:
    """Slack's signature check, with a missing, empty or non-numeric timestamp refused as unsigned:
    slack_sdk calls `int()` on it and would raise (a 500 and an ERROR line for anyone who asks)."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "").strip()
    signature = headers.get("X-Slack-Signature", "")
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12 or not signature:
        return False
    return bool(verifier.is_valid(raw, timestamp, signature))


def _has(body: dict[str, Any], key: str, kind: type) -> bool:
    return isinstance(body.get(key), kind)


def shape_problem(body: Any) -> str:
    """What is missing from a signed payload that nudgebot needs, or "" when it is usable."""
    if not isinstance(body, dict):
        return "payload is not an object"
    kind = body.get("type")
    if "command" in body:
        ok = _has(body, "command", str) and _has(body, "user_id", str)
        return "" if ok else "command without user_id"
    if kind == "event_callback":
        ok = _has(body, "event", dict) and _has(body, "event_id", str)
        return "" if ok else "event without event or event_id"
    if kind in {"block_actions", "view_submission", "view_closed"}:
        user = body.get("user")
        if not (isinstance(user, dict) and isinstance(user.get("id"), str)):
            return f"{kind} without a user"
        if kind == "block_actions" and not (
            _has(body, "actions", list) and all(isinstance(a, dict) for a in body["actions"])
        ):
            return "block_actions without actions"
        if kind != "block_actions":
            return _view_problem(kind, body.get("view"))
        return ""
    if kind in {"url_verification", "app_rate_limited"} or "ssl_check" in body:
        return ""
    return "unknown payload type"


def _view_problem(kind: str, view: Any) -> str:
    """A view as Slack sends it: an object with a type, and `state.values` (when present) an object
    of blocks, each an object of elements, each an object (bolt and our reader both index into them)."""
    if not isinstance(view, dict):
        return f"{kind} without a view"
    if not isinstance(view.get("type"), str) or not isinstance(view.get("callback_id", ""), str):
        return f"{kind} view without a type"
    state = view.get("state", {})
    values = state.get("values", {}) if isinstance(state, dict) else None
    if not isinstance(values, dict) or not all(
        isinstance(block, dict) and all(isinstance(element, dict) for element in block.values())
        for block in values.values()
    ):
        return f"{kind} view with malformed state"
    return ""
