"""A closed survey's results read by self-described group: sizes and counts that obey the minimum.

Every number shown here went through `handlers.surveys.suppression`: a cell below the survey's minimum,
or one that could be worked out from the totals and the other cells, is shown as a dash.
"""

from __future__ import annotations

from handlers.markup import bold, escape, truncate
from handlers.messages import Context, Part, Text
from handlers.surveys.suppression import Shown, suppress
from storage.models import Survey, SurveyQuestion
from storage.survey_tally import Tally

HIDDEN = "–"
LEGEND = (
    f"{HIDDEN} hidden: fewer than {{minimum}} people, or a number that could be worked out from the others."
)


def grouping_question(survey: Survey) -> SurveyQuestion | None:
    return next((q for q in survey.questions if q.describes_group), None)


def _options(question: SurveyQuestion) -> list[str]:
    return [str(v) for v in range(1, 6)] if question.kind == "scale" else list(question.options)


def _group_order(survey: Survey, tally: Tally) -> dict[str, int]:
    grouping = grouping_question(survey)
    named = list(grouping.options) if grouping is not None else []
    sizes = {g: tally.group_sizes.get(g, 0) for g in named}
    sizes |= {g: n for g, n in tally.group_sizes.items() if g not in sizes}
    return sizes


def shown_for(survey: Survey, question: SurveyQuestion, tally: Tally) -> Shown:
    """One question's breakdown after suppression."""
    return suppress(
        tally.by_group.get(question.position, {}),
        sizes=_group_order(survey, tally),
        options=_options(question),
        minimum=survey.min_answers,
    )


def _cell(value: int | None) -> str:
    return HIDDEN if value is None else str(value)


def group_sizes_parts(survey: Survey, tally: Tally) -> list[Part]:
    """Who answered, by how they describe themselves: the group sizes, suppressed as one sum."""
    grouping = grouping_question(survey)
    if grouping is None:
        return []
    shown = suppress({}, sizes=_group_order(survey, tally), options=[], minimum=survey.min_answers)
    line = " · ".join(f"{escape(g)}: {_cell(shown.size(g))}" for g in shown.groups)
    return [Text(bold(f"{grouping.position}. {truncate(grouping.prompt, 200)}")), Text(line)]


def breakdown_parts(survey: Survey, question: SurveyQuestion, tally: Tally) -> list[Part]:
    """The lines under a question: per group, its size and its counts per option."""
    if question.position not in tally.by_group:
        return []
    shown = shown_for(survey, question, tally)
    lines = []
    for group in shown.groups:
        counts = ", ".join(
            f"{escape(truncate(o, 40))}: {_cell(shown.count(group, o))}" for o in shown.options
        )
        lines.append(f"- {escape(group)} ({_cell(shown.size(group))} answers): {counts}")
    return [Text("By how people describe themselves:\n" + "\n".join(lines))]


def legend(survey: Survey) -> Context:
    return Context(LEGEND.format(minimum=survey.min_answers))
