"""The token check on inbound Teams activities: signature, expiry, audience and issuer, never blocking.

The Agents SDK's own check (`jwt_authorization_decorator`) leaves the issuer unchecked unless asked,
and fetches signing keys with a synchronous client, in a thread, under a lock: an identity endpoint
that does not answer stalls every Teams request behind it, and an unreachable one answers 500. Here:

- only issuers nudgebot trusts are looked at: the Bot Framework (what Teams sends) and, with a tenant
  configured, Entra ID for that tenant. A token naming any other issuer is refused at once, with no
  network call at all;
- each issuer's keys come from its OpenID metadata (URLs are settings, so tests point them at
  loopback), fetched with aiohttp, cached, and refreshed in the background: a request waits at most
  `key_wait` seconds for keys it has never seen, and is refused when they have not come;
- audience = the app id, expiry and not-before with five minutes' leeway, RS256 only.
(https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from microsoft_agents.hosting.core import ClaimsIdentity

log = logging.getLogger(__name__)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_METADATA = "https://login.botframework.com/v1/.well-known/openidconfiguration"
TENANT_METADATA = "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
# Microsoft's documented clock skew allowance.
LEEWAY_SECONDS = 300
# Keys change rarely; Microsoft asks for a refresh at least daily.
REFRESH_EVERY = 24 * 3600.0
# After a failed fetch, how long before another is tried (a request never triggers a storm of them).
RETRY_AFTER = 30.0
FETCH_TIMEOUT = 10.0

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class SigningKeys:
    """The keys published at one OpenID metadata URL, fetched off the request path."""

    metadata_url: str
    key_wait: float = 2.0
    _keys: dict[str, jwt.PyJWK] = field(default_factory=dict)
    _fetched_at: float | None = None
    _tried_at: float = -RETRY_AFTER
    _task: asyncio.Task[None] | None = None

    def refresh_soon(self) -> asyncio.Task[None] | None:
        """Start a background fetch unless one is running or one failed moments ago."""
        if self._task is not None and not self._task.done():
            return self._task
        if time.monotonic() - self._tried_at < RETRY_AFTER:
            return None
        self._tried_at = time.monotonic()
        self._task = asyncio.get_running_loop().create_task(self._refresh())
        return self._task

    async def key(self, kid: str) -> jwt.PyJWK | None:
        if self._fetched_at is not None and time.monotonic() - self._fetched_at > REFRESH_EVERY:
            self.refresh_soon()
        if kid in self._keys:
            return self._keys[kid]
        task = self.refresh_soon() or self._task
        if task is not None and not task.done():
            # Shielded: a request that gives up must not cancel the fetch the next one will use.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), timeout=self.key_wait)
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        try:
            timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT)
            async with aiohttp.ClientSession(timeout=timeout) as http:
                async with http.get(self.metadata_url) as resp:
                    resp.raise_for_status()
                    metadata = await resp.json(content_type=None)
                async with http.get(str(metadata["jwks_uri"])) as resp:
                    resp.raise_for_status()
                    published = await resp.json(content_type=None)
            keys = {}
            for data in published.get("keys", []):
                with contextlib.suppress(jwt.PyJWTError, KeyError, TypeError, ValueError):
                    keys[str(data["kid"])] = jwt.PyJWK(data)
        except (aiohttp.ClientError, TimeoutError, KeyError, TypeError, ValueError) as exc:
            # The old keys stay: Microsoft rolls keys with an overlap, so they are still good for a while.
            what = type(exc).__name__
            log.warning("could not refresh Teams signing keys from %s: %s", self.metadata_url, what)
            return
        if keys:
            self._keys = keys
            self._fetched_at = time.monotonic()
            log.info("teams signing keys refreshed from %s (%d keys)", self.metadata_url, len(keys))

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


@dataclass
class TokenCheck:
    """Who may call /api/messages: tokens for `app_id` from the issuers in `sources`."""

    app_id: str
    sources: Mapping[str, SigningKeys]
    anonymous_allowed: bool = False

    async def identity(self, header: str | None) -> ClaimsIdentity | None:
        """The caller's verified claims; an anonymous identity in development; None to refuse."""
        if not header:
            return ClaimsIdentity() if self.anonymous_allowed else None
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
            return None
        claims = await self.claims(token)
        return None if claims is None else ClaimsIdentity(claims, "Bearer", security_token=token)

    async def claims(self, token: str) -> dict[str, Any] | None:
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None
        issuer, kid = unverified.get("iss"), header.get("kid")
        source = self.sources.get(issuer) if isinstance(issuer, str) else None
        if source is None or header.get("alg") != "RS256" or not isinstance(kid, str):
            log.info("refused a teams token: issuer not trusted or header not RS256 with a key id")
            return None
        key = await source.key(kid)
        if key is None:
            log.info("refused a teams token: its signing key is unknown or could not be fetched")
            return None
        try:
            verified: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            log.info("refused a teams token: %s", type(exc).__name__)
            return None
        return verified

    def start(self) -> None:
        """Fetch every issuer's keys now, so the first activity does not wait for them."""
        for source in self.sources.values():
            source.refresh_soon()

    async def close(self) -> None:
        for source in self.sources.values():
            await source.close()


def trusted_sources(
    *, tenant_id: str, bot_framework_metadata: str, tenant_metadata: str, key_wait: float = 2.0
) -> dict[str, SigningKeys]:
    """Issuer → where its keys are published. Entra's v1 and v2 issuers share the tenant's keys."""
    sources = {BOT_FRAMEWORK_ISSUER: SigningKeys(bot_framework_metadata, key_wait=key_wait)}
    if tenant_id:
        entra = SigningKeys(tenant_metadata.format(tenant=tenant_id), key_wait=key_wait)
        sources[f"https://sts.windows.net/{tenant_id}/"] = entra
        sources[f"https://login.microsoftonline.com/{tenant_id}/v2.0"] = entra
    return sources


def guarded(check: TokenCheck, handler: Handler) -> Handler:
    """`handler` behind the token check; the claims go where the SDK's adapter reads them."""

    async def guard(request: web.Request) -> web.StreamResponse:
        identity = await check.identity(request.headers.get("Authorization"))
        if identity is None:
            return web.json_response({"error": "Invalid token or authentication failed."}, status=401)
        request["claims_identity"] = identity
        return await handler(request)

    return guard
