"""The shared wording: action keys as people type them, statuses in words, reporting periods."""

from __future__ import annotations

import pytest

from handlers.messages import MAX_PARTS, Buttons
from handlers.nudges import DueItem, nudge_message
from handlers.wording import action_key, bullets, period_label, status_words
from tests.support.handlers_support import text_of


@pytest.mark.parametrize(
    ("typed", "key"),
    [("INF-2", "INF-2"), ("inf-2", "INF-2"), ("INF 2", "INF-2"), ("inf2", "INF-2"), (" org_11 ", "ORG-11")],
)
def test_action_keys_however_typed(typed: str, key: str) -> None:
    assert action_key(typed) == key


@pytest.mark.parametrize("typed", ["", "INF", "race equality", "2024", "INF-2 and more"])
def test_words_are_not_keys(typed: str) -> None:
    assert action_key(typed) is None


def test_status_words_read_in_order_and_skip_zeroes() -> None:
    counts = {"not_started": 2, "at_risk": 1, "on_track": 3, "done": 0}
    assert status_words(counts) == "3 on track, 1 at risk, 2 not started"
    assert status_words({}) == "no actions yet"


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2024-10", "October 2024"),
        ("2024-Q3", "Q3 2024/25 (Oct–Dec)"),
        ("2024-Q4", "Q4 2024/25 (Jan–Mar)"),
        ("2024-H2", "H2 2024/25 (Oct–Mar)"),
        ("2024-W41", "week 41 of 2024"),
        ("someday", "someday"),
    ],
)
def test_period_labels(period: str, label: str) -> None:
    assert period_label(period) == label


def test_bullets_stop_with_a_count_before_the_limit() -> None:
    text = bullets("Steps", [f"step {i} " + "x" * 50 for i in range(100)], limit=500)
    assert len(text) <= 500
    assert text.endswith("more_")
    shown = text.count("\n- ")
    assert f"…and {100 - shown} more" in text


def test_a_measure_due_with_its_action_shares_the_action_s_buttons() -> None:
    items = [
        DueItem("VOI-3", "Podcast diversity", "October 2024"),
        DueItem(
            "VOI-3", "Podcast diversity", "H2 2024/25 (Oct–Mar)", measure="Six-monthly audit of presenters"
        ),
        DueItem("VOI-4", "Press releases", "H2 2024/25 (Oct–Mar)", measure="Six-monthly audit of commentary"),
    ]
    message = nudge_message("Drew Draft", items)
    rows = [p for p in message.parts if isinstance(p, Buttons)]
    assert [r.buttons[0].value for r in rows] == ["VOI-3", "VOI-4"]
    text = text_of(message)
    assert "2 actions you own need an update" in text
    assert "Also due: Six-monthly audit of presenters (H2 2024/25 (Oct–Mar))" in text
    assert "Also due: Six-monthly audit of commentary" in text
    assert len(message.parts) <= MAX_PARTS


def test_a_long_nudge_stays_within_the_part_limit_and_counts_the_rest() -> None:
    items = [DueItem(f"ORG-{n}", f"Action {n}", "October 2024") for n in range(1, 31)]
    message = nudge_message("Alex Example", items)
    assert len(message.parts) <= MAX_PARTS
    shown = len([p for p in message.parts if isinstance(p, Buttons)])
    assert f"…and {30 - shown} more" in text_of(message)
