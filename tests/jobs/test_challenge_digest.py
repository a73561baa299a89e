"""A RECI member's challenge is in every SMT digest until an SMT member answers it; then the challenger is
told the answer and the digest drops it. /commitments KEY offers *Challenge* only to RECI and trustees."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers import actions
from handlers.context import Channels, Deps, Origin
from handlers.features import build_router
from handlers.messages import Button, Buttons
from jobs.catalogue import run_job
from storage.clock import FixedClock
from storage.models import Challenge
from storage.triangulation import import_results, load_results_file
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.handlers_support import actor, text_of
from tests.support.jobs_support import job_context, seed
from tests.support.review_support import RESULTS


def _buttons(message: object) -> list[Button]:
    parts = getattr(message, "parts", ())
    return [b for p in parts if isinstance(p, Buttons) for b in p.buttons]


async def test_challenge_listed_until_answered_then_the_challenger_is_told(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    messenger = RecordingMessenger()
    clock = FixedClock(datetime(2024, 10, 2, 11, tzinfo=UTC))
    deps = Deps(
        sessions=sessions, clock=clock, channels=Channels(smt="C-SMT", reci="C-RECI"), messenger=messenger
    )
    router = build_router()
    morgan = await actor(deps, "morgan.mockup@example.org")  # RECI
    riley = await actor(deps, "riley.fixture@example.org")  # staff only
    alex = await actor(deps, "alex.example@example.org")  # SMT

    refused = await router.on_command(deps, riley, "review", "challenge ORG-5 Why so late?")
    assert "Challenges come from RECI members and trustees" in text_of(refused.message)
    said = await router.on_command(deps, morgan, "review", "challenge ORG-5 Why is the HR data late again?")
    assert "Challenge 1 on ORG-5 sent" in text_of(said.message)

    ctx = job_context(sessions, messenger)
    for monday in (datetime(2024, 10, 7, 8, tzinfo=UTC), datetime(2024, 10, 14, 8, tzinfo=UTC)):
        await run_job(ctx, "smt_digest", at=monday)
        digest = [s for s in messenger.sent if s.to == "channel:C-SMT"][-1]
        assert "Challenges waiting for an answer (1)" in digest.text
        assert "Why is the HR data late again?" in digest.text
        answer = next(b for b in _buttons(digest.message) if b.action == actions.REVIEW_ANSWER)
        assert answer.value == "1"

    # The digest's Answer button opens the form; Morgan cannot answer, Alex can.
    assert "Only the senior management team" in text_of(
        (await router.on_action(deps, morgan, actions.REVIEW_ANSWER, "1", _origin())).message
    )
    opened = await router.on_action(deps, alex, actions.REVIEW_ANSWER, "1", _origin())
    assert opened.form is not None and "Why is the HR data late again?" in opened.form.intro
    clock.set(datetime(2024, 10, 15, 10, tzinfo=UTC))
    done = await router.on_form(
        deps, alex, actions.FORM_ANSWER, {"text": "The new system went live late"}, "1"
    )
    assert "sent to the person who asked" in text_of(done.message)
    (told,) = [s for s in messenger.sent if s.name == "Morgan Mockup"]
    assert "The new system went live late" in told.text and "You asked" in told.text
    async with sessions() as session:
        row = await session.scalar(select(Challenge))
        assert row is not None and row.told_at is not None and row.answer == "The new system went live late"

    await run_job(ctx, "smt_digest", at=datetime(2024, 10, 21, 8, tzinfo=UTC))
    digest = [s for s in messenger.sent if s.to == "channel:C-SMT"][-1]
    assert "Challenges waiting for an answer\nNone." in digest.text
    again = await router.on_command(deps, alex, "review", "answer 1 Twice")
    assert "was answered already" in text_of(again.message)


async def test_commitments_offers_challenge_and_survey_results(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    clock = FixedClock(datetime(2024, 10, 2, 11, tzinfo=UTC))
    deps = Deps(sessions=sessions, clock=clock, channels=Channels(smt="C-SMT", reci="C-RECI"))
    async with sessions() as session, session.begin():
        await import_results(session, load_results_file(RESULTS), now=clock.now(), filename=str(RESULTS))
    router = build_router()
    morgan = await actor(deps, "morgan.mockup@example.org")
    riley = await actor(deps, "riley.fixture@example.org")
    shown = await router.on_command(deps, morgan, "commitments", "ORG-4")
    text = text_of(shown.message)
    assert "Survey results, year on year" in text
    assert "All staff: 2023: 61 (n=142), 2024: 68 (n=151) · change +7" in text
    assert [b.label for b in _buttons(shown.message) if b.action == actions.REVIEW_CHALLENGE] == ["Challenge"]
    opened = await router.on_action(deps, morgan, actions.REVIEW_CHALLENGE, "ORG-4", _origin())
    assert opened.form is not None and opened.form.form_id == actions.FORM_CHALLENGE
    plain = await router.on_command(deps, riley, "commitments", "ORG-4")
    assert not [b for b in _buttons(plain.message) if b.action == actions.REVIEW_CHALLENGE]


def _origin() -> Origin:

    return Origin()
