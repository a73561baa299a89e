"""The plan file: a YAML document people edit and review, parsed and validated whole before import."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from storage.measure_spec import MeasureSpec, read_measure
from storage.models.enums import Cadence
from storage.people_file import EMAIL_PATTERN
from storage.plan_events import PlanEvent, read_events, read_smart_roles
from storage.yaml_nodes import InvalidFile, MapReader, Problem, Problems, compose

# The wording fields (as `storage.plan_wording` reads them; kept here so the file parser needs no model).
WORDING_TEXT = ("organisation", "subject", "network", "network_name", "board")
WORDING_FIELDS = (*WORDING_TEXT, "coverage_roles")
ACTION_KEY = re.compile(r"^[A-Z][A-Z0-9]{0,9}-[0-9]{1,4}$")
OBJECTIVE_KEY = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
CADENCES = {c.value for c in Cadence}


@dataclass(frozen=True)
class ActionSpec:
    key: str
    title: str
    team: str = ""
    owners: tuple[str, ...] = ()
    stretch: bool = False
    cadence: str = Cadence.MONTHLY.value
    group: str = ""
    steps: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    measures: tuple[MeasureSpec, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class ObjectiveSpec:
    key: str
    name: str
    summary: str = ""
    actions: tuple[ActionSpec, ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    key: str
    name: str
    starts: date
    ends: date
    review_cadence: str = Cadence.SIX_MONTHLY.value
    description: str = ""
    objectives: tuple[ObjectiveSpec, ...] = field(default_factory=tuple)
    # The plan's own words (see `storage.plan_wording`), and where its digests go ("" = the settings).
    wording: dict[str, Any] = field(default_factory=dict)
    smt_channel: str = ""
    network_channel: str = ""
    smart_roles: tuple[str, ...] = ()
    events: tuple[PlanEvent, ...] = ()

    @property
    def actions(self) -> list[ActionSpec]:
        return [a for o in self.objectives for a in o.actions]


def load_plan_file(path: Path) -> PlanSpec:
    """Read and validate a plan file; raise `InvalidFile` listing every problem with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFile([Problem(str(path), 0, "", f"cannot read the file: {exc}")]) from exc
    return parse_plan(text, str(path))


def parse_plan(text: str, filename: str = "<plan>") -> PlanSpec:
    problems = Problems(filename)
    root = compose(text, problems)
    if root is None:
        if not problems:
            problems.add(None, "", "the file is empty", line=1)
        raise InvalidFile(problems.items)
    top = MapReader(root, "", problems)
    top.check_known({"plan", "objectives"})
    plan_node = top.raw("plan")
    if plan_node is None:
        problems.add(root, "plan", "is missing")
        raise InvalidFile(problems.items)
    plan = MapReader(plan_node, "plan", problems)
    plan.check_known(
        {
            "key",
            "name",
            "starts",
            "ends",
            "review_cadence",
            "description",
            "wording",
            "channels",
            "smart_roles",
            "events",
        }
    )
    wording = _wording(plan, problems)
    channels = _sub_map(plan, "channels", problems)
    if channels is not None:
        channels.check_known({"smt", "network"})
    starts = _date(plan, "starts")
    ends = _date(plan, "ends")
    if starts and ends and ends <= starts:
        problems.add(plan.raw("ends"), "plan.ends", "must be after plan.starts")
    key = plan.string("key")
    if key and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", key):
        problems.add(plan.raw("key"), "plan.key", "use lower-case letters, digits and dashes")
    objectives = _objectives(top, problems)
    spec = PlanSpec(
        key=key,
        name=plan.string("name"),
        starts=starts or date.min,
        ends=ends or date.max,
        review_cadence=plan.choice("review_cadence", CADENCES, default=Cadence.SIX_MONTHLY.value)
        or Cadence.SIX_MONTHLY.value,
        description=plan.string("description", required=False),
        objectives=objectives,
        wording=wording,
        smt_channel=channels.string("smt", required=False) if channels else "",
        network_channel=channels.string("network", required=False) if channels else "",
        smart_roles=read_smart_roles(plan),
        events=read_events(plan),
    )
    seen_keys: set[str] = set()
    for key in measure_keys_in_use(spec):
        if key in seen_keys:
            problems.add(None, "measures", f"measure key {key!r} is used by two actions", line=1)
        seen_keys.add(key)
    for event in spec.events:
        if event.action and event.action not in {a.key for a in spec.actions}:
            problems.add(
                plan.raw("events"), "plan.events", f"{event.name}: there is no action {event.action}"
            )
    if problems:
        raise InvalidFile(problems.items)
    return spec


def _sub_map(reader: MapReader, name: str, problems: Problems) -> MapReader | None:
    node = reader.raw(name)
    if node is None:
        return None
    if not isinstance(node, MappingNode):
        problems.add(node, f"plan.{name}", "must be a map of names to values")
        return None
    return MapReader(node, f"plan.{name}", problems)


