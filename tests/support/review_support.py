"""Shared set-up for the review tests: a seeded plan with a recorded review, a challenge, survey results."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Action, Person
from storage.plan_queries import current_plan
from storage.review_dates import review_dates
from storage.reviews import add_challenge, answer_challenge, ensure_review, write_entry, write_plan_fields
from storage.triangulation import import_results, load_results_file
from tests.support.jobs_support import REPO, add_evidence, seed

RESULTS = REPO / "docs" / "examples" / "survey-results.csv"
SEPTEMBER = date(2024, 9, 30)


def people_words(path: Path) -> list[str]:
    """Every name and email in the people file: none may appear in a board paper."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        name, email = line.split(",")[:2]
        words += [name, email]
    return words


async def recorded_review(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The September review recorded by two SMT members, evidence naming people, a RECI challenge."""
    await seed(sessions)
    await add_evidence(
        sessions,
        "INF-1",
        at=datetime(2024, 9, 12, 12, tzinfo=UTC),
        status="on_track",
        narrative="Sam Sample (sam.sample@example.org) agreed the asks with Casey Testcase",
    )
    await add_evidence(
        sessions, "ORG-5", at=datetime(2024, 9, 20, 9, tzinfo=UTC), author="Alex Example", status="off_track"
    )
    now = datetime(2024, 9, 30, 14, tzinfo=UTC)
    async with sessions() as session, session.begin():
        plan = await current_plan(session)
        assert plan is not None
        review = await ensure_review(session, plan, review_dates(plan)[0], now=now)
        actions = {a.key: a for a in (await session.scalars(select(Action))).all()}
        people = {p.name: p for p in (await session.scalars(select(Person))).all()}
        alex, sam = people["Alex Example"], people["Sam Sample"]
        await write_entry(
            session,
            review,
            actions["ORG-5"],
            {
                "rag": "off_track",
                "commentary": "HR data late; Alex Example chasing",
                "mitigation": "Manual count",
            },
            person_id=alex.id,
            actor=f"person:{alex.id}",
            now=now,
        )
        await write_entry(
            session,
            review,
            actions["INF-1"],
            {"rag": "at_risk", "commentary": "Asks agreed but not yet used"},
            person_id=sam.id,
            actor=f"person:{sam.id}",
            now=now,
        )
        await write_plan_fields(
            session,
            review,
            {
                "successes": "Policy asks agreed\nRECI survey ran",
                "challenges": "HR data",
                "decisions": "Fund it",
            },
            actor=f"person:{alex.id}",
            now=now,
        )
        challenge = await add_challenge(
            session,
            action=actions["ORG-5"],
            person_id=people["Morgan Mockup"].id,
            role="reci",
            text="Why is the HR data late again?",
            now=datetime(2024, 9, 25, 10, tzinfo=UTC),
        )
        await answer_challenge(
            session, challenge, answer="The new system went live late", person_id=alex.id, now=now
        )
        await import_results(session, load_results_file(RESULTS), now=now, filename=str(RESULTS))
