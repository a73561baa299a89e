"""/nudge, the SMART objective form and the home tab through the Router, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers import actions
from handlers.context import Deps
from handlers.features import build_router
from handlers.messages import Choice, Form
from storage.models import AuditEntry, Person, SmartObjective, Snooze
from tests.support.handlers_support import actor, assert_within_limits, seed, sent_nudge, stranger, text_of

CASEY = "casey.testcase@example.org"
CHARLIE = "charlie.stub@example.org"  # reci + staff: owns no action, has no objective
SMART_VALUES = {
    "specific": "Run two listening sessions with RECI on our events programme",
    "measurable": "Two sessions held and a written summary shared with SMT",
    "achievable": "Within my events role, with RECI's agreement",
    "relevant": "Serves SUP-1: race equality in all programme content",
    "time_bound": "By 31 January 2025",
    "action": "SUP-1",
}


async def _smart(deps: Deps, email: str) -> SmartObjective | None:
    async with deps.sessions() as session:
        return await session.scalar(
            select(SmartObjective)
            .join(Person, Person.id == SmartObjective.person_id)
            .where(Person.email == email)
        )


@pytest.mark.parametrize("typed", ["", "help", "dance"])
async def test_help_lists_the_sub_commands(deps: Deps, typed: str) -> None:
    await seed(deps)
    response = await build_router().on_command(deps, await actor(deps, CASEY), "nudge", typed)
    text = text_of(response.message)
    for sub in ("/nudge mine", "/nudge update KEY", "/nudge smart", "/nudge snooze KEY 7d", "/commitments"):
        assert sub in text


async def test_a_stranger_is_told_politely(deps: Deps) -> None:
    await seed(deps)
    response = await build_router().on_command(deps, stranger(), "nudge", "mine")
    text = text_of(response.message)
    assert "not in nudgebot's people list" in text
    assert "ask your administrator" in text
    assert "/commitments" in text


async def test_mine_shows_actions_due_updates_and_smart_objective(deps: Deps) -> None:
    await seed(deps)
    await sent_nudge(deps, CASEY, ["INF-1"])
    response = await build_router().on_command(deps, await actor(deps, CASEY), "nudge", "mine")
    text = text_of(response.message)
    assert "INF-1 · Not started · Identify a set of specific policy changes" in text
    assert "INF-1 for October 2024 · asked 7 October 2024" in text
    assert "Your SMART objective (agreed with your manager · serves INF-1)" in text
    assert "Include race equality asks in workforce briefings" in text
    assert_within_limits(response.message)


async def test_a_snoozed_update_is_not_listed_as_due(deps: Deps) -> None:
    await seed(deps)
    await sent_nudge(deps, CASEY, ["INF-1"])
    router = build_router()
    casey = await actor(deps, CASEY)
    await router.on_command(deps, casey, "nudge", "snooze INF-1 7d")
    text = text_of((await router.on_command(deps, casey, "nudge", "mine")).message)
    assert "INF-1 for October 2024" not in text
    assert "Nothing is waiting for you" in text


async def test_mine_for_someone_with_nothing_yet(deps: Deps) -> None:
    await seed(deps)
    text = text_of(
        (await build_router().on_command(deps, await actor(deps, CHARLIE), "nudge", "mine")).message
    )
    assert "You are not named as an owner of any action" in text
    assert "Nothing is waiting for you" in text
    assert "Type /nudge smart to write one" in text


async def test_update_key_opens_the_form_for_owners_only(deps: Deps) -> None:
    await seed(deps)
    router = build_router()
    opened = await router.on_command(deps, await actor(deps, CASEY), "nudge", "update inf 1")
    assert isinstance(opened.form, Form)
    assert opened.form.state == "INF-1"
    refused = await router.on_command(deps, await actor(deps, CHARLIE), "nudge", "update INF-1")
    assert refused.form is None
    assert "Only the owners of INF-1" in text_of(refused.message)


@pytest.mark.parametrize(
    ("typed", "days"), [("INF-1 7d", 7), ("INF-1 2w", 14), ("inf 1 14", 14), ("INF-1", 7)]
)
async def test_snooze_stores_a_snooze(deps: Deps, typed: str, days: int) -> None:
    await seed(deps)
    casey = await actor(deps, CASEY)
    response = await build_router().on_command(deps, casey, "nudge", f"snooze {typed}")
    assert "Snoozed: I won't ask you about INF-1 again until" in text_of(response.message)
    async with deps.sessions() as session:
        [row] = (await session.scalars(select(Snooze))).all()
    assert row.person_id == casey.person_id
    assert row.until == deps.clock.now() + timedelta(days=days)


@pytest.mark.parametrize("typed", ["INF-1 0d", "INF-1 91", "INF-1 13w"])
async def test_snooze_out_of_range_changes_nothing(deps: Deps, typed: str) -> None:
    await seed(deps)
    response = await build_router().on_command(deps, await actor(deps, CASEY), "nudge", f"snooze {typed}")
    assert "between 1 and 90 days" in text_of(response.message)
    async with deps.sessions() as session:
        assert (await session.scalars(select(Snooze))).all() == []


async def test_smart_opens_a_form_with_the_action_choice(deps: Deps) -> None:
    await seed(deps)
    response = await build_router().on_command(deps, await actor(deps, CASEY), "nudge", "smart")
    form = response.form
    assert isinstance(form, Form)
    assert form.form_id == actions.FORM_SMART
    [choice] = [i for i in form.inputs if isinstance(i, Choice)]
    assert choice.options[0].value == "none"
    assert len(choice.options) == 22
    assert choice.initial == "INF-1"
    assert (
        form.inputs[0].initial
        == "Include race equality asks in workforce briefings and consultation responses"
    )


async def test_smart_form_errors_come_back_by_field(deps: Deps) -> None:
    await seed(deps)
    values = SMART_VALUES | {"specific": "  ", "time_bound": "soon-ish", "action": "XYZ-9"}
    response = await build_router().on_form(deps, await actor(deps, CHARLIE), actions.FORM_SMART, values, "")
    assert set(response.errors) == {"specific", "time_bound", "action"}
    assert await _smart(deps, CHARLIE) is None


async def test_smart_form_creates_then_editing_resets_agreement(deps: Deps) -> None:
    await seed(deps)
    router = build_router()
    charlie = await actor(deps, CHARLIE)
    created = await router.on_form(deps, charlie, actions.FORM_SMART, SMART_VALUES, "")
    assert created.close_form
    assert "line manager agrees it with you" in text_of(created.message)
    row = await _smart(deps, CHARLIE)
    assert row is not None
    assert row.time_bound == "By 31 January 2025"
    assert row.agreed is False

    casey = await actor(deps, CASEY)  # agreed in the demo objectives
    same = {
        "specific": "Include race equality asks in workforce briefings and consultation responses",
        "measurable": "At least one race equality ask in each workforce briefing or response",
        "achievable": "Fits within existing workforce portfolio outputs",
        "relevant": "Supports INF-1 and our anti-racism commitment to use our influence",
        "time_bound": "Quarterly, through to 31 March 2025",
        "action": "INF-1",
    }
    unchanged = await router.on_form(deps, casey, actions.FORM_SMART, same, "")
    assert "as it was and still agreed" in text_of(unchanged.message)
    kept = await _smart(deps, CASEY)
    assert kept is not None
    assert kept.agreed is True

    edited = await router.on_form(deps, casey, actions.FORM_SMART, same | {"action": "none"}, "")
    assert "needs to agree it again" in text_of(edited.message)
    row = await _smart(deps, CASEY)
    assert row is not None
    assert row.agreed is False
    assert row.action_id is None
    async with deps.sessions() as session:
        events = (
            await session.scalars(select(AuditEntry.event).where(AuditEntry.actor.like("person:%")))
        ).all()
    assert sorted(events) == ["objective.create", "objective.update"]


async def test_home_for_staff_shows_only_their_own(deps: Deps) -> None:
    await seed(deps)
    message = await build_router().on_home(deps, await actor(deps, CASEY))
    text = text_of(message)
    assert text.startswith("Hello Casey")
    assert "INF-1 · Not started" in text
    assert "The plan at a glance" not in text
    assert_within_limits(message, max_parts=95)


async def test_home_for_smt_adds_the_plan_status(deps: Deps) -> None:
    await seed(deps)
    message = await build_router().on_home(deps, await actor(deps, "sam.sample@example.org"))
    text = text_of(message)
    assert "The plan at a glance" in text
    assert "Influence (INF) · 3 actions: 3 not started" in text


async def test_home_for_a_stranger_welcomes_and_shows_how_to_browse(deps: Deps) -> None:
    await seed(deps)
    text = text_of(await build_router().on_home(deps, stranger()))
    assert "Welcome to nudgebot" in text
    assert "/commitments" in text
