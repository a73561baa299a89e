"""Answering a survey (the respond button and the answer form) and releasing written answers.

Nothing on the answer path logs, audits or writes anything but the response row and the keyed
who-answered hash (DESIGN §5), and those only in shuffled batches (`storage.survey_pool`). A taken
answer is acknowledged inside the form itself ("received" or "stored", `receipt_form`) and nothing
is posted to chat: a "thanks" message would be a lasting record, in the workspace's history, of who
answered.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import SQLAlchemyError

from handlers import actions
from handlers.context import Actor, Deps, Origin, Response
from handlers.surveys.closing import local_today, post_free_text
from handlers.surveys.forms import answer_form, read_answers, receipt_form
from handlers.surveys.notices import already_answered, closed, say
from handlers.surveys.results import not_yet, text_releasable
from storage import audit
from storage.models import Survey
from storage.survey_audience import is_invited, respondent_key
from storage.survey_tally import tally
from storage.surveys import AnswerOutcome, get_survey, has_answered, release_free_text, submit_answer

RELEASE_FREE_TEXT = "release_free_text"
# Survey audit entries name the role, not the member: after close no entry ties a person to a survey.
SURVEY_ACTOR = "role:reci"


class AnswerNotStored(Exception):
    """Storing an answer failed; the message is the database error's class name and nothing else."""


UNKNOWN_PERSON = (
    "I can't match you to anyone in nudgebot's list of people, so I can't take an answer. "
    "Ask the administrator to check your email address in the people file."
)


async def _refusal(deps: Deps, actor: Actor, survey: Survey | None) -> Response | None:
    """Why this person may not answer this survey now, or None when they may."""
    if survey is None:
        return Response(close_form=True, message=say("That survey no longer exists."))
    if survey.status != "open" or survey.closes_on < local_today(deps):
        return Response(close_form=True, message=closed(survey))
    assert actor.person_id is not None
    async with deps.sessions() as session:
        if not await is_invited(session, survey_id=survey.id, person_id=actor.person_id):
            return Response(
                close_form=True, message=say("This survey was not sent to you, so it can't take your answer.")
            )
        if await has_answered(session, survey_id=survey.id, respondent=respondent_key(actor.person_id)):
            return Response(close_form=True, message=already_answered(survey))
    return None


async def _survey(deps: Deps, survey_id: str) -> Survey | None:
    async with deps.sessions() as session:
        return await get_survey(session, survey_id=survey_id)


async def respond(deps: Deps, actor: Actor, survey_id: str) -> Response:
    """The "respond anonymously" button: open the questions, unless this person may not answer."""
    if actor.person_id is None:
        return Response(message=say(UNKNOWN_PERSON))
    survey = await _survey(deps, survey_id)
    refusal = await _refusal(deps, actor, survey)
    if refusal is not None:
        return Response(message=refusal.message)
    assert survey is not None
    return Response(form=answer_form(survey))


async def on_answer(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    if actor.person_id is None:
        return Response(close_form=True, message=say(UNKNOWN_PERSON))
    survey = await _survey(deps, state)
    refusal = await _refusal(deps, actor, survey)
    if refusal is not None:
        return refusal
    assert survey is not None
    answers, errors = read_answers(survey, values)
    if errors:
        return Response(errors=errors)
    try:
        outcome = await submit_answer(
            deps.sessions, survey_id=survey.id, respondent=respondent_key(actor.person_id), answers=answers
        )
    except SQLAlchemyError as exc:
        # A database error's text carries the statement's parameters (the answers), and adapters log a
        # failure with the user's id: only the error's kind may travel up, with no chained cause.
        raise AnswerNotStored(type(exc).__name__) from None
    if outcome is AnswerOutcome.ALREADY_ANSWERED:
        return Response(close_form=True, message=already_answered(survey))
    if outcome not in {AnswerOutcome.STORED, AnswerOutcome.RECEIVED}:
        return Response(close_form=True, message=closed(survey))
    return Response(form=receipt_form(survey, stored=outcome is AnswerOutcome.STORED))


async def on_receipt(_deps: Deps, _actor: Actor, _values: Mapping[str, str], _state: str) -> Response:
    """The receipt's only button closes it."""
    return Response(close_form=True)


async def release(deps: Deps, actor: Actor, survey_id: str) -> Response:
    """A RECI member releases a closed survey's written answers: posted, shuffled, to the RECI channel."""
    if not actor.may(RELEASE_FREE_TEXT):
        return Response(message=say("Only RECI members can release written answers."))
    survey = await _survey(deps, survey_id)
    if survey is None:
        return Response(message=say("That survey no longer exists."))
    if survey.status != "closed":
        return Response(message=not_yet(survey))
    now = deps.clock.now()
    async with deps.sessions() as session:
        if not text_releasable(survey, await tally(session, survey=survey)):
            return Response(
                message=say("There are too few written answers to show any without risking anonymity.")
            )
        if not await release_free_text(session, survey_id=survey.id):
            return Response(message=say("The written answers of this survey are already released."))
        audit.record(
            session,
            at=now,
            actor=SURVEY_ACTOR,
            event="survey.release_text",
            entity="survey",
            entity_key=survey.id,
        )
        await session.commit()
    survey.free_text_released = True
    await post_free_text(deps, survey)
    return Response(
        message=say(
            f"Released: the written answers to “{survey.title}” are posted, shuffled, in the RECI channel."
        )
    )


async def on_action(deps: Deps, actor: Actor, action: str, value: str, _origin: Origin) -> Response:
    if action == actions.SURVEY_RESPOND:
        return await respond(deps, actor, value)
    if action == actions.SURVEY_RELEASE_TEXT:
        return await release(deps, actor, value)
    return Response(message=say("That button no longer does anything."))
