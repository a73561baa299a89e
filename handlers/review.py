"""`/review`: where the current review stands, and the SMT recording it one action at a time.

/review                  where the review stands (anyone may read it)
/review record [KEY]     the next action without an agreed status (or KEY): Save and next
/review plan             the plan's successes, challenges, learning and decisions
/review close            close the review (the board paper can then be written)
/review challenge KEY …  a RECI member's or trustee's challenge (see `handlers.challenges`)
/review answer ID …      the SMT's answer to a challenge
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import actions, challenges
from handlers.context import Actor, Deps, Origin, Response
from handlers.markup import bold, escape
from handlers.messages import Button, Buttons, Context, Heading, Message, Part, Text
from handlers.permissions import person_of
from handlers.review_forms import action_form, changed, plan_form, unpack_state
from handlers.wording import NOT_IN_PEOPLE_LIST, action_key, message, say
from storage import audit
from storage.models import Action, Objective, Plan, Review
from storage.models.review import REVIEW_ACTION_FIELDS, REVIEW_PLAN_FIELDS
from storage.plan_queries import current_plan
from storage.review_dates import ReviewDate, current_or_last_review, review_on
from storage.reviews import challenges as challenge_rows
from storage.reviews import ensure_review, entries_by_action, write_entry, write_plan_fields

if TYPE_CHECKING:
    from handlers.router import Router

RECORD_REVIEW = "record_review"
ONLY_SMT = "Only the senior management team records the review. You can see where it stands with /review."


def register(router: Router) -> None:
    router.command(
        "review",
        review_command,
        summary="The six-monthly review: where it stands; record it (SMT); challenge an action",
        usage="[record KEY | plan | close | challenge KEY words | answer ID words]",
        help="**{cmd}** for where the review stands, **{cmd} challenge INF-2 …** to challenge an action",
    )
    router.action("review", on_button)
    router.form(actions.FORM_REVIEW_ACTION, on_action_form)
    router.form(actions.FORM_REVIEW_PLAN, on_plan_form)
    challenges.register(router)


def _long(day: object) -> str:
    return f"{day.day} {day:%B %Y}"  # type: ignore[attr-defined]


async def _current(session: AsyncSession, deps: Deps) -> tuple[Plan, ReviewDate] | None:
    plan = await current_plan(session)
    if plan is None:
        return None
    when = current_or_last_review(plan, deps.clock.now().date())
    return (plan, when) if when is not None else None


async def _live_actions(session: AsyncSession, plan: Plan) -> list[Action]:
    return list(
        (
            await session.scalars(
                select(Action)
                .join(Objective, Objective.id == Action.objective_id)
                .where(Action.plan_id == plan.id, Action.archived_at.is_(None))
                .order_by(Objective.position, Action.position, Action.id)
            )
        ).all()
    )


async def review_command(deps: Deps, actor: Actor, text: str) -> Response:
    word, _, rest = text.partition(" ")
    word = word.lower()
    if word in ("challenge", "answer"):
        return await challenges.command(deps, actor, word, rest.strip())
    if word in ("record", "plan", "close"):
        return await _record(deps, actor, word, rest.strip())
    if word not in ("", "status"):
        return say("Try /review, /review record [KEY], /review plan, /review close, /review challenge KEY …")
    return await status(deps, actor)


async def on_button(deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
    if action == actions.REVIEW_RECORD:
        return await _record(deps, actor, "record", value)
    if action == actions.REVIEW_PLAN:
        return await _record(deps, actor, "plan", "")
    return await challenges.on_button(deps, actor, action, value, origin)


async def status(deps: Deps, actor: Actor) -> Response:
    async with deps.sessions() as session:
        found = await _current(session, deps)
        if found is None:
            return say("There is no review to show: the plan has no review dates yet.")
        plan, when = found
        review = await session.scalar(
            select(Review).where(Review.plan_id == plan.id, Review.held_on == when.held_on)
        )
        live = await _live_actions(session, plan)
        entries = await entries_by_action(session, review.id) if review else {}
        open_challenges = await challenge_rows(session, plan_id=plan.id, open_only=True)
    agreed = [a for a in live if entries.get(a.id) and entries[a.id].rag]
    missing = [a.key for a in live if a not in agreed]
    state = "closed" if review and review.closed_at else ("open" if review else "not yet announced")
    lines = [
        f"{bold(when.label)} on {_long(when.held_on)}, covering {_long(when.covers_from)} to "
        f"{_long(when.held_on)} — {state}.",
        f"- Agreed status recorded for {len(agreed)} of {len(live)} actions"
        + (
            f"; still to do: {escape(', '.join(missing[:12]))}{' …' if len(missing) > 12 else ''}"
            if missing
            else ""
        ),
    ]
    if review is not None:
        filled = [n for n in REVIEW_PLAN_FIELDS if getattr(review, n).strip()]
        lines.append(f"- Plan-level fields written: {', '.join(filled) or 'none yet'}")
    lines.append(f"- Challenges waiting for an answer: {len(open_challenges)}")
    parts: list[Part] = [Heading("Where the review stands"), Text("\n".join(lines))]
    if actor.may(RECORD_REVIEW) and not (review and review.closed_at):
        parts.append(
            Buttons(
                (
                    Button("Record actions", actions.REVIEW_RECORD, "", style="primary"),
                    Button("The plan as a whole", actions.REVIEW_PLAN, ""),
                )
            )
        )
    parts.append(Context("The board paper: `nudgebot review-pack --for board` once the review is closed."))
    return Response(
        message=Message(fallback=f"{when.label}: {len(agreed)} of {len(live)} agreed", parts=tuple(parts))
    )


async def _record(deps: Deps, actor: Actor, word: str, rest: str) -> Response:
    if not actor.may(RECORD_REVIEW):
        return say(ONLY_SMT)
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        person = await person_of(session, actor)
        if person is None:
            return say(NOT_IN_PEOPLE_LIST)
        found = await _current(session, deps)
        if found is None:
            return say("There is no review to record: the plan has no review dates yet.")
        plan, when = found
        review = await ensure_review(session, plan, when, now=now)
        if review.closed_at is not None:
            return say(f"The review of {_long(when.held_on)} is closed.")
        if word == "plan":
            return Response(form=plan_form(review))
        if word == "close":
            await session.execute(update(Review).where(Review.id == review.id).values(closed_at=now))
            audit.record(
                session,
                at=now,
                actor=f"person:{person.id}",
                event="review.close",
                entity="review",
                entity_key=when.held_on.isoformat(),
            )
            return say(
                f"The review of {_long(when.held_on)} is closed. The board paper: "
                "`nudgebot review-pack --for board` (HTML, PDF or Word).",
                heading="Review closed",
            )
        live = await _live_actions(session, plan)
        entries = await entries_by_action(session, review.id)
        key = action_key(rest) if rest else None
        if rest and key is None:
            return say(f"“{escape(rest)}” is not an action key like INF-1.")
        chosen = next((a for a in live if a.key == key), None) if key else None
        if key and chosen is None:
            return say(f"There is no action {key} in the plan.")
        if chosen is None:
            chosen = next((a for a in live if not (entries.get(a.id) and entries[a.id].rag)), None)
        if chosen is None:
            return say(
                "Every action has an agreed status. Use /review record KEY to change one, or /review plan."
            )
        position = f"Action {live.index(chosen) + 1} of {len(live)}"
        return Response(form=action_form(review, chosen, entries.get(chosen.id), position))


async def on_action_form(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    unpacked = unpack_state(state)
    if unpacked is None or not actor.may(RECORD_REVIEW):
        return Response(close_form=True, message=message(ONLY_SMT if unpacked else "That form has expired."))
    held_on, key, shown = unpacked
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        person = await person_of(session, actor)
        plan = await current_plan(session)
        when = review_on(plan, held_on) if plan else None
        if person is None or plan is None or when is None:
            return Response(close_form=True, message=message("That review no longer exists."))
        review = await ensure_review(session, plan, when, now=now)
        live = await _live_actions(session, plan)
        action = next((a for a in live if a.key == key), None)
        if action is None:
            return Response(close_form=True, message=message(f"{key} is no longer in the plan."))
        writes = changed(values, shown, REVIEW_ACTION_FIELDS)
        fields: dict[str, str | None] = {k: (v or None) if k == "rag" else v for k, v in writes.items()}
        await write_entry(
            session, review, action, fields, person_id=person.id, actor=f"person:{person.id}", now=now
        )
        index = live.index(action)
        following = live[index + 1] if index + 1 < len(live) else None
        entries = await entries_by_action(session, review.id)
        if following is None:
            done = sum(1 for a in live if entries.get(a.id) and entries[a.id].rag)
            return Response(
                close_form=True,
                message=message(
                    f"That was the last action: {done} of {len(live)} have an agreed status. "
                    "Next: /review plan for the plan's successes, challenges, learning and decisions.",
                    heading="Review recorded",
                ),
            )
        position = f"Action {index + 2} of {len(live)}"
        return Response(form=action_form(review, following, entries.get(following.id), position))


async def on_plan_form(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    unpacked = unpack_state(state)
    if unpacked is None or not actor.may(RECORD_REVIEW):
        return Response(close_form=True, message=message(ONLY_SMT if unpacked else "That form has expired."))
    held_on, _, shown = unpacked
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        person = await person_of(session, actor)
        plan = await current_plan(session)
        when = review_on(plan, held_on) if plan else None
        if person is None or plan is None or when is None:
            return Response(close_form=True, message=message("That review no longer exists."))
        review = await ensure_review(session, plan, when, now=now)
        written = await write_plan_fields(
            session, review, changed(values, shown, REVIEW_PLAN_FIELDS), actor=f"person:{person.id}", now=now
        )
    said = f"Saved: {', '.join(written)}." if written else "Nothing had changed."
    return Response(close_form=True, message=message(said, heading="The plan at this review"))
