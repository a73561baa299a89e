"""Plan files for tests, made from the real race plan: next year's plan with the same action keys."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RACE_PLAN = REPO / "plans" / "race-equality-2024-25.yaml"


def next_years_plan(tmp_path: Path) -> Path:
    """The same plan for 2025/26: a new key, name and dates, the same action keys."""
    text = RACE_PLAN.read_text(encoding="utf-8")
    for old, new in (
        ("key: race-equality-2024-25", "key: race-equality-2025-26"),
        ("name: Race equality action plan 2024/25", "name: Race equality action plan 2025/26"),
        ("starts: 2024-04-01", "starts: 2025-04-01"),
        ("ends: 2025-03-31", "ends: 2026-03-31"),
    ):
        text = text.replace(old, new, 1)
    path = tmp_path / "race-equality-2025-26.yaml"
    path.write_text(text, encoding="utf-8")
    return path
