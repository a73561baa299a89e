"""`/feedback` and the survey buttons and forms, through the Router, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import traceback
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.logging_setup import QUIET_LOGGERS, SQL_LOGGER, configure_logging
from handlers import actions
from handlers.context import Actor, Deps, Origin, Response
from handlers.features import build_router
from handlers.identity import actor_for_person
from handlers.messages import Image, Message
from handlers.router import Router
from handlers.surveys.answering import AnswerNotStored
from jobs.catalogue import run_job
from jobs.config import EngineSettings, PaceRates
from jobs.context import JobContext
from jobs.survey_digest import survey_digest_parts
from jobs.surveys import close_due_surveys, send_survey_reminders
from storage.models import AuditEntry, Survey, SurveyKey, SurveyParticipation, SurveyResponse, UpdateRequest
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from tests.support.survey_helpers import (
    RECI,
    STAFF,
    RecordingMessenger,
    deliver_invitations,
    import_people_file,
    message_text,
    new_survey_values,
    people_csv,
)


class World:
    """The router, the dependencies with a recording messenger, and the people by email."""

    def __init__(self, deps: Deps, ids: dict[str, int]) -> None:
        self.messenger = RecordingMessenger()
        self.deps = replace(deps, messenger=self.messenger)
        self.router: Router = build_router()
        self.ids = ids

    async def actor(self, email: str) -> Actor:
        return await actor_for_person(self.deps, self.ids[email], platform="slack", platform_user_id="U")

    async def command(self, email: str, text: str) -> Response:
        return await self.router.on_command(self.deps, await self.actor(email), "/feedback", text)

    async def form(self, email: str, form_id: str, values: dict[str, str], state: str = "") -> Response:
        return await self.router.on_form(self.deps, await self.actor(email), form_id, values, state)

    async def click(self, email: str, action: str, value: str) -> Response:
        return await self.router.on_action(self.deps, await self.actor(email), action, value, Origin())

    async def create(self, **overrides: str) -> str:
        response = await self.form(RECI, actions.FORM_SURVEY_NEW, new_survey_values(**overrides))
        assert response.close_form, response.errors
        async with self.deps.sessions() as session:
            survey_id = await session.scalar(select(Survey.id).order_by(Survey.created_at.desc()))
        assert survey_id is not None
        return survey_id

    async def answer(self, email: str, survey_id: str, *, scale: str = "4", text: str = "") -> Response:
        opened = await self.click(email, actions.SURVEY_RESPOND, survey_id)
        if opened.form is None:
            return opened
        values = {"q1": scale, "q2": "1", "q3": text}
        return await self.form(email, actions.FORM_SURVEY_ANSWER, values, opened.form.state)

    async def count(self, model: type) -> int:
        async with self.deps.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def world(deps: Deps, people_file: Path, tmp_path: Path) -> World:
    ids = await import_people_file(deps, people_csv(tmp_path / "people.csv", source=people_file))
    return World(deps, ids)


@pytest.mark.postgres
async def test_only_reci_may_run_surveys(world: World) -> None:
    refused = await world.command(STAFF, "new")
    assert refused.form is None
    assert refused.message is not None
    assert "RECI role" in message_text(refused.message)
    submitted = await world.form(STAFF, actions.FORM_SURVEY_NEW, new_survey_values())
    assert submitted.message is not None
    assert "RECI role" in message_text(submitted.message)
    assert await world.count(Survey) == 0

    opened = await world.command(RECI, "new")
    assert opened.form is not None
    assert opened.form.form_id == actions.FORM_SURVEY_NEW
    assert {i.name for i in opened.form.inputs} >= {
        "title",
        "questions",
        "audience",
        "closes_on",
        "min_answers",
    }


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"closes_on": "2024-10-06"}, "closes_on", "passed"),
        ({"questions": "scale: Fine?\ntext:   "}, "questions", "Line 2: the question is empty"),
        ({"questions": "\n".join(f"scale: Q{i}?" for i in range(11))}, "questions", "at most 10"),
        ({"questions": "rating: How?"}, "questions", "Line 1: start it with"),
        ({"questions": "choice: Which? | Only one"}, "questions", "2 to 10 options"),
        ({"min_answers": "4"}, "min_answers", "never below 5"),
        ({"min_answers": "ten"}, "min_answers", "whole number"),
        ({"title": " "}, "title", "title"),
        ({"audience": "role", "audience_value": "wizards"}, "audience_value", "reci"),
        ({"min_answers": "17"}, "audience", "16 people"),
    ],
)
@pytest.mark.postgres
async def test_bad_survey_input_is_explained_and_changes_nothing(
    world: World, overrides: dict[str, str], field: str, words: str
) -> None:
    response = await world.form(RECI, actions.FORM_SURVEY_NEW, new_survey_values(**overrides))
    assert not response.close_form
    assert words in response.errors[field]
    assert await world.count(Survey) == 0
    assert await world.count(UpdateRequest) == 0
    async with world.deps.sessions() as session:
        assert await session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "survey")) is None


@pytest.mark.postgres
async def test_invite_answer_once_remind_close_and_results(world: World) -> None:
    survey_id = await world.create()
    assert await world.count(UpdateRequest) == 16
    assert await deliver_invitations(world.deps, world.messenger, world.deps.clock.now()) == 16
    assert await deliver_invitations(world.deps, world.messenger, world.deps.clock.now()) == 0
    invite = world.messenger.direct[0][1]
    assert "How your anonymity is protected" in message_text(invite)
    assert f"Respond anonymously {survey_id}" in message_text(invite)

    emails = sorted(world.ids)
    for n, email in enumerate(emails[:12]):
        taken = await world.answer(email, survey_id, scale=str(1 + n % 5), text=f"idea {n}")
        # Told in the form itself, never in chat: the 10th completes a batch of the minimum and is stored.
        assert taken.message is None
        assert not taken.errors
        assert taken.form is not None and taken.form.form_id == actions.FORM_SURVEY_RECEIPT
        assert taken.form.title == ("Answer stored" if n == 9 else "Answer received")
        if n != 9:
            assert "at least 10 answers are waiting" in taken.form.intro
        done = await world.form(email, actions.FORM_SURVEY_RECEIPT, {}, taken.form.state)
        assert done.close_form

    # A second go is told it has answered, at the button and at the form, and nothing is added.
    again = await world.click(emails[0], actions.SURVEY_RESPOND, survey_id)
    assert again.form is None
    assert again.message is not None
    assert "already answered" in again.message.fallback
    forced = await world.form(
        emails[0], actions.FORM_SURVEY_ANSWER, {"q1": "1", "q2": "0", "q3": ""}, survey_id
    )
    assert forced.message is not None
    assert "already answered" in forced.message.fallback
    assert await world.count(SurveyResponse) == 10

    # A bad answer is explained and changes nothing.
    bad = await world.form(
        emails[13], actions.FORM_SURVEY_ANSWER, {"q1": "9", "q2": "7", "q3": ""}, survey_id
    )
    assert set(bad.errors) == {"q1", "q2"}
    assert await world.count(SurveyResponse) == 10

    # Results are not shown while open.
    early = await world.command(RECI, f"results {survey_id}")
    assert early.message is not None
    assert "only after it closes" in early.message.fallback + message_text(early.message)

    # The day before closing, only the four who have not answered are reminded.
    world.messenger.direct.clear()
    eve = datetime(2024, 10, 17, 8, 0, tzinfo=UTC)
    assert await send_survey_reminders(world.deps, world.messenger, eve) == 4
    assert {r.email for r, _ in world.messenger.direct} == set(emails[12:])
    assert await send_survey_reminders(world.deps, world.messenger, eve) == 0

    # The job closes it after the closing date: who answered is gone, results go to the RECI channel.
    after = datetime(2024, 10, 19, 7, 0, tzinfo=UTC)
    assert await close_due_surveys(world.deps, world.messenger, after) == 1
    assert await world.count(SurveyParticipation) == 0
    assert await world.count(SurveyKey) == 0
    [(channel, posted)] = world.messenger.posted
    assert channel == "C-RECI"
    shown = message_text(posted)
    assert "12 answers" in shown
    assert any(isinstance(p, Image) and p.data.startswith(b"\x89PNG") for p in posted.parts)
    assert "idea" not in shown  # written answers wait for release
    async with world.deps.sessions() as session:
        digest = await survey_digest_parts(
            session, start=date(2024, 10, 1), end=date(2024, 10, 31), timezone="Europe/London"
        )
        assert (
            await survey_digest_parts(
                session, start=date(2024, 11, 1), end=date(2024, 11, 30), timezone="Europe/London"
            )
            == []
        )
    digest_text = message_text(Message(fallback="", parts=tuple(digest)))
    assert "12 answers" in digest_text
    assert "idea" not in digest_text

    late = await world.answer(emails[14], survey_id)
    assert late.message is not None
    assert "no longer takes answers" in message_text(late.message)
    assert await world.count(SurveyResponse) == 12

    # Release by a non-RECI member is refused; by a RECI member, posted shuffled to the channel.
    refused = await world.click(STAFF, actions.SURVEY_RELEASE_TEXT, survey_id)
    assert refused.message is not None
    assert "Only RECI" in refused.message.fallback
    released = await world.click(RECI, actions.SURVEY_RELEASE_TEXT, survey_id)
    assert released.message is not None
    assert "Released" in released.message.fallback
    texts = message_text(world.messenger.posted[-1][1])
    assert all(f"idea {n}" in texts for n in range(12))
    results = await world.command(RECI, f"results {survey_id}")
    assert results.message is not None
    assert "idea 3" in message_text(results.message)


@pytest.mark.postgres
async def test_below_the_minimum_no_figure_is_shown(world: World) -> None:
    survey_id = await world.create()
    await deliver_invitations(world.deps, world.messenger, world.deps.clock.now())
    for email in sorted(world.ids)[:9]:
        await world.answer(email, survey_id, scale="5", text="CANARY-below-minimum")
    listing = await world.command(RECI, "list")
    assert listing.message is not None
    assert "fewer than 10 answers" in message_text(listing.message)
    closed = await world.command(RECI, f"close {survey_id}")
    assert closed.message is not None
    assert "closed" in closed.message.fallback
    results = await world.command(RECI, f"results {survey_id}")
    for message in [results.message, *(m for _, m in world.messenger.posted)]:
        assert message is not None
        shown = message_text(message)
        assert "not enough answers to protect anonymity" in shown.lower()
        assert "9" not in shown
        assert "%" not in shown
        assert "CANARY" not in shown
        assert not any(isinstance(p, Image) for p in message.parts)
    async with world.deps.sessions() as session:
        digest = await survey_digest_parts(
            session, start=date(2024, 10, 1), end=date(2024, 10, 31), timezone="Europe/London"
        )
    digest_text = message_text(Message(fallback="", parts=tuple(digest)))
    assert "not enough answers to protect anonymity" in digest_text
    assert "9" not in digest_text
    release = await world.click(RECI, actions.SURVEY_RELEASE_TEXT, survey_id)
    assert release.message is not None
    assert "too few" in release.message.fallback


@pytest.mark.postgres
async def test_channel_audience_uses_the_channel_members(world: World) -> None:
    world.messenger.members["C-RECI-NET"] = [f"U{n:03d}" for n in range(1, 8)] + ["U999"]
    survey_id = await world.create(audience="channel", audience_value="C-RECI-NET", min_answers="5")
    async with world.deps.sessions() as session:
        invited = (
            await session.scalars(select(UpdateRequest.person_id).where(UpdateRequest.subject == survey_id))
        ).all()
    assert len(invited) == 7


def test_survey_ids_are_short_and_typeable() -> None:
    from storage.surveys import ID_ALPHABET, new_survey_id

    ids = {new_survey_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 6 and set(i) <= set(ID_ALPHABET) for i in ids)


@pytest.mark.postgres
async def test_a_failed_answer_raises_nothing_that_carries_the_answer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adapters log a failure with the user's id; the error must not carry the answers with it."""
    survey_id = await world.create()
    await deliver_invitations(world.deps, world.messenger, world.deps.clock.now())

    async def broken(*_args: object, **kwargs: object) -> None:
        raise IntegrityError(
            "INSERT INTO survey_responses", {"answers": str(kwargs["answers"])}, Exception("x")
        )

    monkeypatch.setattr("handlers.surveys.answering.submit_answer", broken)
    canary = f"CANARY-{uuid.uuid4().hex}"  # made at run time, so the traceback's source lines cannot hold it
    with pytest.raises(AnswerNotStored) as raised:
        await world.answer(sorted(world.ids)[0], survey_id, text=canary)
    shown = "".join(traceback.format_exception(raised.value))
    assert "IntegrityError" in shown
    assert canary not in shown
    assert await world.count(SurveyResponse) == 0


