"""A closed survey's results as a neutral message: distributions and a chart, or no figures at all.

Below the survey's minimum number of answers nothing about any answer is said — not even how many
came in. Written answers appear only once released, shuffled, and only when there are enough of them.
"""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from handlers import actions
from handlers.markup import bold, escape, truncate
from handlers.messages import (
    MAX_PARTS,
    MAX_TEXT,
    Button,
    Buttons,
    Context,
    Field,
    Fields,
    Heading,
    Image,
    Message,
    Part,
    Text,
)
from handlers.surveys.breakdown import breakdown_parts, group_sizes_parts, legend
from handlers.surveys.chart import results_chart
from storage.models import Survey, SurveyQuestion
from storage.survey_tally import Tally
from storage.surveys import SCALE_VALUES

NOT_ENOUGH = (
    "**Not enough answers to protect anonymity.** This survey needed at least {minimum} answers before "
    "any result could be shown, and fewer came in, so no results are shown."
)


def _closing(survey: Survey) -> str:
    return survey.closes_on.strftime("%-d %B %Y")


def _closed(survey: Survey, timezone: str) -> str:
    """The date it closed, in the organisation's time zone: early closes show the day they happened."""
    if survey.closed_at is None:
        return _closing(survey)
    return survey.closed_at.astimezone(ZoneInfo(timezone)).strftime("%-d %B %Y")


def _rate(survey: Survey, tally: Tally) -> str:
    """Answers ÷ invited, rounded; only called above the minimum, and only when the count is known."""
    if survey.invited <= 0:
        return ""
    return f" · response rate {round(100 * tally.count / survey.invited)}% of {survey.invited} invited"


def _heading(survey: Survey) -> Heading:
    return Heading(truncate(f"Survey results: {survey.title}", 150))


def enough(survey: Survey, tally: Tally) -> bool:
    return tally.count >= survey.min_answers


def text_releasable(survey: Survey, tally: Tally) -> bool:
    """Written answers may be released once closed, when some question has at least the minimum of them."""
    return enough(survey, tally) and any(len(t) >= survey.min_answers for t in tally.texts.values())


def not_yet(survey: Survey) -> Message:
    text = f"Results of “{survey.title}” are shown only after it closes, at the end of {_closing(survey)}."
    return Message(fallback=text, parts=(Text(escape(text)),))


def results_message(survey: Survey, tally: Tally, *, with_text: bool, timezone: str = "UTC") -> Message:
    """The results of a closed survey (`with_text`: include released written answers)."""
    if not enough(survey, tally):
        text = NOT_ENOUGH.format(minimum=survey.min_answers)
        return Message(
            fallback=f"{survey.title}: not enough answers to protect anonymity",
            parts=(_heading(survey), Text(text)),
        )
    summary = f"{tally.count} answers · closed {_closed(survey, timezone)}{_rate(survey, tally)}"
    parts: list[Part] = [_heading(survey), Context(summary), *group_sizes_parts(survey, tally)]
    for question in survey.questions:
        parts += _question_parts(survey, question, tally)
    if tally.by_group:
        parts.append(legend(survey))
    parts.append(
        Image(
            data=results_chart(survey, tally),
            alt=f"Bar charts of the answers to each question of {survey.title}",
            filename=f"survey-{survey.id}.png",
            title=truncate(survey.title, 80),
        )
    )
    if text_releasable(survey, tally) and not survey.free_text_released:
        release = Button("Release written answers", actions.SURVEY_RELEASE_TEXT, value=survey.id)
        parts.append(Buttons((release,)))
    if with_text and survey.free_text_released:
        parts += free_text_parts(survey, tally)
    return Message(fallback=f"Survey results: {survey.title} ({tally.count} answers)", parts=_capped(parts))


