"""/commitments through the Router: browse by objective, search, one action in full, paging, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers import actions
from handlers.context import Deps, Origin
from handlers.features import build_router
from storage.models import Action, Evidence, Person
from tests.support.handlers_support import (
    action_row,
    actor,
    assert_within_limits,
    buttons_of,
    seed,
    stranger,
    text_of,
)
from tests.support.statements import statements_on


async def _set_status(deps: Deps, **statuses: str) -> None:
    async with deps.sessions() as session:
        for key, status in statuses.items():
            await session.execute(
                update(Action).where(Action.key == key.replace("_", "-")).values(status=status)
            )
        await session.commit()


async def _add_evidence(deps: Deps, key: str, count: int) -> None:
    action = await action_row(deps, key)
    start = deps.clock.now() - timedelta(days=count)
    async with deps.sessions() as session:
        sam = await session.scalar(select(Person).where(Person.email == "sam.sample@example.org"))
        assert sam is not None
        for i in range(count):
            session.add(
                Evidence(
                    action_id=action.id,
                    author_id=sam.id,
                    author_name=sam.name,
                    status="at_risk" if i == count - 1 else "on_track",
                    narrative=f"Update number {i}: met two organisations",
                    links=["https://example.org/readout"] if i == count - 1 else [],
                    channel="slack",
                    created_at=start + timedelta(days=i),
                )
            )
        await session.commit()


async def test_overview_counts_statuses_in_words_per_objective(deps: Deps) -> None:
    await seed(deps)
    await _set_status(deps, INF_1="on_track", INF_2="at_risk", ORG_1="done", ORG_2="on_track")
    response = await build_router().on_command(deps, stranger(), "/commitments", "")

    text = text_of(response.message)
    assert "Race equality action plan 2024/25" in text
    assert "21 actions: 2 on track, 1 at risk, 1 done, 17 not started" in text
    assert "Influence (INF) · 3 actions: 1 on track, 1 at risk, 1 not started" in text
    assert "Voice (VOI) · 5 actions: 5 not started" in text
    assert "Excellent organisation (ORG) · 11 actions: 1 on track, 1 done, 9 not started" in text
    pages = [b for b in buttons_of(response.message) if b.action == actions.COMMITMENTS_PAGE]
    assert [b.value for b in pages] == ["objective=INF", "objective=VOI", "objective=SUP", "objective=ORG"]
    assert_within_limits(response.message)


async def test_objective_list_pages_with_page_buttons(deps: Deps) -> None:
    await seed(deps)
    router = build_router()
    first = await router.on_action(deps, stranger(), actions.COMMITMENTS_PAGE, "objective=ORG", Origin())

    text = text_of(first.message)
    assert "Showing 1–10 of 11" in text
    assert "ORG-10" in text
    assert "ORG-11" not in text
    nxt = [b for b in buttons_of(first.message) if b.label.startswith("Page 2 of 2")]
    assert nxt
    assert nxt[0].action == actions.COMMITMENTS_PAGE
    second = await router.on_action(deps, stranger(), nxt[0].action, nxt[0].value, Origin())
    assert "Showing 11–11 of 11" in text_of(second.message)
    assert "ORG-11" in text_of(second.message)
    assert any(b.label.startswith("← Page 1 of 2") for b in buttons_of(second.message))
    shows = [b.value for b in buttons_of(second.message) if b.action == actions.COMMITMENTS_SHOW]
    assert shows == ["ORG-11"]
    for response in (first, second):
        assert_within_limits(response.message)


@pytest.mark.parametrize("typed", ["INF-2", "inf-2", "INF 2", "inf2"])
async def test_a_key_however_typed_shows_the_action_in_full(deps: Deps, typed: str) -> None:
    await seed(deps)
    await _add_evidence(deps, "INF-2", 3)
    response = await build_router().on_command(deps, stranger(), "commitments", typed)

    text = text_of(response.message)
    assert text.startswith("INF-2 · Not started")
    assert "Build and strengthen stakeholder relationships" in text
    assert "Owners: Jamie Dummy, Sam Sample" in text
    assert "Strategic objective: Influence (INF)" in text
    assert "Updates asked: every quarter" in text
    assert "A set of organisations is identified" in text  # an outcome
    assert "counted, target: at least quarterly, at least two organisations; checked every quarter" in text
    assert "Evidence: 3 pieces of evidence" in text
    # The latest update only: who, when (London time), status, narrative and link.
    assert "Latest update · Sam Sample · 6 Oct 2024, 10:30 · At risk" in text
    assert "Update number 2: met two organisations" in text
    assert "Update number 1" not in text
    assert "readout (https://example.org/readout)" in text
    assert_within_limits(response.message)


async def test_steps_and_a_person_not_in_the_people_list_are_shown(deps: Deps) -> None:
    await seed(deps)
    async with deps.sessions() as session:
        await session.execute(
            update(Person).where(Person.email == "pat.prototype@example.org").values(email="x@y.org")
        )
        await session.commit()
    response = await build_router().on_command(deps, stranger(), "commitments", "SUP-1")

    text = text_of(response.message)
    assert "Steps" in text
    assert "Ensuring diversity in the members we engage" in text
    assert "Owners: pat.prototype@example.org, Robin Placeholder" in text
    assert "No update has been recorded yet." in text
    assert "Evidence: 0 pieces of evidence" in text


async def test_an_unknown_key_suggests_the_nearest(deps: Deps) -> None:
    await seed(deps)
    response = await build_router().on_command(deps, stranger(), "commitments", "ORG-12")

    text = text_of(response.message)
    assert "There is no action ORG-12 in the plan" in text
    shows = [b.value for b in buttons_of(response.message) if b.action == actions.COMMITMENTS_SHOW]
    assert "ORG-1" in shows
    assert "ORG-11" in shows


async def test_search_covers_titles_steps_outcomes_and_measures_case_insensitively(deps: Deps) -> None:
    await seed(deps)
    router = build_router()

    by_title = await router.on_command(deps, stranger(), "commitments", "STAKEHOLDER relationships")
    assert "INF-2" in text_of(by_title.message)
    by_measure = await router.on_command(deps, stranger(), "commitments", "saffron")
    assert "INF-1" in text_of(by_measure.message)
    assert "Saffron briefings" in text_of(by_measure.message)  # the snippet says why
    by_step = await router.on_command(deps, stranger(), "commitments", "rolling out reflective")
    assert [b.value for b in buttons_of(by_step.message) if b.action == actions.COMMITMENTS_SHOW] == ["SUP-2"]


async def test_search_folds_any_alphabet(deps: Deps) -> None:
    await seed(deps)
    async with deps.sessions() as session:
        await session.execute(
            update(Action).where(Action.key == "VOI-2").values(title="Ünïcode ÉQUALITY ΣΟΦΊΑ review")
        )
        await session.commit()
    response = await build_router().on_command(deps, stranger(), "commitments", "équality σοφία")
    assert [b.value for b in buttons_of(response.message) if b.action == actions.COMMITMENTS_SHOW] == [
        "VOI-2"
    ]


async def test_a_search_with_no_match_says_so_and_points_to_browsing(deps: Deps) -> None:
    await seed(deps)
    response = await build_router().on_command(deps, stranger(), "commitments", "zebra crossing")

    text = text_of(response.message)
    assert "couldn't find any commitment mentioning “zebra crossing”" in text
    assert "/commitments" in text


async def test_a_long_search_is_capped_and_paged_within_limits(deps: Deps) -> None:
    await seed(deps)
    router = build_router()
    long = await router.on_command(deps, stranger(), "commitments", "race " * 2000)
    assert "I searched for the first words only" in text_of(long.message)
    assert_within_limits(long.message)

    many = await router.on_command(deps, stranger(), "commitments", "race")
    assert "Showing 1–10 of" in text_of(many.message)
    nxt = next(b for b in buttons_of(many.message) if b.label.startswith("Page 2 of"))
    assert nxt.value == "page=2 race"
    second = await router.on_action(deps, stranger(), nxt.action, nxt.value, Origin())
    assert "Showing 11–" in text_of(second.message)
    assert_within_limits(second.message)


async def test_with_no_plan_it_says_what_to_do(deps: Deps) -> None:
    response = await build_router().on_command(deps, stranger(), "commitments", "INF-1")
    assert "No plan has been imported yet" in text_of(response.message)


async def test_one_action_takes_a_handful_of_queries_however_much_evidence(
    deps: Deps, engine: AsyncEngine
) -> None:
    await seed(deps)
    await _add_evidence(deps, "INF-1", 40)
    known = await actor(deps, "casey.testcase@example.org")
    router = build_router()
    with statements_on(engine) as seen:
        response = await router.on_command(deps, known, "commitments", "INF-1")
    assert "40 pieces of evidence" in text_of(response.message)
    # The database's change stamp (storage.read_cache; a statement on PostgreSQL only) is not a look-up.
    selects = [s for s in seen if s.lstrip().upper().startswith("SELECT") and "pg_current_snapshot" not in s]
    # The action with its objective and evidence count; its steps, outcomes, measures and owners; the
    # latest evidence row (see storage.action_detail); the survey results linked to it (triangulation).
    assert len(selects) == 4, selects
