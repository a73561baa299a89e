"""Who is visiting: the person the visitor acts as (a cookie), and the page chrome around them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiohttp import web

from bot.sandbox import ids
from bot.sandbox.directory import channels_for, people_choices
from bot.sandbox.pages import PersonChoice, Viewer
from bot.sandbox.state import SANDBOX_KEY, Sandbox
from handlers.context import Actor
from handlers.identity import actor_for_person

# Scripts are never needed: refuse them outright, so escaped-by-mistake text still could not run.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_CHANNEL_PATH = re.compile(r"/channel/[a-z]+")


@dataclass(frozen=True)
class Visit:
    """One request from a visitor who has picked a person."""

    sandbox: Sandbox
    actor: Actor
    person: PersonChoice
    people: list[PersonChoice]

    @property
    def person_id(self) -> int:
        return self.person.id


def html_page(body: str) -> web.Response:
    return web.Response(text=body, content_type="text/html", charset="utf-8", headers=SECURITY_HEADERS)


def safe_back(raw: str) -> str:
    """Only the sandbox's own pages are places to return to."""
    if raw in (ids.DM_PATH, ids.APP_HOME_PATH) or _CHANNEL_PATH.fullmatch(raw):
        return raw
    return ids.DM_PATH


async def visit(request: web.Request) -> Visit | None:
    """Who the visitor is acting as (from the cookie), or None to send them to the picker."""
    sandbox = request.app[SANDBOX_KEY]
    raw = request.cookies.get(ids.COOKIE, "")
    if not raw.isdigit():
        return None
    people = await people_choices(sandbox.core.deps)
    person = next((p for p in people if p.id == int(raw)), None)
    if person is None:
        return None
    actor = await actor_for_person(
        sandbox.core.deps, person.id, platform=ids.PLATFORM, platform_user_id=str(person.id)
    )
    return Visit(sandbox, actor, person, people)


async def require_visit(request: web.Request) -> Visit:
    found = await visit(request)
    if found is None:
        raise web.HTTPSeeOther(ids.HOME_PATH)
    return found


def viewer(v: Visit) -> Viewer:
    control = v.sandbox.time_control
    return Viewer(
        person=v.person,
        people=v.people,
        channels=channels_for(v.actor),
        demo_now=v.sandbox.clock.now().astimezone(v.sandbox.core.settings.zone),
        jobs=tuple(control.jobs()) if control else (),
        notices=tuple(v.sandbox.take_notices(v.person_id)),
        tour=tour(v.sandbox),
    )


def tour(sandbox: Sandbox) -> tuple[str, ...]:
    control, started = sandbox.time_control, sandbox.started
    return tuple(control.tour(started)) if control and started else ()
