"""A volunteer builds a survey from a template in the sandbox, previews it, and ten people answer it.

Headless Chromium through Playwright, as `test_sandbox_browser.py`: only the keyboard-and-mouse path a
RECI member and their colleagues would take, with nothing set up behind the page.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from bot.sandbox.platform import RunningSandbox
from tests.sandbox.test_sandbox_browser import act_as, browser, sandbox

__all__ = ["browser", "sandbox"]  # the fixtures, shared with the first browser test
pytestmark = pytest.mark.browser

RECI_MEMBER = "Morgan Mockup"
PEOPLE = Path(__file__).resolve().parents[2] / "people" / "demo-people.csv"


def _names() -> list[str]:
    with PEOPLE.open(encoding="utf-8", newline="") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


async def _command(page: Page, text: str) -> None:
    await page.get_by_label("Type a command, as in Slack").fill(text)
    await page.keyboard.press("Enter")


async def test_a_survey_from_a_template_previewed_and_answered_by_ten(
    browser: Browser, sandbox: RunningSandbox
) -> None:
    context = await browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(sandbox.url)
    title = page.get_by_role("heading", level=1)

    # A RECI member starts from the pulse-check template: the form comes filled in.
    await act_as(page, RECI_MEMBER)
    await _command(page, "/feedback new pulse")
    await expect(title).to_have_text("New anonymous survey")
    await expect(page.get_by_label("Title")).to_have_value("Pulse check")
    await expect(page.get_by_label("Questions")).to_contain_text("group: Do you identify as")
    await page.get_by_role("button", name="Next").click()

    # The preview is the very form people will get; nothing is open yet.
    await expect(title).to_have_text("Preview")
    await expect(page.locator("main")).to_contain_text("exactly the form people will be sent")
    await expect(
        page.get_by_label("1. Do you identify as being from an ethnic minority background?")
    ).to_have_count(1)
    await page.get_by_role("button", name="Open survey").click()
    await expect(page.locator("article.message").first).to_contain_text("is open until the end of")

    # Any job run delivers what waits in the outbox: the invitations go out.
    await page.get_by_role("button", name="Run nudges").click()
    await expect(page.get_by_role("status")).to_contain_text("Ran nudges")

    people = [n for n in _names() if n != RECI_MEMBER][:10]
    for n, name in enumerate(people):
        await act_as(page, name)
        invitation = page.locator("article.message", has_text="Anonymous survey: Pulse check")
        await expect(invitation).to_have_count(1)
        await invitation.get_by_role("button", name="Respond anonymously").click()
        await expect(title).to_have_text("Anonymous survey")
        await page.get_by_label("1. Do you identify as").select_option(label=["Yes", "No"][n % 2])
        await page.get_by_label("2. How are things for you").select_option(value=str(1 + n % 5))
        await page.get_by_label("3. How well supported").select_option(value=str(1 + (n + 2) % 5))
        await page.get_by_role("button", name="Send anonymously").click()
        # Told honestly, in the form itself: waiting until ten are in, then stored together.
        await expect(title).to_have_text("Answer stored" if n == 9 else "Answer received")
        await page.get_by_role("button", name="Close").click()

    await act_as(page, RECI_MEMBER)
    await _command(page, "/feedback list")
    await expect(page.locator("article.message").first).to_contain_text("10 answers")
