"""A fake Microsoft Bot Connector on loopback (port 0): the `serviceUrl` Teams activities point at.

It records every call the real Agents SDK makes (create conversation, send, reply, update, member
look-up) and answers the way the Bot Connector does. Failures can be injected per path.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.fakes.loopback import LoopbackServer


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any]
    authorization: str = ""

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]


# A hook may answer instead of the fake (a 429, say) or return None to go on.
Hook = Callable[[str, str], web.Response | None]


@dataclass
class FakeConnector(LoopbackServer):
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def add_member(self, user_id: str, *, email: str, name: str, aad: str) -> None:
        self.members[user_id] = {"id": user_id, "email": email, "name": name, "aadObjectId": aad}

    def sent(self, method: str = "POST") -> list[Call]:
        """Messages the bot sent (or, with "PUT", updated)."""
        return [c for c in self.calls if c.method == method and "/activities" in c.path]

    async def _record(self, request: web.Request) -> tuple[Call, web.Response | None]:
        body = await request.json() if request.can_read_body else {}
        call = Call(request.method, request.path, body, request.headers.get("Authorization", ""))
        self.calls.append(call)
        for hook in self.hooks:
            answer = hook(request.method, request.path)
            if answer is not None:
                return call, answer
        return call, None

    async def _create(self, request: web.Request) -> web.Response:
        _call, hooked = await self._record(request)
        if hooked is not None:
            return hooked
        return web.json_response(
            {"id": f"a:new-{next(self._ids)}", "serviceUrl": self.service_url, "activityId": ""}
        )

    async def _send(self, request: web.Request) -> web.Response:
        _call, hooked = await self._record(request)
        if hooked is not None:
            return hooked
        return web.json_response({"id": f"activity-{next(self._ids)}"})

    async def _update(self, request: web.Request) -> web.Response:
        _call, hooked = await self._record(request)
        if hooked is not None:
            return hooked
        return web.json_response({"id": request.match_info["activity"]})

    async def _member(self, request: web.Request) -> web.Response:
        _call, hooked = await self._record(request)
        if hooked is not None:
            return hooked
        member = self.members.get(request.match_info["member"])
        if member is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(member)
