"""A fake Microsoft identity endpoint: OpenID metadata and signing keys made in the test, and tokens
signed with them; and a silent server that accepts connections and never answers.

Token shapes follow the Bot Framework's documented claims
(https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication):
`iss` https://api.botframework.com, `aud` the bot's app id, `serviceurl`, `nbf`/`exp`, RS256 with `kid`.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, Self

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.fakes.loopback import LoopbackServer


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**data, "kid": kid, "use": "sig", "alg": "RS256"}


@dataclass
class FakeIdentity(LoopbackServer):
    """Serves /metadata (naming /keys as its jwks_uri) and /keys, counting the requests."""

    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    kid: str = "test-key-1"
    requests: int = 0

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/metadata", self._metadata)
        app.router.add_get("/keys", self._keys)

    @property
    def metadata_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/metadata"

    async def _metadata(self, _request: web.Request) -> web.Response:
        self.requests += 1
        return web.json_response({"issuer": "https://api.botframework.com", "jwks_uri": self._jwks_uri})

    @property
    def _jwks_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/keys"

    async def _keys(self, _request: web.Request) -> web.Response:
        self.requests += 1
        return web.json_response({"keys": [public_jwk(self.key, self.kid)]})

    def token(
        self,
        *,
        audience: str,
        issuer: str = "https://api.botframework.com",
        service_url: str = "https://smba.trafficmanager.net/emea/",
        lifetime: float = 3600,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        issued: float | None = None,
    ) -> str:
        now = time.time() if issued is None else issued
        claims = {
            "iss": issuer,
            "aud": audience,
            "serviceurl": service_url,
            "nbf": int(now) - 5,
            "iat": int(now) - 5,
            "exp": int(now + lifetime),
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})


@dataclass
class SilentServer:
    """Accepts TCP connections on loopback and never sends a byte: an identity endpoint that hangs."""

    port: int = 0
    connections: int = 0
    _server: asyncio.Server | None = None
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/metadata"

    async def _accept(self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)

    async def start(self) -> Self:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
