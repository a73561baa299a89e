"""/feedback: RECI's surveys — new (a form), list, close ID, results ID — and the new-survey form."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from handlers.context import Actor, Deps, Response
from handlers.markup import bold, escape
from handlers.messages import Context, Heading, Message, Part, Text
from handlers.messenger import ChannelDirectory, SendError
from handlers.surveys.answering import SURVEY_ACTOR
from handlers.surveys.closing import close_and_announce, local_today
from handlers.surveys.forms import new_survey_form
from handlers.surveys.notices import say
from handlers.surveys.preview import NEXT, OPEN_NOW, PREVIEW, decode, preview_form
from handlers.surveys.results import not_yet, results_message
from handlers.surveys.spec import parse_form
from handlers.surveys.templates import TEMPLATES, template_list
from storage import audit
from storage.people_import import known_roles
from storage.survey_audience import audience_people, queue_invitations
from storage.survey_tally import tally
from storage.surveys import count_responses, create_survey, get_survey, list_surveys

log = logging.getLogger(__name__)

RUN_SURVEYS = "run_surveys"
DEFAULT_DAYS_OPEN = 14

NOT_ALLOWED = (
    "Only members of the race equality network (people with the RECI role) can run surveys. "
    "If you would like colleagues asked something, talk to a RECI member."
)
HELP = (
    "**/feedback** runs RECI's anonymous surveys:\n"
    "- /feedback new opens the form for a new survey; /feedback new pulse (or speak-up, inclusion, "
    "event) opens it filled in from a template\n"
    "- /feedback list shows the surveys\n"
    "- /feedback close ID closes a survey now and posts its results\n"
    "- /feedback results ID shows a closed survey's results"
)


async def feedback(deps: Deps, actor: Actor, text: str) -> Response:
    verb, _, rest = text.partition(" ")
    verb, survey_id = verb.lower(), rest.strip().lower()
    if verb in {"", "help"}:
        return Response(message=Message(fallback="/feedback help", parts=(Text(HELP),)))
    if not actor.may(RUN_SURVEYS):
        return Response(message=say(NOT_ALLOWED))
    if verb == "new":
        template = TEMPLATES.get(survey_id)
        if survey_id and template is None:
            return Response(
                message=say(f"There is no template “{survey_id}”. The templates:\n{template_list()}")
            )
        closes_on = local_today(deps) + timedelta(days=DEFAULT_DAYS_OPEN)
        return Response(form=new_survey_form(closes_on=closes_on, template=template))
    if verb == "list":
        return Response(message=await _list(deps))
    if verb in {"close", "results"} and not survey_id:
        return Response(message=say(f"Say which survey: /feedback {verb} ID (see /feedback list)."))
    if verb == "close":
        return Response(message=await _close(deps, actor, survey_id))
    if verb == "results":
        return Response(message=await _results(deps, survey_id))
    return Response(
        message=Message(
            fallback="/feedback help", parts=(Text(f"I don't know “{escape(verb)}”."), Text(HELP))
        )
    )


async def _list(deps: Deps) -> Message:
    parts: list[Part] = [Heading("RECI surveys")]
    async with deps.sessions() as session:
        surveys = await list_surveys(session)
        for survey in surveys:
            answers = await count_responses(session, survey_id=survey.id)
            # Below the minimum the count itself is withheld: a small number is a fact about few people.
            count = (
                f"{answers} answers"
                if answers >= survey.min_answers
                else f"fewer than {survey.min_answers} answers"
            )
            when = ("closes" if survey.status == "open" else "closed") + survey.closes_on.strftime(
                " %-d %B %Y"
            )
            parts.append(Text(f"{bold(survey.id)} · {escape(survey.title)}"))
            parts.append(Context(f"{survey.status} · {when} · {count} · minimum {survey.min_answers}"))
    if not surveys:
        parts.append(Text("No surveys yet. Start one with /feedback new."))
    return Message(fallback="RECI surveys", parts=tuple(parts[:45]))


async def _close(deps: Deps, actor: Actor, survey_id: str) -> Message:
    async with deps.sessions() as session:
        survey = await get_survey(session, survey_id=survey_id)
    if survey is None:
        return say(f"There is no survey {survey_id}. See /feedback list.")
    if survey.status != "open":
        return say(f"“{survey.title}” is already closed.")
    if not await close_and_announce(deps, survey.id, actor=SURVEY_ACTOR):
        return say(f"“{survey.title}” is already closed.")
    return say(f"“{survey.title}” is closed. Its results are posted in the RECI channel.")


async def _results(deps: Deps, survey_id: str) -> Message:
    async with deps.sessions() as session:
        survey = await get_survey(session, survey_id=survey_id)
        if survey is None:
            return say(f"There is no survey {survey_id}. See /feedback list.")
        if survey.status != "closed":
            return not_yet(survey)
        counted = await tally(session, survey=survey)
    return results_message(survey, counted, with_text=True, timezone=deps.timezone)


async def submit_preview(deps: Deps, actor: Actor, _values: Mapping[str, str], state: str) -> Response:
    """ "Open survey" on the preview: open it from the values the preview carried, as previewed."""
    values = decode(state)
    if not values:
        return Response(
            close_form=True, message=say("That preview has expired. Start again with /feedback new.")
        )
    response = await submit_new(deps, actor, values, "")
    if response.errors:
        # The preview has no fields to show them against: say them, and keep nothing.
        lines = "\n".join(f"- {text}" for text in response.errors.values())
        return Response(close_form=True, message=say(f"The survey was not opened:\n{lines}"))
    return response


async def submit_new(deps: Deps, actor: Actor, values: Mapping[str, str], _state: str) -> Response:
    """The new-survey form: check everything, then open the survey and queue one invitation per person."""
    if not actor.may(RUN_SURVEYS):
        return Response(close_form=True, message=say(NOT_ALLOWED))
    async with deps.sessions() as session:
        roles = await known_roles(session)
    parsed = parse_form(values, today=local_today(deps), known_roles=roles)
    if parsed.spec is None:
        return Response(errors=parsed.errors)
    spec = parsed.spec
    if values.get(NEXT, OPEN_NOW) == PREVIEW:
        preview = preview_form(spec, values)
        if preview is not None:
            return Response(form=preview)
    members: list[str] = []
    if spec.audience_kind == "channel":
        if not isinstance(deps.messenger, ChannelDirectory):
            return Response(
                errors={"audience": "Here nudgebot cannot list a channel's members; ask everyone or a role."}
            )
        try:
            members = await deps.messenger.channel_members(spec.audience_value)
        except SendError:
            return Response(
                errors={"audience_value": "I could not read that channel. Check its id and invite nudgebot."}
            )
    now = deps.clock.now()
    async with deps.sessions() as session:
        people = await audience_people(
            session,
            kind=spec.audience_kind,
            value=spec.audience_value,
            platform=actor.platform,
            platform_user_ids=members,
        )
        if len(people) < spec.min_answers:
            problem = (
                f"That audience has {len(people)} people nudgebot knows; with a minimum of "
                f"{spec.min_answers} answers no result could ever be shown. Widen the audience "
                "or lower the minimum (not below 5)."
            )
            return Response(errors={"audience": problem})
        survey = await create_survey(
            session, spec=spec, created_by=actor.person_id, now=now, invited=len(people)
        )
        invited = queue_invitations(
            session, survey_id=survey.id, period=spec.closes_on.isoformat(), people=people, now=now
        )
        audit.record(
            session,
            at=now,
            actor=SURVEY_ACTOR,
            event="survey.create",
            entity="survey",
            entity_key=survey.id,
            detail={"questions": len(spec.questions), "audience": spec.audience_kind, "invited": invited},
        )
        await session.commit()
    log.info("survey %s opened: %d invitations queued", survey.id, invited)
    text = (
        f"Survey {survey.id} is open until the end of {spec.closes_on:%-d %B %Y}. {invited} people will get "
        f"an invitation shortly. Results appear after close, if at least {spec.min_answers} answer."
    )
    return Response(close_form=True, message=say(text))