def _question_parts(survey: Survey, question: SurveyQuestion, tally: Tally) -> list[Part]:
    title = Text(bold(f"{question.position}. {question.prompt}"))
    if question.describes_group:
        return []  # shown as the group sizes, suppressed (`group_sizes_parts`)
    if question.kind == "scale":
        counts = tally.scales.get(question.position, Counter())
        average = tally.average(question.position)
        mean = [Context(f"Average {average:.1f} out of 5{_ends(question)}")] if average is not None else []
        fields = Fields(tuple(Field(v, _share(counts[v], counts)) for v in SCALE_VALUES))
        return [title, fields, *mean, *breakdown_parts(survey, question, tally)]
    if question.kind == "choice":
        counts = tally.choices.get(question.position, Counter())
        return [
            title,
            Fields(tuple(Field(truncate(o, 100), _share(counts[o], counts)) for o in question.options)),
            *breakdown_parts(survey, question, tally),
        ]
    texts = tally.texts.get(question.position, [])
    if len(texts) < survey.min_answers:
        return [title, Context("Too few written answers to show any without risking anonymity.")]
    if survey.free_text_released:
        return [title, Context("Written answers released; they follow, shuffled.")]
    return [title, Context("Written answers are shown, shuffled, once a RECI member releases them.")]


def _ends(question: SurveyQuestion) -> str:
    if not (question.low_label or question.high_label):
        return ""
    return f" (1 = {question.low_label or 'lowest'}, 5 = {question.high_label or 'highest'})"


def _share(count: int, counts: Counter[str]) -> str:
    total = sum(counts.values())
    percent = round(100 * count / total) if total else 0
    return f"{count} ({percent}%)"


def free_text_parts(survey: Survey, tally: Tally) -> list[Part]:
    """Released written answers, per question, in shuffled order, split to fit each part."""
    parts: list[Part] = []
    for question in survey.questions:
        texts = tally.texts.get(question.position, [])
        if question.kind != "text" or len(texts) < survey.min_answers:
            continue
        parts.append(Text(bold(f"Written answers to {question.position}. {question.prompt}")))
        chunk = ""
        for answer in texts:
            line = "- " + truncate(escape(" ".join(answer.split())), MAX_TEXT - 10) + "\n"
            if len(chunk) + len(line) > MAX_TEXT:
                parts.append(Text(chunk.rstrip()))
                chunk = ""
            chunk += line
        if chunk:
            parts.append(Text(chunk.rstrip()))
    return parts


def free_text_messages(survey: Survey, tally: Tally) -> list[Message]:
    """Released written answers as as many messages as they need, each within the part limit."""
    parts = free_text_parts(survey, tally)
    per_message = MAX_PARTS - 1
    messages = []
    for start in range(0, len(parts), per_message):
        heading = Heading(truncate(f"Written answers: {survey.title}", 150))
        chunk = (heading, *parts[start : start + per_message])
        messages.append(Message(fallback=f"Written answers: {survey.title}", parts=chunk))
    return messages


def _capped(parts: list[Part]) -> tuple[Part, ...]:
    if len(parts) <= MAX_PARTS:
        return tuple(parts)
    note = Context("More written answers than fit here: they are all in the RECI channel's release post.")
    return (*parts[: MAX_PARTS - 1], note)


def digest_parts(survey: Survey, tally: Tally, *, timezone: str = "UTC") -> list[Part]:
    """A closed survey in the RECI digest: its distributions without the chart, never written answers."""
    if not enough(survey, tally):
        return [Text(f"{bold(survey.title)}: not enough answers to protect anonymity; no results are shown.")]
    closed = _closed(survey, timezone)
    parts: list[Part] = [
        Text(f"{bold(survey.title)}: {tally.count} answers, closed {closed}{_rate(survey, tally)}.")
    ]
    for question in survey.questions:
        if question.kind != "text":
            parts += _question_parts(survey, question, tally)
    parts.append(Context(f"All results, and written answers once released: /feedback results {survey.id}"))
    return parts
