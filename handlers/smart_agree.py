"""A SMART objective agreed in chat: the line manager agrees it or asks for changes, and at the year's
end records how it went (met / good progress / not met) — the people file's `manager` column says who.

The manager's message carries the person's id; every click checks again that the clicker is that
person's manager, so a forwarded message gives nobody else the say.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from handlers import actions
from handlers.context import Actor, Deps, Origin, Response
from handlers.markup import bold, escape, truncate
from handlers.messages import Button, Buttons, Form, Heading, LongText, Message, Part, Text
from handlers.messenger import Recipient, SendError
from handlers.my_view import SMART_LABELS
from handlers.permissions import person_of
from handlers.wording import message, say
from storage import audit
from storage.models import ObjectiveOutcome, Person, SmartObjective
from storage.plan_queries import current_plan
from storage.smart_outcomes import OUTCOME_LABELS

if TYPE_CHECKING:
    from handlers.router import Router

NOT_MANAGER = "Only this person's line manager (in the people file) can do that."


def register(router: Router) -> None:
    router.action("smart", on_button)
    router.form(actions.FORM_SMART_CHANGES, on_changes_form)


def recipient(person: Person) -> Recipient:
    return Recipient(
        person_id=person.id,
        name=person.name,
        email=person.email,
        identities={i.platform: i.external_id for i in person.identities},
    )


def objective_lines(objective: SmartObjective) -> str:
    return "\n".join(
        f"- {bold(label)}: {escape(truncate(getattr(objective, name), 400))}" for name, label in SMART_LABELS
    )


def agree_message(person: Person, objective: SmartObjective) -> Message:
    parts: list[Part] = [
        Heading(f"{person.name}'s SMART objective"),
        Text(
            f"{escape(person.name)} asks you, as their line manager, to agree it:\n"
            + objective_lines(objective)
        ),
        Buttons(
            (
                Button("Agree", actions.SMART_AGREE, str(person.id), style="primary"),
                Button("Ask for changes", actions.SMART_CHANGES, str(person.id)),
            )
        ),
    ]
    return Message(fallback=f"{person.name} asks you to agree their SMART objective", parts=tuple(parts))


def outcome_message(person: Person, objective: SmartObjective) -> Message:
    buttons = tuple(
        Button(label.capitalize(), actions.SMART_OUTCOME, f"{person.id}|{value}")
        for value, label in OUTCOME_LABELS.items()
    )
    return Message(
        fallback=f"How did {person.name}'s SMART objective end?",
        parts=(
            Heading(f"Year end: {person.name}'s SMART objective"),
            Text(f"How did it go? Record the outcome you agree with them.\n{objective_lines(objective)}"),
            Buttons(buttons),
        ),
    )


async def send_to(deps: Deps, person: Person, said: Message) -> bool:
    if deps.messenger is None or not person.active:
        return False
    try:
        await deps.messenger.send_direct(recipient(person), said)
    except SendError:
        return False
    return True


async def ask_manager(deps: Deps, person_id: int) -> bool:
    """Send the person's manager the objective to agree; False when there is no manager to ask."""
    async with deps.sessions() as session:
        person = await session.get(Person, person_id)
        plan = await current_plan(session)
        if person is None or plan is None or not person.manager_email:
            return False
        manager = await session.scalar(
            select(Person)
            .where(Person.email == person.manager_email)
            .options(selectinload(Person.identities))
        )
        objective = await session.scalar(
            select(SmartObjective).where(
                SmartObjective.person_id == person.id, SmartObjective.plan_id == plan.id
            )
        )
        if manager is None or objective is None:
            return False
    return await send_to(deps, manager, agree_message(person, objective))


async def _theirs(deps: Deps, actor: Actor, value: str) -> tuple[Person, Person, SmartObjective] | str:
    """(manager, person, objective) when the actor manages the person named by `value`, else a refusal."""
    person_part = value.split("|", 1)[0]
    if not person_part.isdigit():
        return "That button no longer does anything."
    async with deps.sessions() as session:
        manager = await person_of(session, actor)
        person = await session.scalar(
            select(Person).where(Person.id == int(person_part)).options(selectinload(Person.identities))
        )
        plan = await current_plan(session)
        if manager is None or person is None or plan is None or person.manager_email != manager.email:
            return NOT_MANAGER
        objective = await session.scalar(
            select(SmartObjective).where(
                SmartObjective.person_id == person.id, SmartObjective.plan_id == plan.id
            )
        )
        if objective is None:
            return f"{person.name} has no SMART objective for this plan yet."
    return manager, person, objective


async def on_button(deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
    found = await _theirs(deps, actor, value)
    if isinstance(found, str):
        return say(found)
    manager, person, objective = found
    if action == actions.SMART_CHANGES:
        return Response(
            form=Form(
                form_id=actions.FORM_SMART_CHANGES,
                title="Ask for changes",
                intro=f"What should {person.name} change? They get your words and save it again.",
                inputs=(LongText("text", "What to change", max_length=1000),),
                submit_label="Send",
                state=str(person.id),
            )
        )
    if action == actions.SMART_AGREE:
        return await _set(deps, manager, person, objective, agreed=True)
    outcome = value.split("|", 1)[1] if "|" in value else ""
    if action == actions.SMART_OUTCOME and outcome in {o.value for o in ObjectiveOutcome}:
        return await _set(deps, manager, person, objective, outcome=outcome)
    return say("That button no longer does anything.")


async def _set(
    deps: Deps,
    manager: Person,
    person: Person,
    objective: SmartObjective,
    *,
    agreed: bool | None = None,
    outcome: str | None = None,
) -> Response:
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        row = await session.get(SmartObjective, objective.id)
        if row is None:
            return say("That objective no longer exists.")
        if agreed is not None:
            row.agreed = agreed
        if outcome is not None:
            row.outcome = outcome
        row.updated_at = now
        audit.record(
            session,
            at=now,
            actor=f"person:{manager.id}",
            event="objective.agree" if agreed is not None else "objective.outcome",
            entity="smart_objective",
            entity_key=person.email,
            detail={"agreed": agreed} if agreed is not None else {"outcome": outcome},
        )
    if agreed is not None:
        done = f"You agreed {escape(person.name)}'s SMART objective."
        told = f"{escape(manager.name)} agreed your SMART objective."
    else:
        words = OUTCOME_LABELS[outcome or ""]
        done = f"Recorded: {escape(person.name)}'s SMART objective — {words}."
        told = f"{escape(manager.name)} recorded your SMART objective's outcome: {words}."
    await send_to(deps, person, message(told, heading="Your SMART objective"))
    return Response(replace_original=message(done, heading="SMART objective"))


async def on_changes_form(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    text = values.get("text", "").strip()
    if not text:
        return Response(errors={"text": "Please say what to change."})
    found = await _theirs(deps, actor, state)
    if isinstance(found, str):
        return Response(close_form=True, message=message(found))
    manager, person, _ = found
    said = (
        f"{escape(manager.name)} asks for changes to your SMART objective:\n"
        f"_{escape(truncate(text, 1000))}_\n"
        "Change it with /nudge smart; they will be asked to agree it again."
    )
    sent = await send_to(deps, person, message(said, heading="Your SMART objective"))
    note = f"Sent to {escape(person.name)}." if sent else f"I could not reach {escape(person.name)} in chat."
    return Response(close_form=True, message=message(note, heading="Changes asked for"))
