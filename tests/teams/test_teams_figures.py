"""Through the real Teams adapter: an owner gives a figure from the nudge's update card, and
`commitments KEY` then shows it against the target."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.models import Measure, MeasureValue
from tests.support.teams_fixtures import TeamsRig
from tests.teams.test_teams_end_to_end import button, nudge, rig  # noqa: F401  (the rig fixture)

SAM = "sam.sample@example.org"  # owns INF-2


def _text(card: dict[str, Any]) -> str:
    return "\n".join(str(e.get("text", "")) for e in card["body"])


async def test_an_owner_gives_a_figure_from_the_nudge(rig: TeamsRig) -> None:  # noqa: F811
    sam = rig.user(SAM)
    await rig.install(sam)
    ref, card = await nudge(rig, SAM, ["INF-2"])
    await rig.post(rig.submit_activity(sam, button(card, "Add update", "INF-2"), card_id=ref.id))
    form = rig.fake.sent()[-1].cards[0]
    async with rig.core.deps.sessions() as session:
        count = await session.scalar(select(Measure).where(Measure.key == "INF-2.1"))
        assert count is not None
    inputs = {e["id"]: e for e in form["body"] if e["type"].startswith("Input.")}
    field = f"figure_{count.id}"
    assert (
        inputs[field]["label"].startswith("INF-2.1: At least quarterly") and not inputs[field]["isRequired"]
    )
    values = {
        **form["actions"][0]["data"],
        "status": "on_track",
        "narrative": "Met two organisations at senior level.",
        field: "2",
    }
    await rig.post(rig.submit_activity(sam, values, card_id="activity-form"))
    async with rig.core.deps.sessions() as session:
        figures = (await session.scalars(select(MeasureValue))).all()
    assert [(f.period, f.value) for f in figures] == [("2024-Q3", 2.0)]

    assert await rig.say(sam, "commitments INF-2") == 202
    shown = _text(rig.fake.sent()[-1].cards[0])
    assert "2 of at least 2 this quarter — met" in shown and "🟢 **INF-2.1**" in shown
