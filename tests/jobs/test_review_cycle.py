"""A whole half-year on the injected clock: the review announced two weeks before, owners asked, two SMT
members recording at once without overwriting each other, the board paper written; then the March review
asks each manager how each agreed SMART objective ended. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.paper_render import paper_files, write_files
from handlers import actions
from handlers.context import Channels, Deps
from handlers.features import build_router
from handlers.messages import Form
from jobs.board_paper import build_paper
from jobs.catalogue import run_job
from storage.clock import FixedClock
from storage.models import AuditEntry, Review, ReviewEntry
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.handlers_support import actor, text_of
from tests.support.jobs_support import add_evidence, job_context, london, seed
from tests.support.review_support import people_words


async def test_a_half_year_from_announcement_to_board_paper(
    sessions: async_sessionmaker[AsyncSession], people_file: Path, tmp_path: Path
) -> None:
    await seed(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    clock = FixedClock(datetime(2024, 4, 2, 9, tzinfo=UTC))
    deps = Deps(
        sessions=sessions, clock=clock, channels=Channels(smt="C-SMT", reci="C-RECI"), messenger=messenger
    )
    router = build_router()

    # Through the half: nothing is announced before the fortnight's notice.
    for day in (date(2024, 6, 3), date(2024, 9, 13)):
        report = await run_job(ctx, "reviews", at=london(day.year, day.month, day.day, 8, 45))
        assert report.sent == [], day
    await add_evidence(
        sessions, "ORG-5", at=datetime(2024, 7, 2, 9, tzinfo=UTC), author="Alex Example", status="at_risk"
    )

    # Monday 16 September: two weeks before the review on 30 September.
    report = await run_job(ctx, "reviews", at=london(2024, 9, 16, 8, 45))
    (notice,) = [s for s in messenger.sent if s.to == "channel:C-SMT"]
    assert "Six-monthly review: 30 September 2024" in notice.text
    assert "covering 1 April 2024 to 30 September 2024" in notice.text
    asks = [s for s in messenger.sent if s.to.startswith("person:")]
    assert len(asks) >= 8  # every owner, once
    assert len({s.to for s in asks}) == len(asks)
    sam = next(s for s in asks if s.name == "Sam Sample")
    assert "Closing update for the review on 30 September 2024" in sam.text
    assert "INF-1" in sam.text and "INF-2" in sam.text
    assert len(report.sent) == 1 + len(asks)
    again = await run_job(ctx, "reviews", at=london(2024, 9, 17, 8, 45))
    assert again.sent == []

    # 30 September: Alex and Sam record ORG-5 at the same time, from the same form.
    clock.set(london(2024, 9, 30, 14))
    alex, sam_actor = (
        await actor(deps, "alex.example@example.org"),
        await actor(deps, "sam.sample@example.org"),
    )
    first = await router.on_command(deps, alex, "review", "record")
    assert isinstance(first.form, Form)
    assert first.form.form_id == actions.FORM_REVIEW_ACTION
    assert "Action 1 of 21" in first.form.intro
    opened = await router.on_command(deps, alex, "review", "record ORG-5")
    also = await router.on_command(deps, sam_actor, "review", "record ORG-5")
    assert opened.form is not None and also.form is not None and opened.form.state == also.form.state
    state = opened.form.state
    alex_says = {"rag": "off_track", "commentary": "HR data late", "mitigation": ""}
    sam_says = {"rag": "", "commentary": "", "mitigation": "Count by hand this quarter"}
    done = await asyncio.gather(
        router.on_form(deps, alex, actions.FORM_REVIEW_ACTION, alex_says, state),
        router.on_form(deps, sam_actor, actions.FORM_REVIEW_ACTION, sam_says, state),
    )
    assert all(d.form is not None and "ORG-6" in d.form.title for d in done)  # "next"
    # Both edit the commentary from the same form: the later write wins, both are in the audit.
    await router.on_form(deps, alex, actions.FORM_REVIEW_ACTION, {**alex_says, "commentary": "First"}, state)
    await router.on_form(
        deps, sam_actor, actions.FORM_REVIEW_ACTION, {**sam_says, "commentary": "Second"}, state
    )
    async with sessions() as session:
        entry = await session.scalar(select(ReviewEntry))
        assert entry is not None
        assert (entry.rag, entry.commentary, entry.mitigation) == (
            "off_track",
            "Second",
            "Count by hand this quarter",
        )
        writes = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.event == "review.action_field").order_by(AuditEntry.id)
            )
        ).all()
        commentary = [w.detail["value"] for w in writes if w.detail["field"] == "commentary"]
        assert commentary == ["HR data late", "First", "Second"]
    # Resumable: the next action without an agreed status is offered first.
    for key in ("INF-1", "INF-2"):
        opened = await router.on_command(deps, alex, "review", f"record {key}")
        assert opened.form is not None
        await router.on_form(deps, alex, actions.FORM_REVIEW_ACTION, {"rag": "on_track"}, opened.form.state)
    resumed = await router.on_command(deps, sam_actor, "review", "record")
    assert resumed.form is not None and "INF-3" in resumed.form.title
    plan_form = await router.on_command(deps, sam_actor, "review", "plan")
    assert plan_form.form is not None
    await router.on_form(
        deps, sam_actor, actions.FORM_REVIEW_PLAN, {"successes": "Policy asks agreed"}, plan_form.form.state
    )
    stands = await router.on_command(deps, alex, "review", "")
    assert "Agreed status recorded for 3 of 21 actions" in text_of(stands.message)
    assert "successes" in text_of(stands.message)
    closed = await router.on_command(deps, alex, "review", "close")
    assert "closed" in text_of(closed.message)
    async with sessions() as session:
        review = await session.scalar(select(Review))
        assert (
            review is not None and review.closed_at is not None and review.successes == "Policy asks agreed"
        )

    # The board paper, in HTML, PDF and Word, names nobody.
    async with sessions() as session:
        paper = await build_paper(session, now=clock.now(), audience="board")
    assert paper is not None and paper.closed and paper.held_on == date(2024, 9, 30)
    for fmt in ("html", "pdf", "docx"):
        (main, *_) = write_files(paper_files(paper, fmt, stem="board"), tmp_path)
        assert main.stat().st_size > 1000
    html = (tmp_path / "board.html").read_text(encoding="utf-8")
    assert "Count by hand this quarter" in html and "Off track" in html
    for word in people_words(people_file):
        assert word not in html

    # March: the plan's last review asks each line manager how each agreed objective ended.
    messenger.sent.clear()
    await run_job(ctx, "reviews", at=london(2025, 3, 17, 8, 45))
    outcome_asks = [s for s in messenger.sent if "Year end:" in s.text]
    assert outcome_asks
    # Sam manages Morgan (agreed, no outcome yet) and Casey (outcome already recorded: not asked again).
    to_sam = [s.text for s in outcome_asks if s.name == "Sam Sample"]
    assert any("Morgan Mockup" in t for t in to_sam)
    assert not any("Casey Testcase" in t for t in to_sam)
    # After the plan's end no review is announced.
    messenger.sent.clear()
    await run_job(ctx, "reviews", at=london(2025, 4, 14, 8, 45))
    assert messenger.sent == []
