"""Results by self-described group: every cell obeys the minimum, and no hidden cell can be worked out."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from itertools import product

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.surveys.breakdown import HIDDEN, shown_for
from handlers.surveys.results import results_message
from handlers.surveys.suppression import TOTAL, Shown, suppress
from storage.clock import FixedClock
from storage.survey_tally import tally
from storage.surveys import QuestionSpec, SurveySpec, close_survey, create_survey, get_survey, submit_answer
from tests.support.survey_helpers import message_text

OPTIONS = ["1", "2", "3", "4", "5"]


def _derivable(shown: Shown) -> list[tuple[str, str]]:
    """Hidden cells an attacker recovers by subtracting shown cells from a published or shown sum."""
    found = []
    lines = [[(g, o) for o in shown.options] + [(g, TOTAL)] for g in shown.groups]
    lines += [[(g, o) for g in shown.groups] for o in shown.options]
    lines.append([(g, TOTAL) for g in shown.groups])
    for line in lines:
        hidden = [c for c in line if shown.cells[c] is None]
        if len(hidden) == 1:
            found.append(hidden[0])
    return found


def test_cells_under_the_minimum_and_the_one_that_would_give_them_away_are_hidden() -> None:
    # 40 answers: 25 say "No", 12 "Yes", 3 left it blank. Minimum 5.
    table = {
        "No": {"1": 2, "2": 3, "3": 6, "4": 8, "5": 6},
        "Yes": {"1": 5, "2": 4, "3": 3},
        "No answer": {"4": 3},
    }
    sizes = {"No": 25, "Yes": 12, "No answer": 3}
    shown = suppress(table, sizes=sizes, options=OPTIONS, minimum=5)
    # Primary: every count under 5, zeros included, and the whole group of 3.
    for group, option in product(sizes, OPTIONS):
        count = table[group].get(option, 0)
        if count < 5:
            assert shown.count(group, option) is None, (group, option)
    assert shown.size("No answer") is None
    # Complementary: no row, column or the sizes has exactly one hidden cell left to subtract for.
    assert _derivable(shown) == []
    # The size of the small group could be had from 40 − 25 − 12: another size is hidden with it.
    assert [shown.size(g) for g in sizes].count(None) >= 2
    # Nothing shown is under the minimum.
    assert all(v is None or v >= 5 for v in shown.cells.values())


def test_without_complementary_suppression_a_hidden_cell_is_recoverable() -> None:
    """The control: the minimum alone leaves a line with one hidden cell, which the check above catches."""
    table = {"No": {"1": 8, "2": 7}, "Yes": {"1": 6, "2": 3}}
    sizes = {"No": 15, "Yes": 9}
    primary_only = Shown(
        groups=("No", "Yes"),
        options=("1", "2"),
        cells={
            ("No", "1"): 8,
            ("No", "2"): 7,
            ("No", TOTAL): 15,
            ("Yes", "1"): 6,
            ("Yes", "2"): None,
            ("Yes", TOTAL): 9,
        },
    )
    assert _derivable(primary_only) != []
    shown = suppress(table, sizes=sizes, options=["1", "2"], minimum=5)
    assert _derivable(shown) == []
    assert shown.count("Yes", "2") is None


def _spec() -> SurveySpec:
    return SurveySpec(
        title="Feeling safe to speak up",
        intro="",
        audience_kind="everyone",
        audience_value="",
        closes_on=date(2024, 10, 18),
        min_answers=5,
        questions=(
            QuestionSpec(
                "choice",
                "Do you identify as being from an ethnic minority background?",
                ("Yes", "No", "Prefer not to say"),
                describes_group=True,
            ),
            QuestionSpec(
                "scale", "How safe do you feel speaking up?", low_label="Not at all", high_label="Fully"
            ),
        ),
    )


@pytest.mark.postgres
async def test_results_by_group_show_no_small_or_derivable_cell(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sessions() as session:
        survey = await create_survey(session, spec=_spec(), created_by=None, now=clock.now(), invited=40)
        await session.commit()
    # 22 "No" (scales 3–5), 9 "Yes" (scales 1–2 and one 4), 2 "Prefer not to say".
    people = [("No", 3 + i % 3) for i in range(22)] + [("Yes", 1 + i % 2) for i in range(8)]
    people += [("Yes", 4), ("Prefer not to say", 2), ("Prefer not to say", 5)]
    for n, (group, scale) in enumerate(people):
        await submit_answer(
            sessions, survey_id=survey.id, respondent=f"person:{n}", answers={"1": group, "2": scale}
        )
    closed_at = datetime(2024, 10, 9, 15, 0, tzinfo=UTC)  # closed early, before 18 October
    assert await close_survey(sessions, survey_id=survey.id, now=closed_at)
    async with sessions() as session:
        loaded = await get_survey(session, survey_id=survey.id)
        assert loaded is not None
        counted = await tally(session, survey=loaded)
    assert counted.group_sizes == Counter({"No": 22, "Yes": 9, "Prefer not to say": 2})
    shown = shown_for(loaded, loaded.questions[1], counted)
    assert all(v is None or v >= 5 for v in shown.cells.values())
    assert _derivable(shown) == []
    assert shown.count("Yes", "4") is None  # one person
    assert shown.size("Prefer not to say") is None
    text = message_text(results_message(loaded, counted, with_text=False, timezone="Europe/London"))
    assert "closed 9 October 2024" in text
    assert "response rate 82% of 40 invited" in text
    assert "Average 3.3 out of 5 (1 = Not at all, 5 = Fully)" in text
    assert f"Prefer not to say ({HIDDEN} answers)" in text
    # The self-description question's own counts (group sizes) appear only suppressed, never as "2 (6%)".
    assert "Prefer not to say: 2" not in text and "2 (6%)" not in text
