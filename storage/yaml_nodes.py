"""Read YAML as nodes, so every validation problem can name its file, line and field.

PyYAML's `safe_load` forgets line numbers and silently keeps the last of two duplicate keys;
walking the composed node tree keeps both facts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, at a line, in a field."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class Problems:
    """Collects every problem in a file, so the user sees all of them at once."""

    file: str
    items: list[Problem] = field(default_factory=list)

    def add(self, node: Node | None, path: str, message: str, line: int = 0) -> None:
        at = node.start_mark.line + 1 if node is not None else line
        self.items.append(Problem(self.file, at, path, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)


class InvalidFile(Exception):
    """A file that failed validation; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def compose(text: str, problems: Problems) -> Node | None:
    """Parse YAML text into a node tree; a syntax error becomes a problem with its line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problems.add(None, "", f"not valid YAML: {exc.problem or exc}", line=line)
        return None


class MapReader:
    """Typed access to a YAML mapping's fields, recording problems instead of raising."""

    def __init__(self, node: Node, path: str, problems: Problems) -> None:
        self.node = node
        self.path = path
        self.problems = problems
        self.entries: dict[str, tuple[ScalarNode, Node]] = {}
        if not isinstance(node, MappingNode):
            problems.add(node, path, "expected a mapping of fields")
            return
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                problems.add(key_node, path, "field names must be plain words")
                continue
            if key_node.value in self.entries:
                problems.add(key_node, self._at(key_node.value), "appears twice")
                continue
            self.entries[key_node.value] = (key_node, value_node)

    def _at(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def check_known(self, allowed: set[str]) -> None:
        for name, (key_node, _) in self.entries.items():
            if name not in allowed:
                self.problems.add(
                    key_node, self._at(name), f"unknown field (expected one of {sorted(allowed)})"
                )

    def raw(self, name: str) -> Node | None:
        entry = self.entries.get(name)
        return entry[1] if entry else None

    def string(self, name: str, *, required: bool = True, default: str = "") -> str:
        node = self.raw(name)
        if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
            if required:
                self.problems.add(self.node, self._at(name), "is missing")
            return default
        if not isinstance(node, ScalarNode):
            self.problems.add(node, self._at(name), "must be text")
            return default
        value = " ".join(node.value.split()) if "\n" in node.value else node.value.strip()
        if required and not value:
            self.problems.add(node, self._at(name), "must not be empty")
        return value

    def boolean(self, name: str, *, default: bool = False) -> bool:
        node = self.raw(name)
        if node is None:
            return default
        if isinstance(node, ScalarNode) and node.tag.endswith(":bool"):
            return node.value.lower() in {"true", "yes", "on"}
        self.problems.add(node, self._at(name), "must be true or false")
        return default

    def number(self, name: str) -> float | None:
        """A plain number (``2``, ``0.8``, ``33.5``); None when absent; a problem when it is not a number."""
        node = self.raw(name)
        if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
            return None
        if isinstance(node, ScalarNode) and node.tag.endswith((":int", ":float")):
            try:
                return float(node.value.replace("_", ""))
            except ValueError:
                pass
        self.problems.add(node, self._at(name), "must be a number, like 2 or 0.8")
        return None

    def choice(self, name: str, options: set[str], *, default: str | None) -> str | None:
        value = self.string(name, required=False)
        if not value:
            return default
        if value not in options:
            self.problems.add(self.raw(name), self._at(name), f"{value!r} is not one of {sorted(options)}")
            return default
        return value

    def sequence(self, name: str, *, required: bool = False) -> list[Node]:
        node = self.raw(name)
        if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
            if required:
                self.problems.add(self.node, self._at(name), "is missing")
            return []
        if not isinstance(node, SequenceNode):
            self.problems.add(node, self._at(name), "must be a list")
            return []
        return list(node.value)

    def strings(self, name: str) -> list[tuple[Node, str]]:
        out: list[tuple[Node, str]] = []
        for i, item in enumerate(self.sequence(name)):
            if not isinstance(item, ScalarNode) or not item.value.strip():
                self.problems.add(item, f"{self._at(name)}[{i}]", "must be non-empty text")
                continue
            out.append((item, " ".join(item.value.split())))
        return out
