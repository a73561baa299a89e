"""Reading the new-survey form: the question lines, the audience, the date and the minimum, or what is wrong.

Neutral forms have no "add a question" control, so questions come one a line with a prefix:
``scale: …`` (1–5), ``choice: … | option | option`` and ``text: …``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from storage.models.surveys import MIN_ANSWERS_FLOOR
from storage.surveys import QuestionSpec, SurveySpec

MAX_QUESTIONS = 10
MAX_OPTIONS = 10
DEFAULT_MIN_ANSWERS = 10
MAX_PROMPT = 300

QUESTIONS_HINT = (
    "One question a line, at most 10. Start each line with scale: (answered 1 to 5), "
    "choice: (then the options after | signs) or text: (a free answer). For example: "
    "scale: How safe do you feel raising concerns? / choice: Which team? | Policy | Comms | Other / "
    "text: What should change? An optional first line group: … | … | … asks people to describe themselves "
    "(for example group: Do you identify as being from an ethnic minority background? | Yes | No | "
    "Prefer not to say), so results can be read by group."
)

AUDIENCES = {"everyone": "Everyone", "role": "People with a role", "channel": "Members of a channel"}


@dataclass
class Parsed:
    spec: SurveySpec | None = None
    errors: dict[str, str] = field(default_factory=dict)


def parse_questions(raw: str) -> tuple[tuple[QuestionSpec, ...], list[str]]:
    """The questions on each non-blank line, and one message per line that is wrong."""
    questions: list[QuestionSpec] = []
    problems: list[str] = []
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        kind, sep, rest = line.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in {"scale", "choice", "text", "group"}:
            problems.append(f"Line {number}: start it with scale:, choice:, text: or group:.")
            continue
        describes_group = kind == "group"
        if describes_group and number != 1:
            problems.append(
                f"Line {number}: the group: question (how people describe themselves) comes first."
            )
            continue
        kind = "choice" if describes_group else kind
        prompt, *options = (part.strip() for part in rest.split("|")) if kind == "choice" else (rest.strip(),)
        if not prompt:
            problems.append(f"Line {number}: the question is empty.")
        elif len(prompt) > MAX_PROMPT:
            problems.append(f"Line {number}: keep the question under {MAX_PROMPT} characters.")
        elif kind == "choice" and (len([o for o in options if o]) < 2 or len(options) > MAX_OPTIONS):
            problems.append(f"Line {number}: a choice needs 2 to {MAX_OPTIONS} options, each after a | sign.")
        elif kind == "choice" and (any(not o for o in options) or len(set(options)) != len(options)):
            problems.append(f"Line {number}: an option is empty or repeated.")
        else:
            questions.append(
                QuestionSpec(
                    kind=kind, prompt=prompt, options=tuple(options), describes_group=describes_group
                )
            )
    if not lines:
        problems.append("Add at least one question.")
    elif len(lines) > MAX_QUESTIONS:
        problems.append(f"That is {len(lines)} questions; a survey has at most {MAX_QUESTIONS}.")
    return tuple(questions), problems


def parse_form(values: Mapping[str, str], *, today: date, known_roles: set[str]) -> Parsed:
    """Check every field of the new-survey form; a spec only when nothing is wrong."""
    errors: dict[str, str] = {}
    title = values.get("title", "").strip()
    if not title:
        errors["title"] = "Give the survey a title."
    questions, problems = parse_questions(values.get("questions", ""))
    if problems:
        errors["questions"] = " ".join(problems)
    audience = values.get("audience", "").strip() or "everyone"
    audience_value = values.get("audience_value", "").strip()
    if audience not in AUDIENCES:
        errors["audience"] = "Choose everyone, people with a role, or members of a channel."
    elif audience == "role" and audience_value.lower() not in known_roles:
        names = ", ".join(sorted(known_roles))
        errors["audience_value"] = f"Name one of the roles: {names}."
    elif audience == "channel" and not audience_value:
        errors["audience_value"] = "Name the channel whose members should be asked."
    if audience == "role":
        audience_value = audience_value.lower()
    closes_on = _date(values.get("closes_on", ""))
    if closes_on is None:
        errors["closes_on"] = "Pick the closing date."
    elif closes_on < today:
        errors["closes_on"] = f"That date has passed; pick {today.isoformat()} or later."
    min_answers = _int(values.get("min_answers", "").strip() or str(DEFAULT_MIN_ANSWERS))
    if min_answers is None:
        errors["min_answers"] = "Give the minimum as a whole number, 5 or more."
    elif min_answers < MIN_ANSWERS_FLOOR:
        errors["min_answers"] = (
            f"The minimum is never below {MIN_ANSWERS_FLOOR}: smaller groups could let answers be "
            "traced to people."
        )
    if errors or closes_on is None or min_answers is None:
        return Parsed(errors=errors)
    spec = SurveySpec(
        title=title,
        intro=values.get("intro", "").strip(),
        audience_kind=audience,
        audience_value="" if audience == "everyone" else audience_value,
        closes_on=closes_on,
        min_answers=min_answers,
        questions=questions,
    )
    return Parsed(spec=spec)


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def _int(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None
