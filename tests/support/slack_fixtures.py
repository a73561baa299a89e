"""Shared Slack test rig: fake Slack Web API + the real aiohttp server + signed requests over HTTP.

`slack_rig` (in tests/conftest.py) starts FakeSlack on loopback, builds the core on a migrated database
with the demo plan and people imported (each person a Slack user in the fake, found by email), and
serves `bot.server.build_web_app` on 127.0.0.1 port 0. Tests send signed commands, clicks, form
submissions and events, then assert on what the fake received and on what the database holds.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.platforms import configured_platforms
from bot.server import build_web_app
from bot.settings import load_settings
from bot.wiring import Core, build_core
from handlers.router import Router
from storage.clock import Clock
from storage.people_file import load_people_file
from storage.people_import import import_people, known_roles
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from tests.support.fakes.loopback import serve_on_loopback
from tests.support.fakes.slack_api import Call, FakeSlack
from tests.support.fakes.slack_requests import (
    SIGNING_SECRET,
    command_body,
    event_body,
    interaction_body,
    signed_headers,
)

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "plans" / "race-equality-2024-25.yaml"
PEOPLE = REPO / "people" / "demo-people.csv"
# Someone in the workspace who is not in the people list.
STRANGER = ("U-STRANGER", "stranger@example.org")


@dataclass
class Reply:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


@dataclass
class SlackRig:
    fake: FakeSlack
    core: Core
    url: str
    http: aiohttp.ClientSession
    users: dict[str, str] = field(default_factory=dict)  # email → Slack user id
    # Answers that came back in the HTTP response itself (a command's ack with its message).
    acks: list[Call] = field(default_factory=list)

    def user(self, email: str) -> str:
        return self.users[email]

    async def post(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = signed_headers(body, secret=secret, timestamp=timestamp, content_type=content_type)
        async with self.http.post(
            f"{self.url}/slack/events", data=body.encode(), headers={**sent, **(headers or {})}
        ) as resp:
            reply = Reply(resp.status, await resp.text())
        if (
            resp.content_type == "application/json"
            and isinstance(reply.json(), dict)
            and "blocks" in reply.json()
        ):
            self.acks.append(Call("ack", reply.json()))
        return reply

    async def command(self, command: str, text: str, *, user: str, channel: str = "C-GENERAL") -> Reply:
        body = command_body(
            command, text, user_id=user, response_url=self.fake.response_url(), channel_id=channel
        )
        return await self.post(body)

    async def ask(self, command: str, text: str, *, user: str, channel: str = "C-GENERAL") -> dict[str, Any]:
        """A command's answer: in the ack when it was quick, else (a loaded machine) by response_url."""
        before = len(self.responses())
        reply = await self.command(command, text, user=user, channel=channel)
        assert reply.status == 200, reply
        if reply.text:
            answer = reply.json()
            assert isinstance(answer, dict)
            return answer
        late = await eventually(lambda: self.responses()[before:])
        args: dict[str, Any] = late[0].args
        return args

    async def interact(self, payload: dict[str, Any]) -> Reply:
        return await self.post(interaction_body(payload))

    async def event(self, event: dict[str, Any], *, event_id: str, retry: int = 0) -> Reply:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return await self.post(
            event_body(event, event_id=event_id), content_type="application/json", headers=headers
        )

    def sent(self) -> list[Call]:
        """Everything the app showed: calls to the fake Slack and answers in acks."""
        return [*self.fake.calls, *self.acks]

    def responses(self) -> list[Call]:
        """What the app sent back through a command's or a click's `response_url`."""
        return self.fake.calls_to("response_url")


