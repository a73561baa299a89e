"""The layers of DESIGN §3: storage ← handlers ← jobs ← bot, and only bot/ knows Slack or Teams."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LAYERS = ("storage", "handlers", "jobs", "bot")
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "microsoft_agents")
# What each package may not import: every layer above it, and the chat SDKs outside bot/.
FORBIDDEN = {
    "storage": ("handlers", "jobs", "bot", *PLATFORM_SDKS),
    "handlers": ("jobs", "bot", *PLATFORM_SDKS),
    "jobs": ("bot", *PLATFORM_SDKS),
    "bot": (),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
            "import_module",
            "__import__",
        }:
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((node.lineno, arg.value))
    return found


def violations(package: str) -> list[str]:
    out = []
    for path in sorted((REPO / package).rglob("*.py")):
        for line, module in imported_modules(path):
            top = module.split(".")[0]
            if top in FORBIDDEN[package]:
                out.append(f"{path.relative_to(REPO)}:{line} imports {module}")
    return out


@pytest.mark.parametrize("package", LAYERS)
def test_package_imports_only_downwards(package: str) -> None:
    assert (REPO / package / "__init__.py").exists()
    assert violations(package) == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    # Guard against a checker that cannot fail: feed it code that breaks the rule.
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom bot.wiring import Core\nimport slack_sdk.web\n", encoding="utf-8")
    modules = [m for _, m in imported_modules(bad)]
    assert [m for m in modules if m.split(".")[0] in FORBIDDEN["storage"]] == ["bot.wiring", "slack_sdk.web"]
