"""Ready-made surveys a volunteer can start from: `/feedback new pulse` opens the form filled in.

The questions are written in the form's own question lines (`handlers.surveys.spec`), so a template is
only a starting point: everything stays editable before the survey opens. Wording follows common
practice for staff pulse and inclusion surveys; it names no organisation and no network.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUP_LINE = (
    "group: Do you identify as being from an ethnic minority background? | Yes | No | Prefer not to say"
)


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    title: str
    intro: str
    questions: tuple[str, ...]

    @property
    def question_lines(self) -> str:
        return "\n".join(self.questions)


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            key="pulse",
            name="Pulse check",
            title="Pulse check",
            intro="Three quick questions on how things are for you at work right now.",
            questions=(
                GROUP_LINE,
                "scale: How are things for you at work this month?",
                "scale: How well supported do you feel by your manager?",
                "text: What one thing would make the biggest difference?",
            ),
        ),
        Template(
            key="speak-up",
            name="Feeling safe to speak up",
            title="Feeling safe to speak up",
            intro="How safe it feels to raise a concern, and what gets in the way.",
            questions=(
                GROUP_LINE,
                "scale: How safe do you feel raising a concern about race or racism at work?",
                "scale: If you raised a concern, how confident are you that it would be acted on?",
                "choice: Have you held back from raising a concern in the last year? | Yes | No | Not sure",
                "text: What would make it easier to speak up?",
            ),
        ),
        Template(
            key="inclusion",
            name="Inclusion index",
            title="Inclusion index",
            intro=(
                "Five statements about belonging and fairness. "
                "Answer 1 (strongly disagree) to 5 (strongly agree)."
            ),
            questions=(
                GROUP_LINE,
                "scale: I feel I belong in this organisation.",
                "scale: I can be myself at work.",
                "scale: People here are treated fairly regardless of their ethnicity.",
                "scale: My ideas are listened to.",
                "scale: I see people like me in senior roles.",
            ),
        ),
        Template(
            key="event",
            name="Event feedback",
            title="Event feedback",
            intro="A few questions about the event you attended.",
            questions=(
                "scale: How useful was the event for you?",
                "choice: Would you come to another like it? | Yes | Maybe | No",
                "text: What should we change next time?",
            ),
        ),
    )
}


def template_list() -> str:
    """The templates as help text: what to type for each."""
    return "\n".join(f"- /feedback new {t.key}: {t.name}" for t in TEMPLATES.values())
