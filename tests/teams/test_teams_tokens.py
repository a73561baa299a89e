"""The Teams token check with real RS256 tokens: keys made here, served on loopback through the settings.

Bad signature, expired, wrong audience and wrong issuer each get 401 with nothing written; a token
from a tenant nobody trusts is refused at once even when the identity endpoint hangs, and the rest of
the server keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.teams.auth import teams_auth
from bot.teams.tokens import BOT_FRAMEWORK_ISSUER, SigningKeys, TokenCheck, guarded, trusted_sources
from bot.wiring import Core, build_core
from storage.clock import FixedClock
from storage.models import Evidence, PlatformIdentity, ProcessedDelivery
from tests.support.fakes import teams_activities as acts
from tests.support.fakes.identity import FakeIdentity, SilentServer, new_key
from tests.support.fakes.loopback import serve_on_loopback
from tests.support.fakes.teams_connector import FakeConnector
from tests.support.teams_fixtures import start_app, teams_settings


@dataclass
class Verified:
    core: Core
    url: str
    identity: FakeIdentity
    connector: FakeConnector
    http: aiohttp.ClientSession
    check: TokenCheck  # built from the same settings as the server's, for direct calls

    async def post(self, token: str | None) -> int:
        activity = acts.message(
            self.connector.service_url, user_id="29:u1", aad="aad-1", conversation="a:1", text="nudge mine"
        )
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.post(f"{self.url}/api/messages", json=activity, headers=headers) as resp:
            await resp.read()
            return resp.status

    async def writes(self) -> int:
        async with self.core.deps.sessions() as session:
            total = 0
            for model in (Evidence, PlatformIdentity, ProcessedDelivery):
                total += await session.scalar(select(func.count()).select_from(model)) or 0
        return total


def verified_settings(db_url: str, bot_framework: str, tenant: str) -> Any:
    return teams_settings(
        db_url,
        teams_app_password="not-a-real-secret",
        teams_tenant_id=acts.TENANT,
        teams_openid_metadata_url=bot_framework,
        teams_tenant_metadata_url=tenant,
    )


@pytest.fixture
async def verified(db_url: str, clock: FixedClock) -> AsyncIterator[Verified]:
    identity = await FakeIdentity().start()
    connector = await FakeConnector().start()
    core = build_core(verified_settings(db_url, identity.metadata_url, identity.metadata_url), clock=clock)
    runner, url = await start_app(core)
    http = aiohttp.ClientSession()
    check = teams_auth(core.settings).check
    yield Verified(core, url, identity, connector, http, check)
    await check.close()
    await http.close()
    await runner.cleanup()
    await core.close()
    await connector.stop()
    await identity.stop()


def _bad_tokens(identity: FakeIdentity) -> dict[str, str]:
    now = time.time()
    return {
        "bad signature": identity.token(audience=acts.APP_ID, key=new_key()),
        "expired": identity.token(audience=acts.APP_ID, issued=now - 7200, lifetime=600),
        "not yet valid": identity.token(audience=acts.APP_ID, issued=now + 3600),
        "wrong audience": identity.token(audience="some-other-app"),
        "wrong issuer": identity.token(
            audience=acts.APP_ID, issuer="https://sts.windows.net/another-tenant/"
        ),
        "unknown key": identity.token(audience=acts.APP_ID, kid="not-published"),
        "not a jwt": "forged.token.here",
    }


async def test_bad_tokens_get_401_and_nothing_is_written(verified: Verified) -> None:
    refused = {name: await verified.post(token) for name, token in _bad_tokens(verified.identity).items()}
    refused["no token"] = await verified.post(None)
    assert refused == dict.fromkeys(refused, 401)
    assert await verified.writes() == 0
    assert verified.connector.calls == []
    # The check really ran against our keys: the good token gets past it (the SDK's adapter then
    # refuses the loopback serviceUrl, which is not a Microsoft host — that is its own check).
    check = verified.check
    assert await check.claims(verified.identity.token(audience=acts.APP_ID)) is not None


async def test_the_issuer_is_checked_even_with_a_trusted_key(verified: Verified) -> None:
    """A token signed by a key we trust, for our app id, but issued for another purpose."""
    check = verified.check
    good = verified.identity.token(audience=acts.APP_ID)
    assert (await check.claims(good) or {}).get("iss") == BOT_FRAMEWORK_ISSUER
    for issuer in ("https://login.microsoftonline.com/another-tenant/v2.0", "https://evil.example/"):
        assert await check.claims(verified.identity.token(audience=acts.APP_ID, issuer=issuer)) is None
    own_tenant = verified.identity.token(
        audience=acts.APP_ID, issuer=f"https://sts.windows.net/{acts.TENANT}/"
    )
    assert await check.claims(own_tenant) is not None


async def test_a_good_token_reaches_the_handler_with_its_claims() -> None:
    identity = await FakeIdentity().start()
    check = TokenCheck(
        app_id=acts.APP_ID,
        sources=trusted_sources(
            tenant_id="", bot_framework_metadata=identity.metadata_url, tenant_metadata=""
        ),
    )
    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request["claims_identity"].claims["serviceurl"])
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/api/messages", guarded(check, handler))
    runner, port = await serve_on_loopback(app)
    try:
        async with aiohttp.ClientSession() as http:
            headers = {"Authorization": f"Bearer {identity.token(audience=acts.APP_ID)}"}
            async with http.post(f"http://127.0.0.1:{port}/api/messages", headers=headers) as resp:
                assert resp.status == 202
        assert seen == ["https://smba.trafficmanager.net/emea/"]
    finally:
        await runner.cleanup()
        await check.close()
        await identity.stop()


async def test_keys_are_cached_and_kept_when_the_endpoint_goes_away() -> None:
    identity = await FakeIdentity().start()
    keys = SigningKeys(identity.metadata_url)
    check = TokenCheck(app_id=acts.APP_ID, sources={BOT_FRAMEWORK_ISSUER: keys})
    try:
        token = identity.token(audience=acts.APP_ID)
        assert await check.claims(token) is not None
        assert await check.claims(token) is not None
        assert identity.requests == 2  # metadata and keys, once
        await identity.stop()
        keys.refresh_soon()  # a background refresh that fails keeps the keys it had
        assert await check.claims(token) is not None
    finally:
        await check.close()


async def test_an_unknown_tenant_is_refused_fast_while_the_identity_endpoint_hangs(
    sqlite_url: str, clock: FixedClock
) -> None:
    silent = await SilentServer().start()
    core = build_core(verified_settings(sqlite_url, silent.url, silent.url), clock=clock)
    runner, url = await start_app(core)
    identity = FakeIdentity()  # never served: it only signs
    stranger = identity.token(audience=acts.APP_ID, issuer="https://sts.windows.net/unknown-tenant/")
    trusted = identity.token(audience=acts.APP_ID)
    activity = acts.message(
        "https://smba.trafficmanager.net/emea/", user_id="29:u", aad="a", conversation="c", text="x"
    )
    try:
        async with aiohttp.ClientSession() as http:

            async def timed(method: str, path: str, token: str | None = None) -> tuple[int, float]:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                started = time.perf_counter()
                async with http.request(method, f"{url}{path}", json=activity, headers=headers) as resp:
                    await resp.read()
                    return resp.status, time.perf_counter() - started

            # A trusted issuer whose keys cannot come waits (up to its bound) without holding anyone up.
            waiting = asyncio.ensure_future(timed("POST", "/api/messages", trusted))
            await asyncio.sleep(0.05)
            answers = await asyncio.gather(
                *(timed("POST", "/api/messages", stranger) for _ in range(5)), timed("GET", "/healthz")
            )
            assert [status for status, _ in answers] == [401] * 5 + [200]
            assert max(took for _, took in answers) < 0.1, answers
            assert not waiting.done(), "the trusted request should still be waiting for keys"
            status, took = await waiting
            assert status == 401 and took < 5
        assert silent.connections >= 1  # the keys were asked for, from the hanging endpoint
        async with core.deps.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(ProcessedDelivery)) == 0
    finally:
        await runner.cleanup()
        await core.close()
        await silent.stop()