async def eventually(check: Callable[[], Any], *, within: float = 10.0) -> Any:
    """Wait until `check()` is truthy: listeners go on after the 3-second ack, so Slack calls land later."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the expected Slack call never arrived")
        await asyncio.sleep(0.02)


async def start_rig(
    *, database_url: str, clock: Clock, router: Router | None = None, seed: bool = True
) -> tuple[SlackRig, Callable[[], Any]]:
    """Start everything; returns the rig and an async `stop()`."""
    fake = await FakeSlack().start()
    settings = load_settings(
        database_url=database_url,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        smt_channel="C-SMT",
        reci_channel="C-RECI",
    )
    core = build_core(settings, clock=clock)
    if router is not None:
        core = Core(settings=core.settings, engine=core.engine, deps=core.deps, router=router)
    platforms = configured_platforms(settings)
    core = core.with_messenger(platforms[0].messenger(core.deps))
    users = await seed_demo(core, clock) if seed else {}
    for email, user_id in users.items():
        fake.add_user(user_id, email)
    fake.add_user(*STRANGER)
    runner, port = await serve_on_loopback(build_web_app(core, platforms))
    http = aiohttp.ClientSession()
    rig = SlackRig(fake=fake, core=core, url=f"http://127.0.0.1:{port}", http=http, users=users)

    async def stop() -> None:
        await http.close()
        await runner.cleanup()
        # Listeners run on after their ack (bolt's background tasks): let them finish before closing.
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if others:
            await asyncio.wait(others, timeout=5)
        await fake.stop()
        await core.close()

    return rig, stop


async def seed_demo(core: Core, clock: Clock) -> dict[str, str]:
    """Import the demo plan and people through the real import functions; Slack ids by email."""
    async with core.deps.sessions() as session:
        await import_plan(session, load_plan_file(PLAN), now=clock.now())
        roles = await known_roles(session)
        people = load_people_file(PEOPLE, known_roles=roles, default_timezone="Europe/London")
        await import_people(session, people, now=clock.now())
        await session.commit()
    return {p.email: f"U{n:03d}" for n, p in enumerate(people, start=1)}


# --- Block Kit limits, asserted on every call the fake received ---------------------------------------

MESSAGE_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "response_url", "ack"}
VIEW_METHODS = {"views.open", "views.update", "views.push", "views.publish"}


def assert_within_limits(calls: Iterable[Call]) -> int:
    """Every message ≤ 50 blocks, every view ≤ 100, every section ≤ 3000 characters, every block valid
    by slack_sdk's own model checks. Returns how many blocks were checked (so a test sees it looked)."""
    checked = 0
    for call in calls:
        if call.method in MESSAGE_METHODS:
            blocks = call.args.get("blocks") or []
            assert len(blocks) <= 50, f"{call.method} sent {len(blocks)} blocks"
        elif call.method in VIEW_METHODS:
            view = call.args["view"]
            blocks = view.get("blocks") or []
            assert len(blocks) <= 100, f"{call.method} sent {len(blocks)} blocks"
            View(**view).validate_json()
        else:
            continue
        for block in blocks:
            for text in _section_texts(block):
                assert len(text) <= 3000, f"{call.method} sent a section of {len(text)} characters"
            parsed = Block.parse(block)
            assert parsed is not None, block
            parsed.validate_json()
            checked += 1
    return checked


def _section_texts(block: dict[str, Any]) -> list[str]:
    if block.get("type") != "section":
        return []
    texts = [block["text"]["text"]] if block.get("text") else []
    assert len(block.get("fields") or []) <= 10
    return texts + [f["text"] for f in block.get("fields") or []]


def view_submission(view: dict[str, Any], *, user: str, values: dict[str, str]) -> dict[str, Any]:
    """The payload Slack sends when `user` submits the modal `view` (as the app opened it) with `values`."""
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        value = values.get(block["block_id"], "")
        if element["type"] == "static_select":
            answer: dict[str, Any] = {"selected_option": {"value": value} if value else None}
        elif element["type"] == "datepicker":
            answer = {"selected_date": value or None}
        else:
            answer = {"value": value or None}
        state[block["block_id"]] = {element["action_id"]: {"type": element["type"], **answer}}
    return {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": user, "team_id": "T0001"},
        "api_app_id": "A0001",
        "trigger_id": "T-trigger-2",
        "view": {**view, "id": "V-open", "state": {"values": state}},
    }