def _wording(plan: MapReader, problems: Problems) -> dict[str, Any]:
    reader = _sub_map(plan, "wording", problems)
    if reader is None:
        return {}
    reader.check_known(set(WORDING_FIELDS))
    out: dict[str, Any] = {}
    for name in WORDING_TEXT:
        value = reader.string(name, required=False)
        if value:
            out[name] = value
    roles = [value.lower() for _, value in reader.strings("coverage_roles")]
    if roles:
        out["coverage_roles"] = roles
    return out


def _date(reader: MapReader, name: str) -> date | None:
    node = reader.raw(name)
    if node is None:
        reader.problems.add(reader.node, f"plan.{name}", "is missing")
        return None
    value = node.value if isinstance(node, ScalarNode) else ""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        reader.problems.add(node, f"plan.{name}", f"{value!r} is not a date like 2024-04-01")
        return None


def _objectives(top: MapReader, problems: Problems) -> tuple[ObjectiveSpec, ...]:
    seen_objectives: dict[str, int] = {}
    seen_actions: dict[str, int] = {}
    out: list[ObjectiveSpec] = []
    nodes = top.sequence("objectives", required=True)
    if not nodes and top.raw("objectives") is not None:
        problems.add(top.raw("objectives"), "objectives", "the plan needs at least one objective")
    for i, node in enumerate(nodes):
        path = f"objectives[{i}]"
        reader = MapReader(node, path, problems)
        reader.check_known({"key", "name", "summary", "actions"})
        key = reader.string("key")
        if key and not OBJECTIVE_KEY.fullmatch(key):
            problems.add(reader.raw("key"), f"{path}.key", f"{key!r} should be short capitals, like INF")
        if key in seen_objectives:
            problems.add(
                reader.raw("key"),
                f"{path}.key",
                f"{key!r} is used twice (first on line {seen_objectives[key]})",
            )
        elif key:
            seen_objectives[key] = node.start_mark.line + 1
        actions = tuple(
            _action(a, f"{path}.actions[{j}]", problems, seen_actions)
            for j, a in enumerate(reader.sequence("actions"))
        )
        out.append(
            ObjectiveSpec(
                key=key,
                name=reader.string("name"),
                summary=reader.string("summary", required=False),
                actions=actions,
            )
        )
    return tuple(out)


def _action(node: Node, path: str, problems: Problems, seen: dict[str, int]) -> ActionSpec:
    reader = MapReader(node, path, problems)
    reader.check_known(
        {"key", "title", "team", "owners", "stretch", "cadence", "group", "steps", "outcomes", "measures"}
    )
    key = reader.string("key")
    if key and not ACTION_KEY.fullmatch(key):
        problems.add(reader.raw("key"), f"{path}.key", f"{key!r} should look like INF-1")
    if key in seen:
        problems.add(
            reader.raw("key"), f"{path}.key", f"duplicate action key {key!r} (first on line {seen[key]})"
        )
    elif key:
        seen[key] = node.start_mark.line + 1
    owners: list[str] = []
    for j, (owner_node, email) in enumerate(reader.strings("owners")):
        email = email.lower()
        if not EMAIL_PATTERN.fullmatch(email):
            problems.add(owner_node, f"{path}.owners[{j}]", f"{email!r} is not an email address")
        elif email not in owners:
            owners.append(email)
    return ActionSpec(
        key=key,
        title=reader.string("title"),
        team=reader.string("team", required=False),
        owners=tuple(owners),
        stretch=reader.boolean("stretch"),
        cadence=reader.choice("cadence", CADENCES, default=Cadence.MONTHLY.value) or Cadence.MONTHLY.value,
        group=reader.string("group", required=False),
        steps=tuple(s for _, s in reader.strings("steps")),
        outcomes=tuple(s for _, s in reader.strings("outcomes")),
        measures=_measures(reader, path, problems, key),
        line=node.start_mark.line + 1,
    )


def _measures(reader: MapReader, path: str, problems: Problems, action_key: str) -> tuple[MeasureSpec, ...]:
    out: list[MeasureSpec] = []
    seen: set[str] = set()
    for k, node in enumerate(reader.sequence("measures")):
        spec = read_measure(node, f"{path}.measures[{k}]", problems, action_key=action_key, position=k)
        if spec.key in seen:
            problems.add(node, f"{path}.measures[{k}].key", f"measure key {spec.key!r} is used twice")
        seen.add(spec.key)
        out.append(spec)
    return tuple(out)


def measure_keys_in_use(spec: PlanSpec) -> list[str]:
    """Every measure key in the plan; a key used by two actions is reported by `parse_plan`."""
    return [m.key for a in spec.actions for m in a.measures]
