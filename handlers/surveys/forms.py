"""The survey forms: creating a survey, and answering one (one input per question), with answer checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from handlers import actions
from handlers.markup import bold, truncate
from handlers.messages import Choice, DateInput, Form, Input, LongText, Option, ShortText
from handlers.surveys.spec import AUDIENCES, DEFAULT_MIN_ANSWERS, QUESTIONS_HINT
from handlers.surveys.templates import Template
from storage.models import Survey
from storage.models.surveys import MIN_ANSWERS_FLOOR
from storage.surveys import SCALE_VALUES

MAX_TEXT_ANSWER = 2000
STORED_WITHOUT_NAME = "Your answers are stored with no name, chat id or time, and you can answer once."
SCALE_LABELS = {"1": "1 (lowest)", "2": "2", "3": "3", "4": "4", "5": "5 (highest)"}


def new_survey_form(*, closes_on: date, template: Template | None = None) -> Form:
    """The new-survey form, filled in from a template when one is given."""
    return Form(
        form_id=actions.FORM_SURVEY_NEW,
        title="New anonymous survey",
        intro="Answers are stored with no name, chat id or time, and shown only after close.",
        submit_label="Next",
        inputs=(
            ShortText(
                name="title", label="Title", max_length=150, initial=template.title if template else ""
            ),
            LongText(
                name="intro",
                label="Introduction",
                required=False,
                max_length=1500,
                initial=template.intro if template else "",
            ),
            LongText(
                name="questions",
                label="Questions",
                hint=QUESTIONS_HINT,
                max_length=3000,
                initial=template.question_lines if template else "",
            ),
            Choice(
                name="audience",
                label="Who is asked",
                options=tuple(Option(value=k, label=v) for k, v in AUDIENCES.items()),
                initial="everyone",
            ),
            ShortText(
                name="audience_value",
                label="Role or channel",
                hint="The role name (e.g. staff) or the channel id, when not asking everyone.",
                required=False,
                max_length=200,
            ),
            DateInput(
                name="closes_on",
                label="Closing date",
                hint="Answers are taken until the end of this day.",
                initial=closes_on,
            ),
            Choice(
                name="then",
                label="When you press the button",
                options=(
                    Option(value="preview", label="Show me a preview of what people will see"),
                    Option(value="open", label="Open the survey now"),
                ),
                initial="preview",
            ),
            ShortText(
                name="min_answers",
                label="Minimum answers before results show",
                hint=f"Never below {MIN_ANSWERS_FLOOR}.",
                initial=str(DEFAULT_MIN_ANSWERS),
                max_length=4,
            ),
        ),
    )


def field_name(position: int) -> str:
    return f"q{position}"


def answer_form(survey: Survey) -> Form:
    inputs: list[Input] = []
    for q in survey.questions:
        label = truncate(f"{q.position}. {q.prompt}", 150)
        if q.kind == "scale":
            words = {"1": q.low_label, "5": q.high_label}
            options = tuple(
                Option(value=v, label=f"{v} ({words[v]})" if words.get(v) else SCALE_LABELS[v])
                for v in SCALE_VALUES
            )
            inputs.append(Choice(name=field_name(q.position), label=label, options=options))
        elif q.kind == "choice":
            options = tuple(Option(value=str(i), label=o) for i, o in enumerate(q.options))
            inputs.append(Choice(name=field_name(q.position), label=label, options=options))
        else:
            inputs.append(
                LongText(name=field_name(q.position), label=label, required=False, max_length=MAX_TEXT_ANSWER)
            )
    return Form(
        form_id=actions.FORM_SURVEY_ANSWER,
        title="Anonymous survey",
        intro=f"{bold(truncate(survey.title, 150))}\n{STORED_WITHOUT_NAME}",
        inputs=tuple(inputs),
        submit_label="Send anonymously",
        state=survey.id,
        confidential=True,
    )


RECEIVED = (
    "Your answer is received. It waits, with no name, until at least {minimum} answers are waiting; "
    "then they are all stored together in a shuffled order, so that no one can tell which answer "
    "came when. If nudgebot restarts before then your answer is lost, and you can answer again: "
    "the reminder before the survey closes will reach you. Nothing is posted in chat."
)
STORED = (
    "Your answer is stored, together with the answers that were waiting, in a shuffled order and "
    "with no name, chat id or time. Nothing is posted in chat."
)


def receipt_form(survey: Survey, *, stored: bool) -> Form:
    """What the person sees in place of the questions once their answer is taken: honest about where it is."""
    return Form(
        form_id=actions.FORM_SURVEY_RECEIPT,
        title="Answer stored" if stored else "Answer received",
        intro=f"{bold(truncate(survey.title, 150))}\n"
        + (STORED if stored else RECEIVED.format(minimum=survey.min_answers)),
        inputs=(),
        submit_label="Close",
        state=survey.id,
    )


def read_answers(survey: Survey, values: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers to store (keyed by question position) and any errors by input name."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in survey.questions:
        name = field_name(q.position)
        raw = values.get(name, "").strip()
        if q.kind == "scale":
            if raw not in SCALE_VALUES:
                errors[name] = "Choose a number from 1 to 5."
            else:
                answers[str(q.position)] = int(raw)
        elif q.kind == "choice":
            if not raw.isdigit() or int(raw) >= len(q.options):
                errors[name] = "Choose one of the options."
            else:
                answers[str(q.position)] = q.options[int(raw)]
        elif len(raw) > MAX_TEXT_ANSWER:
            errors[name] = f"Keep it under {MAX_TEXT_ANSWER} characters."
        elif raw:
            answers[str(q.position)] = raw
    return answers, errors