@pytest.mark.parametrize("quiet", [True, False], ids=["as-the-bot-configures", "control-libraries-at-debug"])
@pytest.mark.postgres
async def test_debug_logging_never_holds_an_answer(
    world: World, caplog: pytest.LogCaptureFixture, logger_levels: None, quiet: bool
) -> None:
    """At LOG_LEVEL=DEBUG the bot keeps the database drivers quiet; left at DEBUG they log the answer."""
    if quiet:
        configure_logging("DEBUG")
    else:
        for name in (*QUIET_LOGGERS, SQL_LOGGER):
            logging.getLogger(name).setLevel(logging.NOTSET)
    caplog.set_level(logging.DEBUG)
    survey_id = await world.create()
    await deliver_invitations(world.deps, world.messenger, world.deps.clock.now())
    canary = f"CANARY-{uuid.uuid4().hex}"
    # Ten answers: the tenth completes the batch, so the answers are written (and would be logged).
    titles = []
    for email in sorted(world.ids)[:10]:
        taken = await world.answer(email, survey_id, text=canary)
        assert taken.form is not None
        titles.append(taken.form.title)
    assert titles[-1] == "Answer stored"
    logged = caplog.text + "\n".join(repr(r.args) for r in caplog.records)
    if quiet:
        assert canary not in logged
    else:
        # The control: aiosqlite logs statements with their parameters at DEBUG, SQLAlchemy at INFO.
        assert canary in logged


