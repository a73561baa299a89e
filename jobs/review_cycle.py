"""The review's clock: two weeks before each review the SMT channel is told and every action owner is
asked for a closing update; before the plan's last review each line manager is asked how each agreed
SMART objective ended.

`enqueue_reviews` runs with the daily `reviews` job and writes outbox rows keyed on the review's date,
so a rerun, a second scheduler or a catch-up writes nothing twice; the builders turn each row into its
message when it is sent. No review whose day has passed is ever announced.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from handlers import actions
from handlers.markup import bold, escape, truncate
from handlers.messages import Button, Buttons, Context, Heading, Message, Part, Text
from handlers.smart_agree import outcome_message
from jobs import outbox
from jobs.context import JobContext
from jobs.delivery import Built, Outgoing
from jobs.nudge_messages import as_recipient, recipient
from jobs.periods import long_date
from jobs.timing import local_now
from storage.models import Action, ActionOwner, Person, Plan, SmartObjective, Status, UpdateRequest
from storage.plan_queries import current_plan
from storage.review_dates import ReviewDate, review_dates
from storage.reviews import ensure_review

REVIEW_NOTICE = "review_notice"
REVIEW_ASK = "review_ask"
SMART_OUTCOME_ASK = "smart_outcome_ask"
BUTTONS_PER_ROW = 5


def _due(plan: Plan, today: datetime) -> ReviewDate | None:
    day = today.date()
    return next((r for r in review_dates(plan) if r.announce_on <= day <= r.held_on), None)


async def enqueue_reviews(session: AsyncSession, ctx: JobContext, at: datetime) -> list[str]:
    plan = await current_plan(session)
    if plan is None:
        return []
    when = _due(plan, local_now(at, ctx.settings.timezone, ctx.settings))
    if when is None:
        return ["no review within its two weeks' notice"]
    review = await ensure_review(session, plan, when, now=at)
    if review.announced_at is None:
        review.announced_at = at
    period = when.held_on.isoformat()
    # Every row names the same columns: a multi-row INSERT takes its columns from the first row.
    base = {"subject": "", "period": period, "due_at": at, "created_at": at, "person_id": None}
    rows = [{**base, "kind": REVIEW_NOTICE, "recipient": outbox.channel_key(ctx.settings.smt_channel)}]
    owners = (
        await session.execute(
            select(Person.id)
            .join(ActionOwner, ActionOwner.email == Person.email)
            .join(Action, Action.id == ActionOwner.action_id)
            .where(Action.plan_id == plan.id, Action.archived_at.is_(None), Person.active.is_(True))
            .distinct()
        )
    ).scalars()
    rows += [
        {**base, "kind": REVIEW_ASK, "recipient": outbox.person_key(pid), "person_id": pid} for pid in owners
    ]
    if when.held_on == plan.ends:
        agreed = (
            await session.scalars(
                select(SmartObjective.person_id).where(
                    SmartObjective.plan_id == plan.id, SmartObjective.agreed.is_(True)
                )
            )
        ).all()
        rows += [
            {**base, "kind": SMART_OUTCOME_ASK, "recipient": outbox.person_key(pid), "person_id": pid}
            for pid in agreed
        ]
    written = await outbox.insert_new(session, rows)
    return [f"{when.label} on {long_date(when.held_on)}: {len(written)} message(s) written"]


def _review_of(row: UpdateRequest, plan: Plan) -> ReviewDate | None:
    return next((r for r in review_dates(plan) if r.held_on.isoformat() == row.period), None)


async def build_review_notice(
    session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime
) -> Built:
    plan = await current_plan(session)
    when = _review_of(row, plan) if plan else None
    if plan is None or when is None:
        return None
    text = (
        f"The senior management team reviews {escape(plan.name)} on {bold(long_date(when.held_on))}, "
        f"covering {long_date(when.covers_from)} to {long_date(when.held_on)}. Every action owner has been "
        "asked for a closing update. On the day, record the review with /review record: an agreed status "
        "and a few words for each action, one at a time; then /review plan for the successes, challenges, "
        "learning and decisions. Several of you can record at once."
    )
    parts: list[Part] = [
        Heading(f"{when.label}: {long_date(when.held_on)}"),
        Text(text),
        Buttons((Button("Record the review", actions.REVIEW_RECORD, "", style="primary"),)),
        Context("/review shows where the review stands."),
    ]
    return Outgoing(
        message=Message(fallback=f"{when.label} on {long_date(when.held_on)}", parts=tuple(parts)),
        describe=f"review notice for {long_date(when.held_on)} to {ctx.settings.smt_channel}",
        channel=ctx.settings.smt_channel,
    )


async def build_review_ask(
    session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime
) -> Built:
    person = await recipient(session, row.person_id or 0)
    plan = await current_plan(session)
    when = _review_of(row, plan) if plan else None
    if person is None or not person.active or plan is None or when is None:
        return None
    owned = (
        await session.scalars(
            select(Action)
            .join(ActionOwner, ActionOwner.action_id == Action.id)
            .where(ActionOwner.email == person.email, Action.plan_id == plan.id, Action.archived_at.is_(None))
            .order_by(Action.position)
        )
    ).all()
    if not owned:
        return None
    lines = [
        f"- {bold(a.key)} {escape(truncate(a.title, 140))} · now {Status(a.status).label}" for a in owned
    ]
    buttons = [Button(f"Update {a.key}", actions.NUDGE_ADD_UPDATE, a.key) for a in owned]
    parts: list[Part] = [
        Heading(f"Closing update for the review on {long_date(when.held_on)}"),
        Text(
            f"The senior management team reviews the plan on {long_date(when.held_on)}. Please give a "
            "closing update on each action you own: its status, a few words on progress, and links to "
            "evidence.\n" + "\n".join(lines)
        ),
        *(Buttons(tuple(buttons[i : i + BUTTONS_PER_ROW])) for i in range(0, len(buttons), BUTTONS_PER_ROW)),
    ]
    return Outgoing(
        message=Message(
            fallback=f"Closing update for the review on {long_date(when.held_on)}", parts=tuple(parts)
        ),
        describe=f"review ask to {person.name}: {', '.join(a.key for a in owned)}",
        person=as_recipient(person),
    )


async def build_outcome_ask(
    session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime
) -> Built:
    """To the person's line manager: how did their agreed objective end? (Nothing without a manager.)"""
    person = await session.get(Person, row.person_id or 0)
    plan = await current_plan(session)
    if person is None or plan is None or not person.manager_email:
        return None
    manager = await session.scalar(
        select(Person).where(Person.email == person.manager_email).options(selectinload(Person.identities))
    )
    objective = await session.scalar(
        select(SmartObjective).where(SmartObjective.person_id == person.id, SmartObjective.plan_id == plan.id)
    )
    if manager is None or not manager.active or objective is None or objective.outcome:
        return None
    return Outgoing(
        message=outcome_message(person, objective),
        describe=f"SMART outcome ask to {manager.name} about {person.name}",
        person=as_recipient(manager),
    )
