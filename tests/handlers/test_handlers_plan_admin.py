"""SMT changes in chat: an action's cadence, and a snooze for all its owners, with audit entries."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import Deps
from handlers.features import build_router
from storage.models import Action, AuditEntry, Snooze
from tests.support.handlers_support import actor, seed, text_of

SAM = "sam.sample@example.org"  # SMT
CASEY = "casey.testcase@example.org"


async def test_the_smt_changes_a_cadence_and_snoozes_an_action_for_everyone(deps: Deps) -> None:
    await seed(deps)
    router = build_router()
    sam, casey = await actor(deps, SAM), await actor(deps, CASEY)

    refused = await router.on_command(deps, casey, "/nudge", "cadence INF-1 quarterly")
    assert "Only the senior management team" in text_of(refused.message)
    changed = await router.on_command(deps, sam, "/nudge", "cadence INF-1 quarterly")
    assert "now asked for an update quarterly" in text_of(changed.message)
    bad = await router.on_command(deps, sam, "/nudge", "cadence INF-1 weekly")
    assert "Choose one of monthly, quarterly, six-monthly, annual" in text_of(bad.message)

    snoozed = await router.on_command(deps, sam, "/nudge", "snooze INF-1 14d everyone")
    assert "none of INF-1's 2 owner(s) will be asked about it until 21 October 2024" in text_of(
        snoozed.message
    )
    async with deps.sessions() as session:
        inf1 = await session.scalar(select(Action).where(Action.key == "INF-1"))
        assert inf1 is not None and inf1.cadence == "quarterly"
        assert len((await session.scalars(select(Snooze).where(Snooze.action_id == inf1.id))).all()) == 2
        events = set(
            (await session.scalars(select(AuditEntry.event).where(AuditEntry.entity_key == "INF-1"))).all()
        )
    assert {"action.cadence", "action.snooze_all"} <= events
