"""The plan file: a YAML document people edit and review, parsed and validated whole before import."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from yaml.nodes import Node, ScalarNode

from storage.models.enums import Cadence, MeasureKind
from storage.people_file import EMAIL_PATTERN
from storage.plan_events import PlanEvent, read_events, read_smart_roles
from storage.yaml_nodes import InvalidFile, MapReader, Problem, Problems, compose

ACTION_KEY = re.compile(r"^[A-Z][A-Z0-9]{0,9}-[0-9]{1,4}$")
OBJECTIVE_KEY = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
CADENCES = {c.value for c in Cadence}
KINDS = {k.value for k in MeasureKind}


@dataclass(frozen=True)
class MeasureSpec:
    text: str
    kind: str = MeasureKind.EVIDENCE.value
    target: str | None = None
    cadence: str | None = None
    stretch: bool = False


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
        {"key", "name", "starts", "ends", "review_cadence", "description", "smart_roles", "events"}
    )
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
        smart_roles=read_smart_roles(plan),
        events=read_events(plan),
    )
    for event in spec.events:
        if event.action and event.action not in {a.key for a in spec.actions}:
            problems.add(
                plan.raw("events"), "plan.events", f"{event.name}: there is no action {event.action}"
            )
    if problems:
        raise InvalidFile(problems.items)
    return spec


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
        measures=tuple(
            _measure(m, f"{path}.measures[{k}]", problems) for k, m in enumerate(reader.sequence("measures"))
        ),
        line=node.start_mark.line + 1,
    )


def _measure(node: Node, path: str, problems: Problems) -> MeasureSpec:
    reader = MapReader(node, path, problems)
    reader.check_known({"text", "kind", "target", "cadence", "stretch"})
    kind = reader.choice("kind", KINDS, default=MeasureKind.EVIDENCE.value) or MeasureKind.EVIDENCE.value
    target = reader.string("target", required=False) or None
    if target and kind != MeasureKind.COUNT.value:
        problems.add(reader.raw("target"), f"{path}.target", "only a measure of kind 'count' has a target")
    return MeasureSpec(
        text=reader.string("text"),
        kind=kind,
        target=target,
        cadence=reader.choice("cadence", CADENCES, default=None),
        stretch=reader.boolean("stretch"),
    )
