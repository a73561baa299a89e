"""The board paper printed by Chromium: its print CSS lays out A4 pages, the cover first, then the
executive summary. Writes the README's picture of the first two pages, `docs/board-paper.png`.
"""

from __future__ import annotations

import asyncio
import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image as PILImage
from playwright.async_api import Browser
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.paper_render import paper_files, write_files
from jobs.board_paper import build_paper
from tests.sandbox.test_sandbox_browser import browser
from tests.support.review_support import SEPTEMBER, recorded_review

pytestmark = pytest.mark.browser
__all__ = ["browser"]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "board-paper.png"
NOW = datetime(2024, 10, 1, 9, tzinfo=UTC)


def _page_text(pdf: Path, page: int) -> str:
    argv = ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(argv, capture_output=True, check=True).stdout.decode("utf-8")


async def test_chromium_prints_the_board_paper_on_a4_pages(
    sqlite_url: str, sessions: async_sessionmaker[AsyncSession], browser: Browser, tmp_path: Path
) -> None:
    await recorded_review(sessions)
    async with sessions() as session:
        paper = await build_paper(session, now=NOW, audience="board", held_on=SEPTEMBER)
    assert paper is not None
    (html, *_) = write_files(paper_files(paper, "html", stem="board"), tmp_path)
    page = await browser.new_page()
    await page.goto(html.as_uri())
    printed = tmp_path / "chromium.pdf"
    printed.write_bytes(await page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    await page.close()

    assert "The committee is asked to note" in _page_text(printed, 1)
    second = _page_text(printed, 2)
    assert "Executive summary" in second and "Headline successes" in second
    # The first two pages side by side, as the README shows them.
    out = tmp_path / "page"
    argv = ["pdftoppm", "-f", "1", "-l", "2", "-r", "70", "-png", str(printed), str(out)]
    await asyncio.to_thread(subprocess.run, argv, check=True)
    pages = [PILImage.open(p) for p in sorted(tmp_path.glob("page-*.png"))]
    assert len(pages) == 2
    gap = 24
    width = sum(p.width for p in pages) + gap * 3
    height = max(p.height for p in pages) + gap * 2
    sheet = PILImage.new("RGB", (width, height), (200, 204, 210))
    x = gap
    for p in pages:
        sheet.paste(p, (x, gap))
        x += p.width + gap
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=True)
    SCREENSHOT.write_bytes(buffer.getvalue())
    assert SCREENSHOT.stat().st_size > 10_000
