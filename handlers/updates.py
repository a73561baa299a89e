"""The nudge's buttons and plain replies in its thread: an owner's answer, kept as evidence.

A status button records that status; "Add update" opens the update form; "Snooze 7 days" pauses
the nudges for that action; "Not mine" is recorded and the senior management team is told the
action needs a new owner. The clicked nudge is rebuilt so that item shows what was recorded.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from handlers import actions
from handlers.context import Actor, Deps, Origin, Response
from handlers.markup import escape, truncate
from handlers.messenger import SendError
from handlers.nudge_view import rebuild_nudge
from handlers.permissions import person_of
from handlers.recording import record_update, refresh_nudges, snooze_action
from handlers.update_form import MAX_NARRATIVE, is_web_address, open_update_form
from handlers.wording import NOT_IN_PEOPLE_LIST, day, message, say
from storage import audit
from storage.evidence import (
    NOT_MINE_EVENT,
    claim_delivery,
    mark_answered,
    moved_on,
    newer_requests,
    open_requests_for_action,
    requests_for_message,
)
from storage.lookups import live_action, owner_emails
from storage.models import Status

if TYPE_CHECKING:
    from handlers.router import Router

log = logging.getLogger(__name__)

DEFAULT_SNOOZE_DAYS = 7
MAX_REPLY_LINKS = 3
_URL = re.compile(r"https?://[^\s<>()\[\]]+")


def register(router: Router) -> None:
    router.action("nudge", on_nudge_button)
    router.reply(on_thread_reply)


async def on_nudge_button(deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
    key, _, days = value.partition("|")
    key = key.strip().upper()
    stale = await superseded(deps, actor, origin, key)
    if stale is not None:
        return stale
    if action in actions.NUDGE_STATUS_ACTIONS:
        status = Status(actions.NUDGE_STATUS_ACTIONS[action])
        result = await record_update(
            deps,
            actor,
            key=key,
            status=status,
            source_ref=origin.delivery_id or None,
            message_ref=origin.message.as_dict() if origin.message else None,
        )
        if isinstance(result, str):
            return say(result)
        return await _answer(deps, origin, f"Thank you — {key} is recorded as {status.label.lower()}.")
    if action == actions.NUDGE_ADD_UPDATE:
        return await open_update_form(deps, actor, key)
    if action == actions.NUDGE_SNOOZE:
        number = int(days) if days.strip().isdigit() else DEFAULT_SNOOZE_DAYS
        done, text = await snooze_action(deps, actor, key=key, days=number, delivery_id=origin.delivery_id)
        return await _answer(deps, origin, text) if done else say(text)
    if action == actions.NUDGE_NOT_MINE:
        return await not_mine(deps, actor, key, origin)
    return say("That button no longer does anything. Type /nudge mine to see what is due from you.")


async def superseded(deps: Deps, actor: Actor, origin: Origin, key: str) -> Response | None:
    """A click on a nudge that a newer one replaced records nothing: the old message is redrawn to
    say it is out of date, and the person is told why and where to answer instead.

    Replaced means a later nudge asked the same person about the same action again: as a new
    request (a new period), or by listing the same request in a newer message (a reminder)."""
    if origin.message is None:
        return None
    ref = origin.message.as_dict()
    async with deps.sessions() as session:
        person = await person_of(session, actor)
        if person is None:
            return None
        here = [r for r in await requests_for_message(session, ref) if r.action and r.action.key == key]
        newer = list((await newer_requests(session, here)).values())
        if not here:
            moved = await moved_on(session, ref, person_id=person.id, action_key=key)
            newer = [moved] if moved is not None else []
        if not newer:
            return None
        rebuilt = await rebuild_nudge(session, deps, ref) if here else None
    dates = [r.sent_at for r in newer if r.sent_at is not None]
    again = f"again on {day(max(dates), deps.timezone)}" if dates and here else "again in a newer message"
    text = (
        f"This message is out of date: I asked you about {key} {again}, so nothing was recorded "
        "from it. Please answer the newer message, or type /nudge mine to see what is due."
    )
    if rebuilt is None:
        rebuilt = message(f"⤳ Out of date: I asked about {key} {again}. Please answer the newer message.")
    return Response(replace_original=rebuilt, message=message(text))


async def _answer(deps: Deps, origin: Origin, text: str, *, extra: str = "") -> Response:
    """The clicked nudge rebuilt to show the answer; a plain confirmation when it was not a nudge."""
    if origin.message is not None:
        async with deps.sessions() as session:
            rebuilt = await rebuild_nudge(session, deps, origin.message.as_dict())
        if rebuilt is not None:
            return Response(replace_original=rebuilt, message=message(extra) if extra else None)
    return say(f"{text} {extra}".strip())


async def not_mine(deps: Deps, actor: Actor, key: str, origin: Origin) -> Response:
    """Record that an owner says the action is not theirs, and ask the SMT to find the right owner.

    Nobody is removed from the plan: owners live in the plan file, which the SMT edits.
    """
    now = deps.clock.now()
    async with deps.sessions() as session:
        person = await person_of(session, actor)
        if person is None:
            return say(NOT_IN_PEOPLE_LIST)
        action = await live_action(session, key=key)
        if action is None:
            return say(f"There is no action {escape(key)} in the current plan any more, so nothing to do.")
        if person.email not in await owner_emails(session, action_id=action.id):
            return say(
                f"You are not listed as an owner of {action.key}, so there is nothing to hand back. "
                f"Type /commitments {action.key} to see who owns it."
            )
        name, title, action_key = person.name, action.title, action.key
        first = await claim_delivery(
            session, platform=actor.platform, delivery_id=origin.delivery_id, now=now
        )
        if first:
            requests = await open_requests_for_action(session, person_id=person.id, action_id=action.id)
            await mark_answered(session, request_ids=[r.id for r in requests], now=now)
            audit.record(
                session,
                at=now,
                actor=f"person:{person.id}",
                event=NOT_MINE_EVENT,
                entity="action",
                entity_key=action_key,
                detail={"answered_requests": len(requests)},
            )
            await session.commit()
    told = await _tell_smt(deps, name, action_key, title) if first else True
    extra = "" if told else "I couldn't reach the SMT channel just now, so please let them know directly."
    thanks = (
        f"Thank you — I've noted that {action_key} is not yours and asked the SMT to find the right owner."
    )
    return await _answer(deps, origin, thanks, extra=extra)


async def _tell_smt(deps: Deps, name: str, key: str, title: str) -> bool:
    if deps.messenger is None:
        return True
    text = (
        f"**{escape(name)}** says {key} is not theirs to update, so it needs a new owner: "
        f"_{escape(truncate(title, 300))}_\nPlease agree who owns it and update the plan file. "
        f"Type /commitments {key} to see it in full."
    )
    try:
        await deps.messenger.post_channel(
            deps.channels.smt, message(text, heading=f"{key} needs a new owner")
        )
    except SendError as exc:
        log.warning("could not tell the SMT channel about a handed-back action: %s", exc.reason)
        return False
    return True


async def on_thread_reply(deps: Deps, actor: Actor, text: str, origin: Origin) -> Response | None:
    """A plain reply in a nudge's thread becomes evidence (no status change) for that nudge's action(s).

    When the nudge listed several actions, the reply counts for the ones whose keys it mentions
    ("INF-1", "inf 1"); when it mentions none, for every action the nudge listed — the owner was
    answering the message as a whole. Links in the text are kept as the evidence's links. With several
    actions each row's `source_ref` is the delivery id plus "#KEY", so a redelivery still writes nothing.
    Files attached to the reply (`origin.attachments`) are kept as links, before any typed in the text.
    Returns None for threads that are not a nudge's, leaving them to other handlers.
    """
    files = [u for u in origin.attachments if is_web_address(u)]
    if origin.message is None or not (text.strip() or files):
        return None
    ref = origin.message.as_dict()
    async with deps.sessions() as session:
        requests = await requests_for_message(session, ref)
        keys = list(dict.fromkeys(r.action.key for r in requests if r.action is not None))
    if not keys:
        return None
    targets = [k for k in keys if _mentions(text, k)] or keys
    typed = [u.rstrip(".,;:!?") for u in _URL.findall(text)]
    # Attached files first: they are the evidence the owner chose to give.
    links = list(dict.fromkeys([*files, *(u for u in typed if is_web_address(u))]))[:MAX_REPLY_LINKS]
    narrative = text.strip() or (
        "A file, attached in the nudge's thread."
        if len(files) == 1
        else "Files, attached in the nudge's thread."
    )
    recorded: list[str] = []
    refused: list[str] = []
    refs: list[dict[str, str]] = []
    for key in targets:
        source = origin.delivery_id if len(targets) == 1 else f"{origin.delivery_id}#{key}"
        result = await record_update(
            deps,
            actor,
            key=key,
            status=None,
            narrative=truncate(narrative, MAX_NARRATIVE),
            links=links,
            source_ref=source if origin.delivery_id else None,
            message_ref=ref,
        )
        if isinstance(result, str):
            refused.append(result)
        else:
            recorded.append(key)
            refs += result.message_refs
    await refresh_nudges(deps, refs)
    if not recorded:
        return say(refused[0])
    also = f" {refused[0]}" if refused else ""
    return say(f"Thanks — kept as evidence for {_and(recorded)}.{also}")


def _mentions(text: str, key: str) -> bool:
    prefix, _, number = key.partition("-")
    pattern = rf"(?<![A-Za-z0-9]){re.escape(prefix)}[\s_\-–]*0*{re.escape(number)}(?![0-9])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _and(keys: list[str]) -> str:
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} and {keys[-1]}"
