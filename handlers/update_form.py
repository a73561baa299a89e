"""The update form: a status, a figure for each measure that takes one, a few words and up to three
evidence links about one action.

Opened by the nudge's "Add update" button or `/nudge update KEY`; its `state` is the action key.
The status is the owner's confidence (on track / at risk / off track); each measure's own status is
derived from its figures (`storage.measure_status`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import actions
from handlers.context import Actor, Deps, Response
from handlers.figures import ABOUT_INPUT, FigureAsk, about_input, asked_figures, figure_inputs, read_figures
from handlers.markup import escape, truncate
from handlers.messages import MAX_FORM_TITLE, Choice, Form, LongText, Option, UrlInput
from handlers.recording import prepare, record_update, refresh_nudges
from handlers.wording import STATUS_ORDER, action_key, message, say
from storage.lookups import status_of
from storage.measure_recording import action_measures
from storage.models import Action, Measure, Plan, Status

if TYPE_CHECKING:
    from handlers.router import Router

LINK_INPUTS = ("link_1", "link_2", "link_3")
MAX_NARRATIVE = 3000
MAX_URL = 500


def register(router: Router) -> None:
    router.form(actions.FORM_UPDATE, on_update_form)


def update_form(action: Action, figures: Sequence[FigureAsk] = (), measures: Sequence[Measure] = ()) -> Form:
    status = status_of(action.status)
    about = about_input(measures)
    asked = " Give a figure for each measure you have one for." if figures else ""
    return Form(
        form_id=actions.FORM_UPDATE,
        title=truncate(f"Update {action.key}", MAX_FORM_TITLE),
        intro=(
            f"**{action.key}** {escape(truncate(action.title, 400))}\n"
            f"Now: {status.label}. What you write is kept as evidence for the six-monthly review.{asked}"
        ),
        inputs=(
            Choice(
                "status",
                "Where is it now?",
                tuple(Option(s.value, s.label) for s in STATUS_ORDER),
                initial=status.value,
            ),
            *figure_inputs(figures),
            *((about,) if about else ()),
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
        action = prepared[1]
        measures, asks = await _figures_asked(session, deps, action)
        return Response(form=update_form(action, asks, measures))


async def _figures_asked(
    session: AsyncSession, deps: Deps, action: Action
) -> tuple[list[Measure], list[FigureAsk]]:
    measures = await action_measures(session, action.id)
    plan = await session.get(Plan, action.plan_id)
    today = deps.clock.now().astimezone(ZoneInfo(deps.timezone)).date()
    start = plan.starts.month if plan else 4
    return measures, asked_figures(action, measures, today=today, start_month=start)


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
    async with deps.sessions() as session:
        prepared = await prepare(session, actor, state, today=deps.clock.now().date())
        if isinstance(prepared, str):
            return Response(close_form=True, message=message(prepared))
        measures, asks = await _figures_asked(session, deps, prepared[1])
    figures, figure_errors = read_figures(values, asks)
    errors |= figure_errors
    if errors:
        return Response(errors=errors)
    chosen = values.get(ABOUT_INPUT, "").strip()
    about = chosen if chosen in {m.key for m in measures} else None
    result = await record_update(
        deps,
        actor,
        key=state,
        status=status,
        narrative=narrative,
        links=links,
        figures=figures,
        about=about,
    )
    if isinstance(result, str):
        return Response(close_form=True, message=message(result))
    await refresh_nudges(deps, result.message_refs)
    label = status.label if status else "Update"
    given = f" and {len(figures)} figure{'s' * (len(figures) != 1)}" if figures else ""
    return Response(
        close_form=True,
        message=message(
            f"Thank you — your update on {result.action_key} is saved as evidence ({label}){given}. "
            f"Type /commitments {result.action_key} to see its measures against their targets."
        ),
    )