@pytest.mark.postgres
async def test_the_surveys_job_and_the_reci_digest(world: World, plan_file: Path) -> None:
    """Through the jobs catalogue: invitations sent, the survey closed, its results in the RECI digest."""
    async with world.deps.sessions() as session:
        await import_plan(session, load_plan_file(plan_file), now=world.deps.clock.now())
        await session.commit()
    survey_id = await world.create(min_answers="5")
    settings = EngineSettings(smt_channel="C-SMT", reci_channel="C-RECI", rates=PaceRates(1000.0, 1000.0, 4))
    ctx = JobContext(deps=replace(world.deps, messenger=world.messenger), settings=settings)
    opened = await run_job(ctx, "surveys", at=world.deps.clock.now())
    assert opened.sent.count(f"survey {survey_id} invitation") == 16
    for n, email in enumerate(sorted(world.ids)[:6]):
        await world.answer(email, survey_id, scale=str(1 + n % 5))
    closed = await run_job(ctx, "surveys", at=datetime(2024, 10, 19, 7, 0, tzinfo=UTC))
    assert "1 survey(s) closed" in closed.notes
    assert [c for c, _ in world.messenger.posted] == ["C-RECI"]
    await run_job(ctx, "reci_digest", at=datetime(2024, 11, 1, 10, 0, tzinfo=UTC))
    digest = message_text(world.messenger.posted[-1][1])
    assert "Anonymous surveys" in digest
    assert "Raising concerns: 6 answers" in digest.replace("**", "")
