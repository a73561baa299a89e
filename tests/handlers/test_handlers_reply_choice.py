"""A reply naming no action, under a nudge that listed several: kept once, the owner asked which."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers import actions
from handlers.context import Deps, Origin
from handlers.features import build_router
from handlers.messages import Buttons, Message
from storage.models import Evidence, HeldReply
from tests.support.handlers_support import actor, seed, sent_nudge, text_of

SAM = "sam.sample@example.org"  # owns INF-1 and INF-2
CASEY = "casey.testcase@example.org"  # owns INF-1 only


def buttons(message: Message | None) -> list[tuple[str, str]]:
    assert message is not None
    return [(b.label, b.value) for p in message.parts if isinstance(p, Buttons) for b in p.buttons]


async def rows(deps: Deps) -> list[tuple[str, str, str]]:
    async with deps.sessions() as session:
        found = await session.scalars(select(Evidence).order_by(Evidence.id))
        return [(e.source_ref or "", e.narrative, ",".join(e.links)) for e in found]


async def test_the_reply_is_held_once_and_each_pick_keeps_it_for_that_action(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, SAM, ["INF-1", "INF-2"])
    sam = await actor(deps, SAM)
    router = build_router()
    text = "Met the panel on Friday, notes at https://example.org/notes"

    asked = await router.on_reply(deps, sam, text, Origin(ref, "ev-1"))
    again = await router.on_reply(deps, sam, text, Origin(ref, "ev-1"))  # Slack re-delivers it
    assert asked is not None and again is not None
    assert "Which action is it about?" in text_of(asked.message)
    picks = buttons(asked.message)
    assert [label for label, _ in picks] == ["INF-1", "INF-2", "All of them"]
    assert buttons(again.message) == picks
    assert await rows(deps) == []
    async with deps.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(HeldReply)) == 1

    question = Origin(ref, "click-1")
    first = await router.on_action(deps, sam, actions.NUDGE_REPLY_FOR, picks[1][1], question)
    assert first.replace_original is not None
    assert "Kept as evidence for INF-2" in text_of(first.replace_original)
    assert [label for label, _ in buttons(first.replace_original)] == ["INF-1"]
    await router.on_action(deps, sam, actions.NUDGE_REPLY_FOR, picks[1][1], question)  # double click
    assert [(r[0], r[2]) for r in await rows(deps)] == [
        (f"held:{picks[1][1].split('|')[0]}#INF-2", "https://example.org/notes")
    ]

    everything = await router.on_action(deps, sam, actions.NUDGE_REPLY_FOR, picks[2][1], Origin(ref, "c2"))
    assert everything.replace_original is not None
    assert "Kept as evidence for INF-1 and INF-2" in text_of(everything.replace_original)
    assert buttons(everything.replace_original) == []
    assert sorted(r[0].rsplit("#", 1)[1] for r in await rows(deps)) == ["INF-1", "INF-2"]
    assert {r[1] for r in await rows(deps)} == {text}


async def test_somebody_else_cannot_pick_for_a_held_reply(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, SAM, ["INF-1", "INF-2"])
    asked = await build_router().on_reply(deps, await actor(deps, SAM), "All fine.", Origin(ref, "ev-9"))
    assert asked is not None
    value = buttons(asked.message)[0][1]
    casey = await actor(deps, CASEY)
    refused = await build_router().on_action(deps, casey, actions.NUDGE_REPLY_FOR, value, Origin(ref, "x"))
    assert "no longer waiting" in text_of(refused.message)
    assert await rows(deps) == []


async def test_a_reply_under_a_nudge_about_one_action_is_kept_at_once(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    answer = await build_router().on_reply(deps, await actor(deps, CASEY), "All fine.", Origin(ref, "e"))
    assert answer is not None and "kept as evidence for INF-1" in text_of(answer.message)
    assert len(await rows(deps)) == 1
