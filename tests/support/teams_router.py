"""A small Router with real handlers, for the Teams adapter tests until the neutral handlers land.

They do what the real ones will, in miniature: a look-up that reads the plan, a nudge button that
records evidence once per delivery, and an update form that checks its link.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handlers import actions
from handlers.context import Actor, Deps, Origin, Response
from handlers.markup import bold, escape
from handlers.messages import Form, Heading, LongText, Message, Text, UrlInput
from handlers.router import Router
from storage.models import Action, Evidence
from tests.support.handlers_support import add_command


def _say(text: str) -> Response:
    return Response(message=Message(fallback=text, parts=(Text(text),)))


async def commitments(deps: Deps, actor: Actor, text: str) -> Response:
    async with deps.sessions() as session:
        action = await session.scalar(select(Action).where(Action.key == text.upper()))
    if action is None:
        return _say(f"No action {escape(text)}.")
    return Response(
        message=Message(
            fallback=f"{action.key} {action.title}",
            parts=(Heading(action.key), Text(f"{bold(action.key)} {escape(action.title)}")),
        )
    )


def update_form(key: str) -> Form:
    return Form(
        form_id=actions.FORM_UPDATE,
        title=f"Update {key}",
        inputs=(LongText("narrative", "What happened?"), UrlInput("link", "A link to the evidence")),
        state=key,
    )


async def nudge_command(deps: Deps, actor: Actor, text: str) -> Response:
    words = text.split()
    if len(words) == 2 and words[0] == "update":
        return Response(form=update_form(words[1].upper()))
    return _say(f"You are {escape(actor.name)}." if actor.known else "You are not linked.")


async def _record(
    deps: Deps, actor: Actor, key: str, *, status: str | None, narrative: str, links: list[str], ref: str
) -> bool:
    async with deps.sessions() as session:
        action = await session.scalar(select(Action).where(Action.key == key))
        if action is None:
            return False
        session.add(
            Evidence(
                action_id=action.id,
                author_id=actor.person_id,
                author_name=actor.name,
                status=status,
                narrative=narrative,
                links=links,
                channel=actor.platform,
                source_ref=ref,
                created_at=deps.clock.now(),
            )
        )
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            return False
    return True


async def nudge_button(deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
    status = actions.NUDGE_STATUS_ACTIONS.get(action)
    if status is None:
        return Response(form=update_form(value))
    await _record(
        deps,
        actor,
        value,
        status=status,
        narrative="",
        links=[],
        ref=f"{actor.platform}:{origin.delivery_id}",
    )
    done = f"Thanks, {value} is now {status.replace('_', ' ')}."
    return Response(replace_original=Message(fallback=done, parts=(Text(done),)))


async def update_submitted(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    link = values.get("link", "")
    if link and not link.startswith(("https://", "http://")):
        return Response(errors={"link": "Enter a web address starting https://"})
    await _record(
        deps,
        actor,
        state,
        status=None,
        narrative=values.get("narrative", ""),
        links=[link] if link else [],
        ref=f"form:{state}:{values.get('narrative', '')}",
    )
    return Response(
        close_form=True,
        message=Message(fallback="Saved", parts=(Text(f"Saved your update on {escape(state)}."),)),
    )


def small_router() -> Router:
    router = Router()
    add_command(router, "commitments", commitments)
    add_command(router, "nudge", nudge_command)
    router.action("nudge", nudge_button)
    router.form(actions.FORM_UPDATE, update_submitted)
    return router
