"""`nudgebot results import`: aggregates in, small groups refused with nothing written, shown year on year."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import TriangulationResult
from storage.triangulation import result_series
from tests.bot.test_cli import nudgebot
from tests.support.jobs_support import seed
from tests.support.review_support import RESULTS


async def _count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(TriangulationResult)) or 0)


async def test_results_import_refuses_a_small_group_and_writes_nothing(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed(sessions)
    small = tmp_path / "small.csv"
    lines = RESULTS.read_text(encoding="utf-8").splitlines()
    small.write_text(
        "\n".join([*lines, "Annual staff survey,2024,Q,Board members,80,4,,"]) + "\n", encoding="utf-8"
    )
    refused = nudgebot("results", "import", str(small), db_url=db_url, cwd=tmp_path)
    assert refused.returncode == 1
    assert "base of 4, under the reporting minimum of 10" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert await _count(sessions) == 0

    done = nudgebot("results", "import", str(RESULTS), db_url=db_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "6 new figure(s), 0 updated" in done.stdout
    again = nudgebot("results", "import", str(RESULTS), db_url=db_url, cwd=tmp_path)
    assert "0 new figure(s), 6 updated" in again.stdout
    async with sessions() as session:
        series = await result_series(session)
    staff = next(s for s in series if s.group == "All staff")
    assert (staff.action_key, staff.points, staff.change) == (
        "ORG-4",
        ((2023, 61.0, 142), (2024, 68.0, 151)),
        7.0,
    )

    low = nudgebot("results", "import", str(RESULTS), "--minimum", "3", db_url=db_url, cwd=tmp_path)
    assert low.returncode == 1
    assert "may not be below 5" in low.stderr
