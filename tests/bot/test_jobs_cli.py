"""`nudgebot jobs list|run` and `nudgebot review-pack`, run as real processes against a seeded half-year."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.bot.test_cli import nudgebot
from tests.support.jobs_support import add_evidence, outbox_rows, seed

PNG = b"\x89PNG\r\n\x1a\n"


async def _half_year(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    # Before the period: INF-1 starts it at risk.
    await add_evidence(sessions, "INF-1", at=datetime(2024, 3, 20, 12, tzinfo=UTC), status="at_risk")
    await add_evidence(
        sessions,
        "INF-1",
        at=datetime(2024, 5, 14, 12, tzinfo=UTC),
        status="on_track",
        narrative="Asks agreed at the policy PDT | with RECI",
        links=["https://example.org/asks"],
    )
    await add_evidence(
        sessions,
        "ORG-5",
        at=datetime(2024, 7, 2, 9, tzinfo=UTC),
        author="Alex Example",
        status="off_track",
        narrative="HR data late from the new system",
    )
    # After the period: not in the pack.
    await add_evidence(sessions, "ORG-5", at=datetime(2024, 10, 2, 9, tzinfo=UTC), author="Alex Example")


async def test_review_pack_in_three_formats(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await _half_year(sessions)
    outputs = {}
    for fmt in ("html", "md", "csv"):
        out = tmp_path / f"pack.{fmt}"
        done = nudgebot(
            "review-pack",
            "--from",
            "2024-04-01",
            "--to",
            "2024-09-30",
            "--format",
            fmt,
            "--out",
            str(out),
            db_url=db_url,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        outputs[fmt] = out.read_text(encoding="utf-8")

    html = outputs["html"]
    assert html.startswith("<!doctype html>")
    assert "1 April 2024 to 30 September 2024 · 2 pieces of evidence" in html
    assert "INF-1 Identify a set of specific policy changes" in html
    assert "Asks agreed at the policy PDT | with RECI" in html
    assert '<a href="https://example.org/asks">' in html
    assert "HR data late from the new system" in html
    assert "At least quarterly senior-level meetings" in html  # a measure
    assert "@media print" in html
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', html)
    assert len(images) == 2
    assert all(base64.b64decode(data).startswith(PNG) for data, _ in images)
    assert "Status by objective on 30 September 2024" in images[1][1]
    assert 'src="http' not in html  # self-contained
    # INF-1 went from at risk (March) to on track; ORG-5 from not started to off track.
    inf1 = html[html.index("<h3>INF-1 ") :]
    assert re.search(r"At risk</span> → <span[^>]*>On track", inf1[:2000])

    md = outputs["md"]
    assert "# Race equality action plan 2024/25: six-monthly review pack" in md
    assert "| 2024-05-14 | Sam Sample | On track | Asks agreed at the policy PDT \\| with RECI |" in md
    assert "base64" not in md
    assert md.count("](pack-chart-") == 2
    assert (tmp_path / "pack-chart-1.png").read_bytes().startswith(PNG)

    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    evidence = [r for r in rows if r["row"] == "evidence"]
    assert [(r["action"], r["date"], r["author"], r["status"]) for r in evidence] == [
        ("INF-1", "2024-05-14", "Sam Sample", "On track"),
        ("ORG-5", "2024-07-02", "Alex Example", "Off track"),
    ]
    org5 = next(r for r in rows if r["row"] == "action" and r["action"] == "ORG-5")
    assert (org5["status_start"], org5["status_end"]) == ("Not started", "Off track")
    assert any(r["row"] == "smart_coverage" and r["title"] == "policy" for r in rows)
    assert sum(r["row"] == "action" for r in rows) == 21

    bad = nudgebot(
        "review-pack",
        "--from",
        "2024-09-30",
        "--to",
        "2024-04-01",
        "--out",
        "x.html",
        db_url=db_url,
        cwd=tmp_path,
    )
    assert bad.returncode == 1
    assert "--to is before --from" in bad.stderr
    assert not (tmp_path / "x.html").exists()


async def test_jobs_list_and_run_as_of_a_moment(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed(sessions)
    listed = nudgebot("jobs", "list", db_url=db_url, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    for name in ("nudges", "smt_digest", "reci_digest"):
        assert name in listed.stdout
    assert re.search(r"smt_digest .* Mon \d\d \w\w\w \d{4} 09:00", listed.stdout)

    ran = nudgebot("jobs", "run", "nudges", "--at", "2024-10-07T10:30", db_url=db_url, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "nudges as of 2024-10-07T10:30:00+01:00" in ran.stdout
    assert "sent: nudge to Sam Sample: INF-1" in ran.stdout
    assert len(await outbox_rows(sessions, kind="nudge", status="sent")) == 10

    again = nudgebot("jobs", "run", "nudges", "--at", "2024-10-07T10:45", db_url=db_url, cwd=tmp_path)
    assert "sent nothing" in again.stdout

    digest = nudgebot("jobs", "run", "smt_digest", "--at", "2024-10-07T09:00", db_url=db_url, cwd=tmp_path)
    assert "sent: SMT digest for 2024-W41 to smt" in digest.stdout
    assert "[picture: Actions by status." in digest.stdout

    unknown = nudgebot("jobs", "run", "tea_break", db_url=db_url, cwd=tmp_path)
    assert unknown.returncode == 1
    assert "no job 'tea_break'" in unknown.stderr
