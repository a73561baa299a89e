"""My SMART objective on race equality: the form, its checks, and saving it.

Saving never marks an objective agreed — the line manager (the people file's `manager`) is sent it with
*Agree* / *Ask for changes* (`handlers.smart_agree`). Saving unchanged text keeps it as it was; changing
anything means it needs agreeing again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handlers import actions
from handlers.context import Actor, Deps, Response
from handlers.messages import MAX_FORM_TITLE, Choice, Form, Input, LongText, Option, ShortText
from handlers.my_view import SMART_LABELS
from handlers.permissions import person_of
from handlers.smart_agree import ask_manager
from handlers.wording import NOT_IN_PEOPLE_LIST, action_key, message, say
from storage import audit
from storage.lookups import action_keys, live_action, smart_objective
from storage.models import SmartObjective
from storage.plan_queries import current_plan

NO_ACTION = "none"
MAX_FIELD = 1000
# A Slack static select holds at most 100 options; past that the action key is typed instead.
MAX_CHOICES = 100
_HINTS = {
    "specific": "What exactly will you do?",
    "measurable": "How will you and your manager know it is done?",
    "achievable": "Why is it realistic: time, support, budget?",
    "relevant": "How does it serve the race equality action plan?",
    "time_bound": "By when? A date or a period, e.g. “by 31 March 2025” or “every quarter”.",
}
# A time-bound objective names a date or a period: a year, a month, a day/week/quarter word, a date.
_TIME = re.compile(
    r"\b(19|20)\d\d\b|\d{1,2}[/.-]\d{1,2}|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
    r"|\b(day|week|fortnight|month|quarter|year|annual|half|term|probation|review)[a-z]*\b"
    r"|\bq[1-4]\b|\bh[12]\b|\bend of\b",
    re.IGNORECASE,
)

if TYPE_CHECKING:
    from handlers.router import Router


def register(router: Router) -> None:
    router.form(actions.FORM_SMART, on_smart_form)


def smart_form(objective: SmartObjective | None, linked: str, keys: list[str]) -> Form:
    inputs: list[Input] = [
        LongText(
            name,
            label,
            hint=_HINTS[name],
            initial=getattr(objective, name) if objective else "",
            max_length=MAX_FIELD,
        )
        for name, label in SMART_LABELS
    ]
    if len(keys) < MAX_CHOICES:
        options = (Option(NO_ACTION, "None — it doesn't serve one action"), *(Option(k, k) for k in keys))
        initial = linked if linked in keys else NO_ACTION
        inputs.append(Choice("action", "Which action does it serve?", options, initial=initial))
    else:
        inputs.append(
            ShortText(
                "action",
                "Which action does it serve?",
                hint="A key like INF-1, or none",
                initial=linked or NO_ACTION,
                max_length=20,
            )
        )
    return Form(
        form_id=actions.FORM_SMART,
        title="My SMART objective"[:MAX_FORM_TITLE],
        intro=(
            "Your objective on race equality for this plan year. Your line manager agrees it with you; "
            "if you change an agreed objective, it will need agreeing again."
        ),
        inputs=tuple(inputs),
        submit_label="Save",
    )


async def open_smart_form(deps: Deps, actor: Actor) -> Response:
    async with deps.sessions() as session:
        person = await person_of(session, actor)
        if person is None:
            return say(NOT_IN_PEOPLE_LIST)
        plan = await current_plan(session)
        if plan is None:
            return say("No plan has been imported yet, so there is nothing to link an objective to.")
        found = await smart_objective(session, person_id=person.id, plan_id=plan.id)
        keys = await action_keys(session)
        row, linked = found if found else (None, "")
        return Response(form=smart_form(row, linked, keys))


def check(values: Mapping[str, str], keys: list[str]) -> tuple[dict[str, str], dict[str, str], str]:
    """(errors by input name, the five texts, the linked action key or "")."""
    errors: dict[str, str] = {}
    texts = {name: values.get(name, "").strip() for name, _ in SMART_LABELS}
    for name, label in SMART_LABELS:
        if not texts[name]:
            errors[name] = f"Please fill in “{label}” — a sentence is enough."
        elif len(texts[name]) > MAX_FIELD:
            errors[name] = f"Please keep it under {MAX_FIELD} characters."
    if texts["time_bound"] and "time_bound" not in errors and not _TIME.search(texts["time_bound"]):
        errors["time_bound"] = "Please say by when — a date (31 March 2025) or a period (every quarter)."
    typed = values.get("action", "").strip()
    linked = "" if typed.lower() in ("", NO_ACTION) else (action_key(typed) or typed.upper())
    if linked and linked not in keys:
        errors["action"] = f"There is no action {linked} in the plan; choose one, or none."
    return errors, texts, linked


async def on_smart_form(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    """Save the objective (create or update), with an audit entry; field errors keep the form open."""
    now = deps.clock.now()
    async with deps.sessions() as session:
        person = await person_of(session, actor)
        plan = await current_plan(session)
        if person is None or plan is None:
            refusal = NOT_IN_PEOPLE_LIST if person is None else "No plan has been imported yet."
            return Response(close_form=True, message=message(refusal))
        errors, texts, linked = check(values, await action_keys(session))
        if errors:
            return Response(errors=errors)
        action = await live_action(session, key=linked) if linked else None
        wanted: dict[str, Any] = {**texts, "action_id": action.id if action else None}
        row = await session.scalar(
            select(SmartObjective).where(
                SmartObjective.person_id == person.id, SmartObjective.plan_id == plan.id
            )
        )
        awaiting = "Your line manager agrees it with you; until then it shows as not yet agreed."
        if row is None:
            session.add(
                SmartObjective(person_id=person.id, plan_id=plan.id, agreed=False, updated_at=now, **wanted)
            )
            event, changed, note = "objective.create", list(wanted), f"Saved — thank you. {awaiting}"
        else:
            changed = [name for name, value in wanted.items() if getattr(row, name) != value]
            if not changed:
                still = " and still agreed" if row.agreed else ""
                unchanged = f"Nothing had changed, so your objective is as it was{still}."
                return Response(close_form=True, message=message(unchanged))
            was_agreed = row.agreed
            for name in changed:
                setattr(row, name, wanted[name])
            row.agreed = False
            row.updated_at = now
            again = "Because you changed it, your line manager needs to agree it again."
            event, note = "objective.update", f"Saved — thank you. {again if was_agreed else awaiting}"
        audit.record(
            session,
            at=now,
            actor=f"person:{person.id}",
            event=event,
            entity="smart_objective",
            entity_key=person.email,
            detail={"fields": changed},
        )
        try:
            await session.commit()
        except IntegrityError:
            # The same form submitted twice at once: the first save stands.
            await session.rollback()
    if await ask_manager(deps, person.id):
        note += " I have sent it to your line manager to agree."
    return Response(close_form=True, message=message(note, heading="Your SMART objective"))
