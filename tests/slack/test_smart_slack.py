"""SMART objectives end to end through the real Slack adapter: a person submits with /nudge smart, their
line manager agrees with a click, and at the year's end records the outcome; coverage and outcomes move."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.slack import ids
from handlers.smart_agree import outcome_message, recipient
from storage.models import Person, SmartObjective
from storage.objectives import coverage
from storage.plan_queries import current_plan
from storage.smart_outcomes import outcomes_by_role
from tests.support.fakes.slack_requests import block_action
from tests.support.slack_fixtures import SlackRig, assert_within_limits, eventually, view_submission

CASEY = "casey.testcase@example.org"  # policy team; line manager Sam Sample
SAM = "sam.sample@example.org"
OBJECTIVE = {
    "specific": "Include race equality asks in every workforce briefing",
    "measurable": "Asks appear in all briefings, checked quarterly",
    "achievable": "Briefings are mine to write",
    "relevant": "Serves INF-1",
    "time_bound": "By 31 March 2025",
    "action": "INF-1",
}


def _button(call_args: dict[str, Any], neutral: str) -> tuple[str, str]:
    for block in call_args.get("blocks", []):
        for element in block.get("elements", []):
            if ids.neutral_action_id(element.get("action_id", "")) == neutral:
                return str(element["action_id"]), str(element["value"])
    raise AssertionError(f"no {neutral} button")


async def _smart_state(rig: SlackRig) -> tuple[bool, str | None, int, int]:
    async with rig.core.deps.sessions() as session:
        plan = await current_plan(session)
        assert plan is not None
        row = await session.scalar(
            select(SmartObjective)
            .join(Person, Person.id == SmartObjective.person_id)
            .where(Person.email == CASEY)
        )
        assert row is not None
        policy = next(c for c in await coverage(session, plan_id=plan.id) if c.group == "policy")
        (outcomes,) = await outcomes_by_role(session, plan_id=plan.id, roles=["policy"])
        return row.agreed, row.outcome, policy.agreed, outcomes.met_or_progress


async def test_manager_agrees_and_records_the_outcome_in_slack(slack_rig: SlackRig) -> None:
    casey, sam = slack_rig.user(CASEY), slack_rig.user(SAM)
    assert (await slack_rig.command("/nudge", "smart", user=casey)).status == 200
    view = (await eventually(lambda: slack_rig.fake.calls_to("views.open")))[0].args["view"]
    saved = await slack_rig.interact(view_submission(view, user=casey, values=OBJECTIVE))
    assert saved.status == 200
    # Sam, Casey's manager in the people file, is asked to agree it.
    asked = await eventually(
        lambda: [c for c in slack_rig.fake.calls_to("chat.postMessage") if "line manager" in str(c.args)]
    )
    assert "Include race equality asks in every workforce briefing" in str(asked[0].args)
    assert (await _smart_state(slack_rig))[:3] == (False, None, 0)

    # Someone else clicking the manager's button changes nothing.
    action_id, value = _button(asked[0].args, "smart.agree")
    await slack_rig.interact(
        block_action(user_id=casey, action_id=action_id, value=value, channel="D1", message_ts="1.1")
    )
    assert (await _smart_state(slack_rig))[0] is False

    await slack_rig.interact(
        block_action(user_id=sam, action_id=action_id, value=value, channel="D1", message_ts="1.2")
    )
    await eventually(
        lambda: [c for c in slack_rig.fake.calls_to("chat.postMessage") if "agreed your SMART" in str(c.args)]
    )
    agreed, outcome, policy_agreed, met = await _smart_state(slack_rig)
    assert (agreed, outcome, policy_agreed, met) == (True, None, 1, 0)

    # Year end: the manager's outcome message (as the March review sends it), answered with a click.
    async with slack_rig.core.deps.sessions() as session:
        casey_person = await session.scalar(select(Person).where(Person.email == CASEY))
        sam_person = await session.scalar(
            select(Person).where(Person.email == SAM).options(selectinload(Person.identities))
        )
        assert casey_person is not None and sam_person is not None
        objective = await session.scalar(
            select(SmartObjective).where(SmartObjective.person_id == casey_person.id)
        )
        assert objective is not None
        said = outcome_message(casey_person, objective)
    messenger = slack_rig.core.deps.messenger
    assert messenger is not None
    await messenger.send_direct(recipient(sam_person), said)
    posted = slack_rig.fake.calls_to("chat.postMessage")[-1].args
    met_id, met_value = next(
        (str(e["action_id"]), str(e["value"]))
        for b in posted["blocks"]
        for e in b.get("elements", [])
        if ids.neutral_action_id(e.get("action_id", "")) == "smart.outcome" and e["value"].endswith("|met")
    )
    await slack_rig.interact(
        block_action(user_id=sam, action_id=met_id, value=met_value, channel="D1", message_ts="1.3")
    )
    await eventually(
        lambda: [c for c in slack_rig.fake.calls_to("chat.postMessage") if "outcome: met" in str(c.args)]
    )
    assert await _smart_state(slack_rig) == (True, "met", 1, 1)
    assert assert_within_limits(slack_rig.sent()) > 0
