"""The 2024/25 race equality plan YAML must carry every row of the published plan.

The seed text (the published plan with its table columns flattened) is kept in the repository
at ``plans/sources/`` as a copy of the published text; ``NUDGEBOT_SEED_DIR`` points elsewhere.
A missing seed fails the test rather than skipping it, so coverage is never silently lost.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
PLAN_PATH = REPO_ROOT / "plans" / "race-equality-2024-25.yaml"
PEOPLE_PATH = REPO_ROOT / "people" / "demo-people.csv"
SEED_NAME = "race-equality-action-plan-2024-25.txt"
SEED_DIR_ENV = "NUDGEBOT_SEED_DIR"
START_LINE = "Our priorities for 2024/25"
STRETCH_PREFIX = "(stretch) "

# Pure headings of the published tables: they carry no action, outcome or measure text.
# (The sub-headings survive in the YAML as an action's ``group``, without the colon.)
ALLOWED_HEADINGS: tuple[str, ...] = (
    "Our priorities for 2024/25",
    "Excellent organisation",
    "As a directorate:",
    "Comms and marketing:",
    "Stretch area:",
)

EXPECTED_OBJECTIVE_KEYS = ["INF", "VOI", "SUP", "ORG"]


def _seed_path() -> Path:
    override = os.environ.get(SEED_DIR_ENV)
    seed_dir = Path(override) if override else REPO_ROOT / "plans" / "sources"
    return seed_dir / SEED_NAME


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _load_plan() -> dict[str, Any]:
    assert PLAN_PATH.is_file(), f"plan file missing: {PLAN_PATH}"
    data = yaml.safe_load(PLAN_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{PLAN_PATH} must hold a mapping at the top level"
    return data


def _objectives(plan: dict[str, Any]) -> list[dict[str, Any]]:
    objectives = plan.get("objectives")
    assert isinstance(objectives, list), "plan must have an 'objectives' list"
    assert all(isinstance(objective, dict) for objective in objectives)
    return objectives


def _actions(plan: dict[str, Any]) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    for objective in _objectives(plan):
        objective_actions = objective.get("actions")
        assert isinstance(objective_actions, list), f"objective {objective.get('key')} has no actions list"
        assert all(isinstance(action, dict) for action in objective_actions)
        actions.extend(objective_actions)
    return actions


def _seed_lines() -> list[str]:
    seed = _seed_path()
    assert seed.is_file(), (
        f"seed text not found at {seed}; it is expected in plans/sources/, "
        f"or set {SEED_DIR_ENV} to the folder holding {SEED_NAME}"
    )
    lines = seed.read_text(encoding="utf-8").splitlines()
    stripped = [line.strip() for line in lines]
    assert START_LINE in stripped, f"seed {seed} has no line {START_LINE!r}"
    return stripped[stripped.index(START_LINE) :]


def _seed_entry(line: str) -> str:
    entry = line.strip()
    if entry.startswith("•"):
        entry = entry[1:].strip()
    entry = entry.removeprefix(STRETCH_PREFIX)
    return _normalise(entry)


def test_every_seed_row_is_in_the_plan() -> None:
    plan_strings = [_normalise(text) for text in _strings(_load_plan())]
    headings = {_normalise(heading) for heading in ALLOWED_HEADINGS}
    entries = [_seed_entry(line) for line in _seed_lines()]
    missing = [
        entry
        for entry in entries
        if entry and entry not in headings and not any(entry in text for text in plan_strings)
    ]
    assert not missing, "seed rows missing from the plan YAML:\n" + "\n".join(missing)


def test_objectives_are_the_four_strategic_objectives() -> None:
    keys = [objective.get("key") for objective in _objectives(_load_plan())]
    assert keys == EXPECTED_OBJECTIVE_KEYS


def test_action_keys_are_unique_and_prefixed_by_their_objective() -> None:
    plan = _load_plan()
    keys = [action.get("key") for action in _actions(plan)]
    duplicates = sorted({key for key in keys if keys.count(key) > 1}, key=str)
    assert not duplicates, f"duplicate action keys: {duplicates}"
    for objective in _objectives(plan):
        for action in objective["actions"]:
            assert str(action.get("key", "")).startswith(f"{objective['key']}-"), action.get("key")


def test_every_owner_is_a_demo_person() -> None:
    assert PEOPLE_PATH.is_file(), f"people file missing: {PEOPLE_PATH}"
    with PEOPLE_PATH.open(encoding="utf-8", newline="") as handle:
        people = {row["email"].strip().lower() for row in csv.DictReader(handle)}
    unknown: list[str] = []
    for action in _actions(_load_plan()):
        owners = action.get("owners")
        assert isinstance(owners, list), f"{action.get('key')} has no owners list"
        assert owners, f"{action.get('key')} has no owners"
        unknown.extend(
            f"{action.get('key')}: {owner}" for owner in owners if str(owner).strip().lower() not in people
        )
    assert not unknown, "owners missing from people/demo-people.csv:\n" + "\n".join(unknown)
