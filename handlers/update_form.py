"""The update form: a status, a few words and up to three evidence links about one action.

Opened by the nudge's "Add update" button or `/nudge update KEY`; its `state` is the action key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from handlers import actions
from handlers.context import Actor, Deps, Response
from handlers.markup import escape, truncate
from handlers.messages import MAX_FORM_TITLE, Choice, Form, LongText, Option, UrlInput
from handlers.recording import prepare, record_update, refresh_nudges
from handlers.wording import STATUS_ORDER, action_key, message, say
from storage.lookups import status_of
from storage.models import Action, Status

if TYPE_CHECKING:
    from handlers.router import Router

LINK_INPUTS = ("link_1", "link_2", "link_3")
MAX_NARRATIVE = 3000
MAX_URL = 500


def register(router: Router) -> None:
    router.form(actions.FORM_UPDATE, on_update_form)


def update_form(action: Action) -> Form:
    status = status_of(action.status)
    return Form(
        form_id=actions.FORM_UPDATE,
        title=truncate(f"Update {action.key}", MAX_FORM_TITLE),
        intro=(
            f"**{action.key}** {escape(truncate(action.title, 400))}\n"
            f"Now: {status.label}. What you write is kept as evidence for the six-monthly review."
        ),
        inputs=(
            Choice(
                "status",
                "Where is it now?",
                tuple(Option(s.value, s.label) for s in STATUS_ORDER),
                initial=status.value,
            ),
            LongText(
                "narrative",
                "What has happened?",
                hint="A few sentences: what moved, what is in the way, what comes next.",
                max_length=MAX_NARRATIVE,
            ),
            *(
                UrlInput(name, f"Evidence link {i}", hint="A web address starting https://")
                for i, name in enumerate(LINK_INPUTS, start=1)
            ),
        ),
        submit_label="Save update",
        state=action.key,
    )


async def open_update_form(deps: Deps, actor: Actor, key: str) -> Response:
    """The form for `key`, or the reason this actor cannot update it."""
    async with deps.sessions() as session:
        prepared = await prepare(
            session, actor, action_key(key) or key.strip().upper(), today=deps.clock.now().date()
        )
        if isinstance(prepared, str):
            return say(prepared)
        return Response(form=update_form(prepared[1]))


def check(values: Mapping[str, str]) -> tuple[dict[str, str], Status | None, str, list[str]]:
    """(errors by input name, status, narrative, links) from a submitted update form."""
    errors: dict[str, str] = {}
    status: Status | None = None
    try:
        status = Status(values.get("status", "").strip())
    except ValueError:
        errors["status"] = "Please choose where the action is now."
    narrative = values.get("narrative", "").strip()
    if not narrative:
        errors["narrative"] = "Please add a few words about progress — even one sentence helps."
    elif len(narrative) > MAX_NARRATIVE:
        errors["narrative"] = f"Please keep it under {MAX_NARRATIVE} characters; links can carry the rest."
    links = []
    for name in LINK_INPUTS:
        url = values.get(name, "").strip()
        if not url:
            continue
        if is_web_address(url):
            links.append(url)
        else:
            errors[name] = "Please give a full web address starting with https:// (or http://)."
    return errors, status, narrative, links


def is_web_address(url: str) -> bool:
    if len(url) > MAX_URL or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "." in (parts.hostname or "")


async def on_update_form(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    errors, status, narrative, links = check(values)
    if errors:
        return Response(errors=errors)
    result = await record_update(deps, actor, key=state, status=status, narrative=narrative, links=links)
    if isinstance(result, str):
        return Response(close_form=True, message=message(result))
    await refresh_nudges(deps, result.message_refs)
    label = status.label if status else "Update"
    return Response(
        close_form=True,
        message=message(f"Thank you — your update on {result.action_key} is saved as evidence ({label})."),
    )
