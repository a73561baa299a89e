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


# Where a seed line sits in its action: the published table's columns, in the order the seed reads them.
_ROLES = ("title", "step", "outcome", "measure")
# Between two items of one column the seed leaves no blank line (a bulleted step) or two; between
# columns it leaves one. A line filed under the wrong column of its action breaks that pattern.
_COLUMN_GAP = 1
# Seed lines that follow an item of their own column after one blank line all the same (the flattened
# table lost a line there): SUP-2's second measure.
_SINGLE_GAP_IN_COLUMN = ("Evidence of an increase in the diversity of the pool of associate trainers",)
# One seed line may be split into several measures (SUP-1's four "Evidence …" items; VOI-1's benchmark
# and its six-monthly check); what is left between their texts is only these joining words.
_JOINERS = re.compile(r"(?:[\s;,.]|\band\b)*")


def _seed_rows() -> list[tuple[str, int]]:
    """Each non-blank seed line (normalised) with the number of blank lines before it."""
    rows: list[tuple[str, int]] = []
    blanks = 0
    for line in _seed_lines():
        entry = _seed_entry(line)
        if not entry:
            blanks += 1
            continue
        rows.append((entry, blanks))
        blanks = 0
    return rows


def _places(plan: dict[str, Any]) -> list[tuple[int, str, list[str]]]:
    """(action index, role, texts) for every action's title, steps, outcomes and measures, in plan order."""
    out: list[tuple[int, str, list[str]]] = []
    for index, action in enumerate(_actions(plan)):
        out.append((index, "title", [_normalise(str(action.get("title", "")))]))
        out.append((index, "step", [_normalise(str(s)) for s in action.get("steps") or []]))
        out.append((index, "outcome", [_normalise(str(o)) for o in action.get("outcomes") or []]))
        measures = [m if isinstance(m, str) else m.get("text", "") for m in action.get("measures") or []]
        out.append((index, "measure", [_normalise(str(m)) for m in measures]))
    return out


def _holds(texts: list[str], entry: str, role: str) -> bool:
    if any(entry == text or (role == "title" and text.startswith(entry)) for text in texts):
        return True
    if role != "measure":
        return False
    left = entry.lower()
    parts = [t.lower() for t in texts if t and t.lower() in left]
    for part in parts:
        left = left.replace(part, " ")
    return bool(parts) and len(parts) > 1 and _JOINERS.fullmatch(left) is not None


def test_every_seed_line_is_in_the_right_action_and_the_right_role() -> None:
    plan = _load_plan()
    places = _places(plan)
    headings = {_normalise(heading) for heading in ALLOWED_HEADINGS}
    at = (0, -1)  # (action index, role rank) of the previous line
    previous_role = ""
    misplaced: list[str] = []
    for entry, gap in _seed_rows():
        if entry in headings:
            previous_role = ""
            continue
        # The first place at or after the previous one: the seed reads actions and columns in order,
        # so two identical lines (VOI-3 and VOI-4's audits) each land in their own action.
        found = next(
            (
                (index, role)
                for index, role, texts in places
                if (index, _ROLES.index(role)) >= at and _holds(texts, entry, role)
            ),
            None,
        )
        if found is None:
            misplaced.append(f"not in any later action in the seed's order: {entry[:90]}")
            continue
        index, role = found
        quirk = entry.startswith(_SINGLE_GAP_IN_COLUMN)
        if index == at[0] and role == previous_role and gap == _COLUMN_GAP and not quirk:
            misplaced.append(f"{role} of action #{index + 1} starts a new column in the seed: {entry[:90]}")
        if index == at[0] and role != previous_role and previous_role and gap not in (1, 2):
            misplaced.append(f"{role} of action #{index + 1} does not follow its column break: {entry[:90]}")
        at = (index, _ROLES.index(role))
        previous_role = role
    assert not misplaced, "seed lines in the wrong action or role:\n" + "\n".join(misplaced)


def test_the_measures_have_the_kinds_the_plan_states() -> None:
    measures = {
        m["key"]: m
        for action in _actions(_load_plan())
        for m in action.get("measures") or []
        if isinstance(m, dict)
    }
    assert (
        measures["INF-2.1"]["kind"] == "count" and measures["INF-2.1"]["target"] == "at least 2 per quarter"
    )
    for key in ("VOI-3.1", "VOI-4.1"):
        assert (measures[key]["kind"], measures[key]["benchmark"], measures[key]["cadence"]) == (
            "audit",
            "first",
            "six-monthly",
        )
    assert measures["VOI-1.1"]["benchmark_source"] == "State of NHS Communications report"
    assert measures["VOI-1.1"]["cadence"] == "annual" and measures["VOI-1.2"]["cadence"] == "six-monthly"
    for key, computes, group in (
        ("INF-3.1", "smart_coverage", "policy"),
        ("INF-3.2", "smart_outcomes", "policy"),
        ("ORG-5.1", "smart_coverage", "smt"),
        ("ORG-5.2", "smart_outcomes", "smt"),
    ):
        assert (measures[key]["kind"], measures[key]["computes"], measures[key]["for"]) == (
            "computed",
            computes,
            group,
        )
    assert measures["ORG-6.3"]["computes"] == "surveys_run"
    assert [k for k in measures if k.startswith("SUP-1.")] == ["SUP-1.1", "SUP-1.2", "SUP-1.3", "SUP-1.4"]
    annual = [k for k, m in measures.items() if m.get("cadence") == "annual"]
    assert "ORG-2.1" in annual and all(measures[k].get("due_month") for k in annual)
    for key, m in measures.items():
        text = m["text"].lower()
        if "annual" in text or "end of the year" in text:
            assert m.get("cadence") == "annual", key
