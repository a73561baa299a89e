"""The plan file's accountability fields: `smart_roles` (whose SMART objectives are reported) and
`events` (dated events such as the trustees' annual reflection), read beside the rest of `plan:`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yaml.nodes import ScalarNode

from storage.yaml_nodes import MapReader

# `date`, not `on`: YAML 1.1 reads a bare `on` key as the boolean true.
EVENT_FIELDS = {"name", "date", "action"}


@dataclass(frozen=True)
class PlanEvent:
    """A dated event of the plan ("Trustees' annual reflection", 31 March 2025, serving ORG-2)."""

    name: str
    on: date
    action: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "on": self.on.isoformat(), "action": self.action}

    @staticmethod
    def from_json(data: dict[str, str]) -> PlanEvent:
        return PlanEvent(name=data["name"], on=date.fromisoformat(data["on"]), action=data.get("action", ""))


def read_smart_roles(plan: MapReader) -> tuple[str, ...]:
    """Role names, lower-cased, each once; the people file's roles decide whether they exist."""
    roles: list[str] = []
    for _, role in plan.strings("smart_roles"):
        if role.lower() not in roles:
            roles.append(role.lower())
    return tuple(roles)


def read_events(plan: MapReader) -> tuple[PlanEvent, ...]:
    out: list[PlanEvent] = []
    for i, node in enumerate(plan.sequence("events")):
        path = f"plan.events[{i}]"
        reader = MapReader(node, path, plan.problems)
        reader.check_known(EVENT_FIELDS)
        name = reader.string("name")
        raw = reader.raw("date")
        text = raw.value if isinstance(raw, ScalarNode) else ""
        try:
            on = date.fromisoformat(str(text))
        except ValueError:
            plan.problems.add(raw or node, f"{path}.date", f"{text!r} is not a date like 2025-03-31")
            continue
        out.append(PlanEvent(name=name, on=on, action=reader.string("action", required=False).upper()))
    return tuple(out)
