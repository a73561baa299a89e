"""Files attached to a reply in a nudge's thread are kept as evidence links, before typed ones."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import Deps, Origin
from handlers.features import build_router
from storage.models import Evidence
from tests.support.handlers_support import actor, seed, sent_nudge, text_of

CASEY = "casey.testcase@example.org"  # owns INF-1
FILE = "https://example.slack.com/files/U1/F111/minutes.pdf"


async def _evidence(deps: Deps) -> list[Evidence]:
    async with deps.sessions() as session:
        return list((await session.scalars(select(Evidence).order_by(Evidence.id))).all())


async def test_a_file_with_text_is_kept_with_its_link_first(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    casey = await actor(deps, CASEY)
    origin = Origin(ref, "ev-file", attachments=(FILE,))
    answer = await build_router().on_reply(deps, casey, "Minutes, and https://example.org/agenda", origin)
    assert answer is not None and "kept as evidence for INF-1" in text_of(answer.message)
    [row] = await _evidence(deps)
    assert row.links == [FILE, "https://example.org/agenda"]
    assert row.narrative == "Minutes, and https://example.org/agenda"


async def test_a_file_alone_is_evidence_too(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    casey = await actor(deps, CASEY)
    answer = await build_router().on_reply(deps, casey, "", Origin(ref, "ev-file-only", attachments=(FILE,)))
    assert answer is not None
    [row] = await _evidence(deps)
    assert row.links == [FILE] and row.narrative == "A file, attached in the nudge's thread."


async def test_an_attachment_that_is_not_a_web_address_is_not_kept(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    casey = await actor(deps, CASEY)
    origin = Origin(ref, "ev-bad", attachments=("javascript:alert(1)",))
    assert await build_router().on_reply(deps, casey, "", origin) is None
    assert await _evidence(deps) == []
