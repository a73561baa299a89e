"""Templates fill the new-survey form in; every template's questions are valid as they stand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers import actions
from handlers.context import Deps
from handlers.features import build_router
from handlers.identity import actor_for_person
from handlers.messages import LongText, ShortText
from handlers.surveys.forms import answer_form, new_survey_form
from handlers.surveys.spec import parse_form
from handlers.surveys.templates import TEMPLATES
from storage.clock import FixedClock
from storage.models import Measure, Survey
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from storage.surveys import (
    QuestionSpec,
    SurveySpec,
    close_survey,
    create_survey,
    get_survey,
    surveys_run_for_measure,
)
from tests.support.survey_helpers import RECI, RecordingMessenger, import_people_file, people_csv


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_each_template_fills_the_form_with_questions_that_parse(key: str) -> None:
    form = new_survey_form(closes_on=date(2024, 10, 18), template=TEMPLATES[key])
    initial = {i.name: i.initial for i in form.inputs if isinstance(i, (ShortText, LongText))}
    assert initial["title"] == TEMPLATES[key].title
    values = {k: str(v) for k, v in initial.items()} | {"closes_on": "2024-10-18", "audience": "everyone"}
    parsed = parse_form(values, today=date(2024, 10, 7), known_roles={"staff"})
    assert parsed.errors == {}
    assert parsed.spec is not None
    assert len(parsed.spec.questions) == len(TEMPLATES[key].questions)
    # A template that asks people to describe themselves asks it first, as the one grouping question.
    groups = [q for q in parsed.spec.questions if q.describes_group]
    assert groups == [] or parsed.spec.questions[0] is groups[0]


def test_a_group_question_anywhere_but_first_is_refused() -> None:
    values = {
        "title": "T",
        "questions": "scale: How safe?\ngroup: Do you identify as …? | Yes | No",
        "closes_on": "2024-10-18",
    }
    parsed = parse_form(values, today=date(2024, 10, 7), known_roles=set())
    assert "comes first" in parsed.errors["questions"]


@pytest.mark.postgres
async def test_surveys_linked_to_a_measure_count_in_the_period_they_closed(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, plan_file: Path
) -> None:
    async with sessions() as session:
        await import_plan(session, load_plan_file(plan_file), now=clock.now())
        await session.commit()
        measure_id = await session.scalar(select(Measure.id).order_by(Measure.id).limit(1))
    spec = SurveySpec(
        title="Snap survey",
        intro="",
        audience_kind="everyone",
        audience_value="",
        closes_on=date(2024, 10, 18),
        min_answers=5,
        questions=(QuestionSpec("scale", "How safe?"),),
        measure_id=measure_id,
    )
    assert measure_id is not None
    ids = []
    async with sessions() as session:
        for _ in range(3):
            ids.append((await create_survey(session, spec=spec, created_by=None, now=clock.now())).id)
        await session.commit()
    october = datetime(2024, 10, 10, tzinfo=UTC)
    assert await close_survey(sessions, survey_id=ids[0], now=october)
    assert await close_survey(sessions, survey_id=ids[1], now=october + timedelta(days=40))
    quarter = (datetime(2024, 10, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    async with sessions() as session:
        run = await surveys_run_for_measure(
            session, measure_id=measure_id, since=quarter[0], until=quarter[1]
        )
        october_only = await surveys_run_for_measure(
            session, measure_id=measure_id, since=quarter[0], until=datetime(2024, 11, 1, tzinfo=UTC)
        )
    assert (run, october_only) == (2, 1)


@pytest.mark.postgres
async def test_a_template_previewed_opens_exactly_as_previewed(
    deps: Deps, people_file: Path, tmp_path: Path
) -> None:
    ids = await import_people_file(deps, people_csv(tmp_path / "people.csv", source=people_file))
    deps = replace(deps, messenger=RecordingMessenger())
    router = build_router()
    reci = await actor_for_person(deps, ids[RECI], platform="slack", platform_user_id="U")
    opened = await router.on_command(deps, reci, "/feedback", "new speak-up")
    assert opened.form is not None
    values = {i.name: str(i.initial or "") for i in opened.form.inputs} | {"min_answers": "5"}
    assert values["then"] == "preview"
    preview = await router.on_form(deps, reci, actions.FORM_SURVEY_NEW, values, "")
    assert preview.form is not None and preview.form.form_id == actions.FORM_SURVEY_PREVIEW
    async with deps.sessions() as session:
        assert await session.scalar(select(Survey.id)) is None  # nothing stored before "Open survey"
    # The preview is the answer form people will get: the same questions, as choices and text.
    labels = [i.label for i in preview.form.inputs]
    assert labels[0].startswith("1. Do you identify as being from an ethnic minority background?")
    assert len(labels) == len(TEMPLATES["speak-up"].questions)
    assert not any(i.required for i in preview.form.inputs)
    done = await router.on_form(deps, reci, actions.FORM_SURVEY_PREVIEW, {}, preview.form.state)
    assert done.close_form and done.message is not None
    async with deps.sessions() as session:
        survey_id = await session.scalar(select(Survey.id))
        assert survey_id is not None
        survey = await get_survey(session, survey_id=survey_id)
    assert survey is not None
    sent = answer_form(survey)
    assert [i.label for i in sent.inputs] == labels
    assert survey.questions[0].describes_group
