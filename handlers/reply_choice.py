"""A reply to a nudge that listed several actions and named none: kept once, and its author asked,
with buttons, which action or actions it is about. Each choice becomes one evidence row."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from handlers import actions
from handlers.context import Actor, Deps, Origin, Response
from handlers.messages import Button, Buttons
from handlers.permissions import person_of
from handlers.recording import record_update, refresh_nudges
from handlers.wording import message, say
from storage.evidence import requests_for_message
from storage.models import Evidence, HeldReply

ALL = "*"
# Evidence from a held reply: "held:<id>#<ACTION-KEY>", unique, so a second click on the same pick
# writes nothing more.
SOURCE_PREFIX = "held:"
GONE = "That reply is no longer waiting for an answer. Reply in the nudge's thread again if you need to."


def _question(held_id: int, keys: Sequence[str], done: Sequence[str] = ()) -> Response:
    left = [k for k in keys if k not in done]
    buttons = [Button(k, actions.NUDGE_REPLY_FOR, f"{held_id}|{k}") for k in left]
    if len(left) > 1:
        buttons.append(Button("All of them", actions.NUDGE_REPLY_FOR, f"{held_id}|{ALL}"))
    kept = f"Kept as evidence for {_and(done)}. " if done else "Thanks — I have your reply. "
    ask = "Is it about another of them too?" if done else "Which action is it about? Pick one or more."
    return Response(message=message(kept + ask, extra=(Buttons(tuple(buttons)),) if buttons else ()))


async def hold(
    deps: Deps, actor: Actor, *, keys: Sequence[str], text: str, links: Sequence[str], origin: Origin
) -> Response:
    """Keep the reply once (a redelivery finds the same row) and ask which action it is about."""
    assert origin.message is not None
    async with deps.sessions() as session:
        person = await person_of(session, actor)
        if person is None:
            return say("I'm sorry — you are not in nudgebot's people list yet, so I can't keep that.")
        held = None
        if origin.delivery_id:
            held = await session.scalar(select(HeldReply).where(HeldReply.delivery_id == origin.delivery_id))
        if held is None:
            held = HeldReply(
                person_id=person.id,
                message_ref=origin.message.as_dict(),
                narrative=text,
                links=list(links),
                delivery_id=origin.delivery_id or None,
                created_at=deps.clock.now(),
            )
            session.add(held)
            await session.commit()
        held_id = held.id
    return _question(held_id, keys)


async def choose(deps: Deps, actor: Actor, value: str) -> Response:
    """A pick from the question: record the held reply as evidence for that action (or all of them),
    and redraw the question with what is kept and what is left to pick."""
    raw_id, _, choice = value.partition("|")
    if not raw_id.isdigit():
        return say(GONE)
    async with deps.sessions() as session:
        held = await session.get(HeldReply, int(raw_id))
        person = await person_of(session, actor)
        if held is None or person is None or held.person_id != person.id:
            return say(GONE)
        narrative, links, ref = held.narrative, list(held.links), dict(held.message_ref)
        requests = await requests_for_message(session, ref)
        keys = list(dict.fromkeys(r.action.key for r in requests if r.action is not None))
    targets = [k for k in keys if choice in (ALL, k)]
    if not targets:
        return say(GONE)
    refs: list[dict[str, str]] = []
    for key in targets:
        result = await record_update(
            deps,
            actor,
            key=key,
            status=None,
            narrative=narrative,
            links=links,
            source_ref=f"{SOURCE_PREFIX}{raw_id}#{key}",
            message_ref=ref,
        )
        if isinstance(result, str):
            return say(result)
        refs += result.message_refs
    await refresh_nudges(deps, refs)
    async with deps.sessions() as session:
        kept = await session.scalars(
            select(Evidence.source_ref).where(Evidence.source_ref.startswith(f"{SOURCE_PREFIX}{raw_id}#"))
        )
        done = [str(r).rsplit("#", 1)[1] for r in kept if r]
    return Response(replace_original=_question(int(raw_id), keys, [k for k in keys if k in done]).message)


def _and(keys: Sequence[str]) -> str:
    keys = list(keys)
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} and {keys[-1]}"
