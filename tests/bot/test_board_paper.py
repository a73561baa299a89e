"""The board paper: every format written, no person named in any, PDF and Word open as documents."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import docx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.paper_render import PAPER_FORMATS, paper_files, write_files
from jobs.board_paper import build_paper
from tests.support.review_support import SEPTEMBER, people_words, recorded_review

PNG = b"\x89PNG\r\n\x1a\n"
NOW = datetime(2024, 10, 1, 9, tzinfo=UTC)


def docx_text(data: bytes) -> tuple[str, list[str], int]:
    """All the text of a Word file (paragraphs and table cells), its heading styles, and its table count."""
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    headings = [
        p.style.name
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]
    return "\n".join(texts), headings, len(document.tables)


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def unhyphenated(text: str) -> str:
    # pdftotext may drop a hyphen where a line broke after it ("six-" / "monthly" reads "sixmonthly").
    return re.sub(r"[-\u2010\u00ad]\s*", "", text)


async def test_board_paper_names_nobody_in_any_format(
    sessions: async_sessionmaker[AsyncSession], people_file: Path, tmp_path: Path
) -> None:
    await recorded_review(sessions)
    async with sessions() as session:
        paper = await build_paper(session, now=NOW, audience="board", held_on=SEPTEMBER)
        smt = await build_paper(session, now=NOW, audience="smt", held_on=SEPTEMBER)
    assert paper is not None and smt is not None
    texts: dict[str, str] = {}
    for fmt in PAPER_FORMATS:
        written = write_files(paper_files(paper, fmt, stem="board"), tmp_path)
        main = written[0]
        assert main.name == f"board.{fmt}"
        if fmt == "pdf":
            assert main.read_bytes().startswith(b"%PDF")
            texts[fmt] = pdf_text(main)
        elif fmt == "docx":
            texts[fmt], headings, tables = docx_text(main.read_bytes())
            assert {"Heading 1", "Heading 2", "Heading 3"} <= set(headings)
            assert tables >= 5
        else:
            texts[fmt] = main.read_text(encoding="utf-8")
            assert "base64" not in texts[fmt]
            assert [p.name for p in written[1:]] == ["board-chart-1.png"]
            assert written[1].read_bytes().startswith(PNG)
    for fmt, text in texts.items():
        for word in people_words(people_file):
            assert word.lower() not in text.lower(), f"{word} named in the {fmt} board paper"
        # The paper is all there: cover, summary, exceptions, measures, triangulation, challenge, appendix.
        flat = " ".join(text.split())

        def has(phrase: str, fmt: str = fmt, flat: str = flat) -> bool:
            return unhyphenated(phrase) in unhyphenated(flat) if fmt == "pdf" else phrase in flat

        for heading in (
            "Race equality action plan 2024/25: six-monthly review",
            "The committee is asked to note",
            "Executive summary",
            "Exceptions",
            "Outcomes and measures by objective",
            "Anonymous surveys and triangulation",
            "Challenge and answers",
            "Appendix: evidence in the period",
        ):
            assert has(heading), f"{heading!r} missing from the {fmt} paper: {flat[:300]}"
        assert has("30 September 2024")
        assert not has("2024-09")  # UK dates only
        assert has("RECI asked on 25 September 2024: Why is the HR data late again?")
        assert has("[name removed] chasing")
        assert has("People and HR")  # ORG-5's owner, as their team
        assert has("Policy asks agreed")
    html = texts["html"]
    assert "@page { size: A4" in html
    assert "68 (n=151)" in html and "+7" in html  # year on year, with the change
    # The SMT's pack of the same review may name people: the check above is not vacuous.
    smt_html = paper_files(smt, "html", stem="smt")["smt.html"].decode()
    assert "Alex Example" in smt_html
    assert "Morgan Mockup asked on 25 September 2024" in smt_html
