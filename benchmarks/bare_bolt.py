"""The floor for `benchmarks.load`: a bare slack-bolt AsyncApp in a process of its own, answering a constant.

Run as `python -m benchmarks.bare_bolt PORT SLACK_API_URL`. It has the same signing secret, the same aiohttp
adapter and the same Web API client as nudgebot, and answers every slash command in the ack, as nudgebot does,
so the difference between the two is nudgebot's own work.
"""

from __future__ import annotations

import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.fakes.slack_requests import SIGNING_SECRET

CONSTANT = "constant"


def bare_app(api_url: str) -> web.Application:
    bolt = AsyncApp(client=AsyncWebClient(token="xoxb-bare", base_url=api_url), signing_secret=SIGNING_SECRET)

    async def constant(ack: AsyncAck) -> None:
        await ack(text=CONSTANT, response_type="ephemeral")

    for command in ("/commitments", "/nudge"):
        bolt.command(command)(constant)

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    port, api_url = int(sys.argv[1]), sys.argv[2]
    web.run_app(bare_app(api_url), host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
