"""Linking a chat user to a person by email: once, even when two requests race to do it."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from handlers.context import Deps
from handlers.identity import resolve_actor
from storage.models import PlatformIdentity
from storage.people_file import load_people_file
from storage.people_import import import_people, known_roles
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from tests.support.slack_fixtures import PEOPLE, PLAN


async def seed(deps: Deps) -> None:
    async with deps.sessions() as session:
        await import_plan(session, load_plan_file(PLAN), now=deps.clock.now())
        people = load_people_file(
            PEOPLE, known_roles=await known_roles(session), default_timezone="Europe/London"
        )
        await import_people(session, people, now=deps.clock.now())
        await session.commit()


async def test_two_first_requests_at_once_link_once(deps: Deps) -> None:
    await seed(deps)
    both = await asyncio.gather(
        *(resolve_actor(deps, "slack", "U-CASEY", email="Casey.Testcase@example.org") for _ in range(2))
    )
    assert [a.name for a in both] == ["Casey Testcase", "Casey Testcase"]
    assert all(a.may("browse") for a in both)
    async with deps.sessions() as session:
        links = (await session.scalars(select(PlatformIdentity.external_id))).all()
    assert links == ["U-CASEY"]
    again = await resolve_actor(deps, "slack", "U-CASEY")
    assert (again.person_id, again.roles) == (both[0].person_id, frozenset({"policy", "staff"}))


async def test_no_email_match_is_a_visitor(deps: Deps) -> None:
    await seed(deps)
    visitor = await resolve_actor(deps, "slack", "U-X", email="nobody@example.org", display_name="Nobody")
    assert (visitor.known, visitor.name, visitor.permissions) == (False, "Nobody", frozenset())
