"""NUL characters in what people send are dropped where text comes in, so both databases keep the same."""

from __future__ import annotations

from sqlalchemy import select

from handlers import actions
from handlers.context import Deps, Origin
from handlers.features import build_router
from handlers.router import clean
from storage.models import Evidence
from tests.support.handlers_support import actor, seed, sent_nudge

CASEY = "casey.testcase@example.org"  # owns INF-1


def test_clean_drops_nul_and_nothing_else() -> None:
    assert clean("a\x00b\tc\n\x00") == "ab\tc\n"
    assert clean("Zoë — 10%") == "Zoë — 10%"


async def test_a_form_and_a_reply_with_nul_bytes_are_stored_without_them(deps: Deps) -> None:
    """On PostgreSQL a NUL in a text column is an error; on SQLite it would be kept. Neither, now."""
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    casey = await actor(deps, CASEY)
    router = build_router()
    values = {"status": "on_track", "narrative": "Met\x00 the panel", "link_1": "https://example.org/a\x00"}
    response = await router.on_form(deps, casey, actions.FORM_UPDATE, values, "INF-1\x00")
    assert response.close_form, response
    reply = await router.on_reply(deps, casey, "Minutes\x00 at https://example.org/m", Origin(ref, "ev-nul"))
    assert reply is not None
    async with deps.sessions() as session:
        rows = (await session.scalars(select(Evidence).order_by(Evidence.id))).all()
    assert [(e.narrative, e.links) for e in rows] == [
        ("Met the panel", ["https://example.org/a"]),
        ("Minutes at https://example.org/m", ["https://example.org/m"]),
    ]
