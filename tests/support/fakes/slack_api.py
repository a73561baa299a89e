"""A fake Slack Web API on loopback (port 0) that the real slack-sdk client talks to.

It records every call (method, arguments) and answers canned JSON, the way slack-bolt tests itself.
Tests assert on `calls`; rate limits and failures can be injected per method.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.support.fakes.loopback import LoopbackServer


@dataclass
class Call:
    method: str
    args: dict[str, Any]


# A hook may answer instead of the fake: return a web.Response (say a 429) or None to go on.
Hook = Callable[[str, dict[str, Any]], web.Response | None]


@dataclass
class FakeSlack(LoopbackServer):
    """Start with `await fake.start()`; `fake.api_url` is the SLACK_API_URL to give the app."""

    users_by_email: dict[str, str] = field(default_factory=dict)
    emails_by_user: dict[str, str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    hooks: list[Hook] = field(default_factory=list)
    bot_user_id: str = "UBOT"
    team_id: str = "T0001"

    def __post_init__(self) -> None:
        self._ts = itertools.count(1)
        self.max_body = 20 * 1024 * 1024

    # --- lifecycle -------------------------------------------------------------------------------
    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{token}", self._response_url)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, token: str = "r1") -> str:
        return f"{self.base}/response/{token}"

    def add_user(self, user_id: str, email: str) -> None:
        self.users_by_email[email.lower()] = user_id
        self.emails_by_user[user_id] = email.lower()

    # --- what tests read ---------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posted_texts(self, method: str = "chat.postMessage") -> list[str]:
        """Every text Slack would show for `method` (fallback and blocks), one string per call."""
        return [_all_text(c.args) for c in self.calls_to(method)]

    # --- handlers ------------------------------------------------------------------------------------
    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.read()
            ctype = request.headers.get("Content-Type", "")
            if "application/json" in ctype:
                args.update(json.loads(raw or b"{}"))
            elif "multipart" not in ctype:
                args.update(dict(parse_qsl(raw.decode())))
        for key in ("blocks", "view", "attachments", "files"):
            if isinstance(args.get(key), str):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        for hook in self.hooks:
            answer = hook(method, args)
            if answer is not None:
                self.calls.append(Call(f"{method}!{answer.status}", args))
                return answer
        self.calls.append(Call(method, args))
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return ok | {
                "user_id": self.bot_user_id,
                "bot_id": "B0001",
                "team_id": self.team_id,
                "user": "nudgebot",
                "team": "Test",
                "url": "https://test.invalid/",
            }
        if method in {"chat.postMessage", "chat.update"}:
            ts = args.get("ts") or f"1700000000.{next(self._ts):06d}"
            return ok | {
                "channel": args.get("channel", ""),
                "ts": ts,
                "message": {"text": args.get("text", "")},
            }
        if method == "chat.postEphemeral":
            return ok | {"message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "conversations.open":
            users = str(args.get("users", ""))
            return ok | {"channel": {"id": "D" + users.split(",")[0]}}
        if method == "users.lookupByEmail":
            user = self.users_by_email.get(str(args.get("email", "")).lower())
            if user is None:
                return {"ok": False, "error": "users_not_found"}
            return ok | {"user": {"id": user, "profile": {"email": args.get("email")}}}
        if method == "users.info":
            user_id = str(args.get("user", ""))
            email = self.emails_by_user.get(user_id)
            profile = {"email": email, "real_name": user_id} if email else {"real_name": user_id}
            return ok | {"user": {"id": user_id, "name": user_id, "real_name": user_id, "profile": profile}}
        if method in {"views.open", "views.update", "views.push", "views.publish"}:
            return ok | {"view": {"id": f"V{next(self._ts)}", **(args.get("view") or {})}}
        if method == "conversations.members":
            return ok | {"members": list(self.emails_by_user), "response_metadata": {"next_cursor": ""}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            return ok | {"upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            return ok | {
                "files": [{"id": f["id"], "title": f.get("title", "")} for f in args.get("files", [])]
            }
        return ok

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")

    async def _response_url(self, request: web.Request) -> web.Response:
        args = await request.json()
        self.calls.append(Call("response_url", args))
        return web.json_response({"ok": True})


def rate_limited(method: str, *, times: int, retry_after: int = 1) -> Hook:
    """A hook answering 429 with Retry-After to the first `times` calls of `method`."""
    remaining = [times]

    def hook(called: str, _args: dict[str, Any]) -> web.Response | None:
        if called != method or remaining[0] <= 0:
            return None
        remaining[0] -= 1
        return web.json_response(
            {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)}
        )

    return hook


def _all_text(args: dict[str, Any]) -> str:
    """Flatten every string in a call's arguments (text, blocks, attachments) for content assertions."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk({k: v for k, v in args.items() if k in {"text", "blocks", "attachments", "view"}})
    return "\n".join(out)
