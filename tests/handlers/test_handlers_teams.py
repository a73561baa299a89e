"""/commitments team NAME: one team's actions, with what is overdue, for anyone who asks."""

from __future__ import annotations

from sqlalchemy import update

from handlers import actions
from handlers.context import Deps
from handlers.features import build_router
from storage.models import Action
from tests.support.handlers_support import assert_within_limits, buttons_of, seed, stranger, text_of


async def test_a_teams_actions_with_their_statuses(deps: Deps) -> None:
    await seed(deps)
    async with deps.sessions() as session:
        await session.execute(update(Action).where(Action.key == "INF-2").values(status="at_risk"))
        await session.commit()
    response = await build_router().on_command(deps, stranger(), "/commitments", "team policy")
    text = text_of(response.message)
    assert "Policy: 3 actions" in text
    assert "INF-1" in text and "INF-2 · At risk" in text and "INF-3" in text
    assert "VOI-1" not in text
    assert [b.value for b in buttons_of(response.message) if b.action == actions.COMMITMENTS_SHOW] == [
        "INF-1",
        "INF-2",
        "INF-3",
    ]
    assert_within_limits(response.message)


async def test_an_unknown_team_names_the_teams_there_are(deps: Deps) -> None:
    await seed(deps)
    response = await build_router().on_command(deps, stranger(), "/commitments", "team Finance")
    text = text_of(response.message)
    assert "No action in the plan belongs to a team called “Finance”" in text
    assert "Member support" in text and "Policy" in text
