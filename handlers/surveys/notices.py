"""What a survey says to the people it asks: the invitation, the reminder, and short replies."""

from __future__ import annotations

from handlers import actions
from handlers.markup import bold, escape, truncate
from handlers.messages import MAX_TEXT, Button, Buttons, Context, Heading, Message, Part, Text
from storage.models import Survey

PROTECTION = (
    "**How your anonymity is protected**\n"
    "- Your answers go in a form, never in a chat message, and are stored with no name, chat id or time.\n"
    "- Answers are kept in a shuffled order, so no one can tell which came first or last.\n"
    "- To stop a second answer, nudgebot keeps only a coded mark that you answered, unreadable without "
    "a key; the key and the marks are deleted when the survey closes.\n"
    "- Results are shown only after the survey closes, and only if at least {minimum} people answered.\n"
    "- Written answers are shown only in shuffled order, once a RECI member releases them.\n"
    "When you press Send the form simply closes: nothing is posted, so no message records that you answered."
)


def _respond(survey: Survey) -> Buttons:
    return Buttons((Button("Respond anonymously", actions.SURVEY_RESPOND, value=survey.id, style="primary"),))


def _date(survey: Survey) -> str:
    return survey.closes_on.strftime("%A %-d %B %Y")


def invitation(survey: Survey) -> Message:
    parts: list[Part] = [Heading(truncate(f"Anonymous survey: {survey.title}", 150))]
    if survey.intro:
        parts.append(Text(truncate(escape(survey.intro), MAX_TEXT)))
    parts += [
        Text(PROTECTION.format(minimum=survey.min_answers)),
        Context(f"From the race equality network (RECI). Open until the end of {_date(survey)}."),
        _respond(survey),
    ]
    return Message(fallback=f"Anonymous survey from RECI: {survey.title}", parts=tuple(parts))


def reminder(survey: Survey) -> Message:
    parts: tuple[Part, ...] = (
        Text(
            f"A reminder: the anonymous survey {bold(survey.title)} closes at the end of {_date(survey)}. "
            "If you would like to answer, there is still time. Your answers are stored with no name attached."
        ),
        _respond(survey),
    )
    return Message(fallback=f"Reminder: the survey {survey.title} closes soon", parts=parts)


REPLY_NOT_TAKEN = (
    "**That reply was not taken, and it is not anonymous.** A reply under a survey invitation is an "
    "ordinary chat message with your name on it: your workspace keeps it, and it may appear in exports. "
    "nudgebot has not stored it anywhere. If you would rather it were gone, delete it (hover over it, "
    "then More actions, then Delete message).\n"
    "To answer anonymously, press **Respond anonymously** on the invitation: your answers then go in a "
    "form, never in a chat message."
)


def reply_not_taken() -> Message:
    """The private note to someone who replied under a survey invitation (only they see it)."""
    return Message(
        fallback="That reply was not taken, and it is not anonymous", parts=(Text(REPLY_NOT_TAKEN),)
    )


def say(text: str) -> Message:
    return Message(fallback=text, parts=(Text(escape(text)),))


def already_answered(survey: Survey) -> Message:
    return say(f"You have already answered “{survey.title}”. Thank you — one answer each keeps it fair.")


def closed(survey: Survey) -> Message:
    return say(f"“{survey.title}” closed on {_date(survey)}; it no longer takes answers. Nothing was stored.")
