"""Challenge: RECI members and trustees question an action; an SMT member answers; the asker is told.

A challenge is made with `/review challenge KEY words…` or the *Challenge* button on `/commitments KEY`
(a short form). It is listed in every SMT digest until answered (`/review answer ID words…` or the
digest's *Answer* button); the answer is sent to the person who asked, and both go into the packs
(the board paper without names: "RECI asked…").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from handlers import actions
from handlers.context import Actor, Deps, Origin, Response
from handlers.markup import bold, escape, truncate
from handlers.messages import MAX_PARTS, MAX_TEXT, Button, Buttons, Form, LongText, Message, Part, Text
from handlers.messenger import Recipient, SendError
from handlers.permissions import person_of
from handlers.wording import NOT_IN_PEOPLE_LIST, action_key, message, say
from storage.lookups import live_action
from storage.models import Challenge, Person
from storage.reviews import add_challenge, answer_challenge
from storage.triangulation import result_series

if TYPE_CHECKING:
    from handlers.router import Router

CHALLENGE = "challenge_actions"
ANSWER = "record_review"
MAX_CHALLENGE = 1500
# The role a challenge is made in, first match wins: the board paper says "RECI asked" or "A trustee asked".
CHALLENGE_ROLES = ("reci", "trustee")
# Survey result lines /commitments KEY shows at most.
MAX_SERIES = 8


def register(router: Router) -> None:
    router.form(actions.FORM_CHALLENGE, on_challenge_form)
    router.form(actions.FORM_ANSWER, on_answer_form)


def challenge_form(key: str) -> Form:
    return Form(
        form_id=actions.FORM_CHALLENGE,
        title=f"Challenge {key}"[:24],
        intro="Your question or challenge to the senior management team about this action."
        " They answer in chat.",
        inputs=(LongText("text", "Your challenge", max_length=MAX_CHALLENGE),),
        submit_label="Send",
        state=key,
    )


def answer_form(challenge: Challenge) -> Form:
    return Form(
        form_id=actions.FORM_ANSWER,
        title="Answer a challenge",
        intro=f"On {challenge.action.key}: “{truncate(challenge.text, 500)}”",
        inputs=(LongText("text", "The SMT's answer", max_length=MAX_CHALLENGE),),
        submit_label="Send the answer",
        state=str(challenge.id),
    )


async def command(deps: Deps, actor: Actor, word: str, rest: str) -> Response:
    first, _, words = rest.partition(" ")
    if word == "challenge":
        key = action_key(first)
        if key is None:
            return say("Say which action: /review challenge INF-1 your question…")
        if not words.strip():
            return await _open_challenge(deps, actor, key)
        return await _challenge(deps, actor, key, words.strip())
    if not first.isdigit() or not words.strip():
        return say("Say which challenge and your answer: /review answer 3 our answer…")
    return await _answer(deps, actor, int(first), words.strip())


async def on_button(deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
    if action == actions.REVIEW_CHALLENGE:
        return await _open_challenge(deps, actor, value)
    if action == actions.REVIEW_ANSWER and value.isdigit():
        if not actor.may(ANSWER):
            return say("Only the senior management team answers challenges.")
        async with deps.sessions() as session:
            found = await session.scalar(
                select(Challenge).where(Challenge.id == int(value)).options(selectinload(Challenge.action))
            )
        if found is None or found.answered_at is not None:
            return say("That challenge has been answered already.")
        return Response(form=answer_form(found))
    return say("That button no longer does anything. Try /review again.")


async def _open_challenge(deps: Deps, actor: Actor, key: str) -> Response:
    if not actor.may(CHALLENGE):
        return say(
            "Challenges come from RECI members and trustees. You can read the action with /commitments."
        )
    return Response(form=challenge_form(key))


async def on_challenge_form(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    text = values.get("text", "").strip()
    if not text:
        return Response(errors={"text": "Please write your challenge — a sentence is enough."})
    if len(text) > MAX_CHALLENGE:
        return Response(errors={"text": f"Please keep it under {MAX_CHALLENGE} characters."})
    response = await _challenge(deps, actor, state, text)
    return Response(close_form=True, message=response.message)


async def _challenge(deps: Deps, actor: Actor, key: str, text: str) -> Response:
    if not actor.may(CHALLENGE):
        return say(
            "Challenges come from RECI members and trustees. You can read the action with /commitments."
        )
    role = next((r for r in CHALLENGE_ROLES if r in actor.roles), "reci")
    async with deps.sessions() as session, session.begin():
        person = await person_of(session, actor)
        if person is None:
            return say(NOT_IN_PEOPLE_LIST)
        action = await live_action(session, key=key)
        if action is None:
            return say(f"There is no action {escape(key)} in the plan.")
        challenge = await add_challenge(
            session,
            action=action,
            person_id=person.id,
            role=role,
            text=text[:MAX_CHALLENGE],
            now=deps.clock.now(),
        )
        number = challenge.id
    return say(
        f"Challenge {number} on {bold(key)} sent. It is listed in every SMT digest until an SMT member "
        "answers it, and you will be told the answer here.",
        heading="Challenge sent",
    )


async def on_answer_form(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    text = values.get("text", "").strip()
    if not text:
        return Response(errors={"text": "Please write the answer."})
    if not state.isdigit():
        return Response(close_form=True, message=message("That form has expired."))
    response = await _answer(deps, actor, int(state), text[:MAX_CHALLENGE])
    return Response(close_form=True, message=response.message)


async def _answer(deps: Deps, actor: Actor, number: int, text: str) -> Response:
    if not actor.may(ANSWER):
        return say("Only the senior management team answers challenges.")
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        person = await person_of(session, actor)
        if person is None:
            return say(NOT_IN_PEOPLE_LIST)
        challenge = await session.scalar(
            select(Challenge)
            .where(Challenge.id == number)
            .options(selectinload(Challenge.action))
            .with_for_update()
        )
        if challenge is None:
            return say(f"There is no challenge {number}.")
        if challenge.answered_at is not None:
            return say(f"Challenge {number} was answered already.")
        await answer_challenge(session, challenge, answer=text, person_id=person.id, now=now)
        asker = (
            await session.scalar(
                select(Person).where(Person.id == challenge.asked_by).options(selectinload(Person.identities))
            )
            if challenge.asked_by
            else None
        )
        key, question = challenge.action.key, challenge.text
    told = await _tell(deps, asker, key, question, text)
    if told and asker is not None:
        async with deps.sessions() as session, session.begin():
            found = await session.get(Challenge, number)
            if found is not None:
                found.told_at = deps.clock.now()
    return say(
        f"Answer to challenge {number} on {bold(key)} saved"
        + (" and sent to the person who asked." if told else "."),
        heading="Challenge answered",
    )


async def _tell(deps: Deps, asker: Person | None, key: str, question: str, answer: str) -> bool:
    if asker is None or deps.messenger is None or not asker.active:
        return False
    said = (
        f"The senior management team answered your challenge on {bold(key)}.\n"
        f"_You asked:_ {escape(truncate(question, 600))}\n_Their answer:_ {escape(truncate(answer, 1500))}"
    )
    recipient = Recipient(
        person_id=asker.id,
        name=asker.name,
        email=asker.email,
        identities={i.platform: i.external_id for i in asker.identities},
    )
    try:
        await deps.messenger.send_direct(
            recipient, Message(fallback=f"Your challenge on {key} was answered", parts=(Text(said),))
        )
    except SendError:
        return False
    return True


async def with_challenge(session: AsyncSession, actor: Actor, key: str, shown: Message) -> Message:
    """`/commitments KEY` with the survey results linked to the action, year on year, and — for RECI
    members and trustees — a *Challenge* button."""
    extra: list[Part] = []
    lines = []
    for series in (await result_series(session, action_key=key))[:MAX_SERIES]:
        years = ", ".join(f"{y}: {v:g} (n={n})" for y, v, n in series.points)
        change = "" if series.change is None else f" · change {series.change:+g}"
        lines.append(f"- {escape(truncate(series.question, 200))} — {escape(series.group)}: {years}{change}")
    if lines:
        extra.append(Text(truncate("**Survey results, year on year**\n" + "\n".join(lines), MAX_TEXT)))
    if actor.may(CHALLENGE):
        extra.append(Buttons((Button("Challenge", actions.REVIEW_CHALLENGE, key),)))
    if not extra:
        return shown
    return Message(fallback=shown.fallback, parts=(*shown.parts, *extra)[:MAX_PARTS])
