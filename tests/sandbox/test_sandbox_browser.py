"""The sandbox end to end in headless Chromium: an owner answers a nudge, an SMT member reads the digest.

Drives Debian's Chromium through Playwright (`.ci/run` installs it with apt; Playwright's own browser
download needs the internet). Writes the README's screenshots, `docs/sandbox.png` (the SMT digest's
measures and their chart) and `docs/sandbox-figure.png` (an owner giving a figure).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.sandbox.platform import RunningSandbox, start_sandbox
from bot.settings import load_settings
from storage.clock import FixedClock

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest stop it reaching for the internet (platforms.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "sandbox.png"
# The README's picture of an owner giving a success measure's figure in the update form.
FIGURE_SCREENSHOT = SCREENSHOT.with_name("sandbox-figure.png")
# Real time stands still, so the demo's timeline (and the screenshot) is the same on every run.
REAL_NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
OWNER = "Riley Fixture"
SMT_MEMBER = "Alex Example"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium (`apt-get install -y chromium`, "
            "as scripts/install-system-packages.sh does in CI)"
        )
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def sandbox(sqlite_url: str) -> AsyncIterator[RunningSandbox]:
    settings = load_settings(database_url=sqlite_url, host="127.0.0.1", port=0)
    running = await start_sandbox(settings, real_clock=FixedClock(REAL_NOW))
    yield running
    await running.stop()


async def act_as(page: Page, name: str) -> None:
    await page.get_by_label("Act as").select_option(label=await _option_label(page, name))
    await page.get_by_role("button", name="Switch person").click()


async def _option_label(page: Page, name: str) -> str:
    option = page.locator("#who-person option", has_text=name)
    return (await option.inner_text()).strip()


async def move_time_and_run(page: Page, day: str, at: str, job: str) -> None:
    await page.get_by_label("Date", exact=True).fill(day)
    await page.get_by_label("Time", exact=True).fill(at)
    await page.get_by_role("button", name=f"Run {job}").click()
    await expect(page.get_by_role("status")).to_contain_text(f"Ran {job}")


async def test_an_owner_answers_a_nudge_and_an_smt_member_reads_the_digest(
    browser: Browser, sandbox: RunningSandbox
) -> None:
    context = await browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 860})
    page = await context.new_page()
    await page.goto(sandbox.url)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Try nudgebot")

    # An owner: the nudge job runs as of a working morning, and the nudge arrives in their DMs.
    await act_as(page, OWNER)
    title = page.get_by_role("heading", level=1)
    await expect(title).to_have_text(f"{OWNER}'s direct messages with nudgebot")
    # The demo starts on the first working morning of the plan's second half, at nudge time.
    await expect(page.locator(".now")).to_have_text("Demo time: Tuesday 1 October 2024, 09:30")
    await page.get_by_role("button", name="Run nudges").click()
    await expect(page.get_by_role("status")).to_contain_text("Ran nudges as of Tuesday 1 October 2024, 09:30")
    nudge = page.locator("article.message", has_text="Updates due on your actions")
    await expect(nudge).to_have_count(1)
    first_key = (await nudge.locator("p > strong").first.inner_text()).strip()
    assert first_key.startswith("VOI-")

    # Answer with the keyboard alone: focus the first "On track" button and press Enter.
    await nudge.get_by_role("button", name="On track").first.focus()
    await page.keyboard.press("Enter")
    # The nudge is updated in place: that item's buttons give way to what was recorded.
    await expect(nudge).to_contain_text(f"On track recorded by {OWNER}")

    # The status is now what anyone finds with /commitments KEY, in words (and colour).
    await page.get_by_label("Type a command, as in Slack").fill(f"/commitments {first_key}")
    await page.keyboard.press("Enter")
    answer = page.locator("article.message").first
    await expect(answer.get_by_role("heading", level=2)).to_contain_text(f"{first_key} · On track")
    await expect(answer.locator(".status-on_track").first).to_have_text("On track")

    # The owner gives a figure: VOI-4's six-monthly audit is due under its action, with its own box
    # in the update form.
    await expect(nudge).to_contain_text("Also due: Six-monthly audit")
    await nudge.locator('button[value="nudge.add_update VOI-4"]').click()
    figure = page.get_by_label(re.compile(r"^VOI-4\.1: Six-monthly audit"))
    await figure.fill("30%")
    await page.get_by_label("What has happened?").fill("First audit of press releases and comment: 30%.")
    await figure.scroll_into_view_if_needed()
    await page.screenshot(path=str(FIGURE_SCREENSHOT))
    await page.get_by_role("button", name="Save update").click()
    await expect(page.locator("article.message").first).to_contain_text("and 1 figure")
    await page.get_by_label("Type a command, as in Slack").fill("/commitments VOI-4")
    await page.keyboard.press("Enter")
    await expect(page.locator("article.message").first).to_contain_text("VOI-4.1")
    await expect(page.locator("article.message").first).to_contain_text("audit 30%, benchmark 30%")

    # An SMT member: the digest job posts to the SMT channel, chart included.
    await act_as(page, SMT_MEMBER)
    await page.get_by_role("link", name="#smt channel").click()
    await expect(title).to_have_text("#smt channel")
    await move_time_and_run(page, "2024-10-07", "09:00", "SMT digest")
    digest = page.locator("article.message").first
    charts = digest.get_by_role("img")
    # Actions by status, and measures against their targets (the owner's audit figure among them).
    await expect(charts).to_have_count(2)
    for chart in await charts.all():
        assert (await chart.get_attribute("alt") or "").strip()
        assert await chart.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "VOI-4.1: audit 30%, benchmark 30%" in (await charts.nth(1).get_attribute("alt") or "")
    await expect(digest).to_contain_text("On track")
    await expect(digest).to_contain_text("Success measures against their targets")
    # The screenshot shows the end of the digest: the measures off target and their chart.
    await charts.nth(1).evaluate("img => img.scrollIntoView({block: 'end'})")

    SCREENSHOT.parent.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size < 400_000
