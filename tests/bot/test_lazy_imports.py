"""Heavy libraries load only when used: the command line and the running bot do not pay for them at start.

Checked in a fresh interpreter, since the test process itself has imported everything by now.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# Each is loaded only by the code that needs it: drawing a chart, counting working days, writing a PDF or
# Word paper.
HEAVY = ("matplotlib", "holidays", "weasyprint", "docx")


def _loaded_after(module: str) -> set[str]:
    probe = f"import sys, {module}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    argv = [sys.executable, "-c", probe]
    out = subprocess.run(argv, check=True, capture_output=True, text=True, timeout=60)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", ["bot.cli", "jobs.catalogue"])
def test_heavy_libraries_are_not_imported_at_start(module: str) -> None:
    assert not set(HEAVY) & _loaded_after(module)


def test_the_probe_sees_a_heavy_import_when_there_is_one() -> None:
    # The control: drawing code does pull matplotlib in, so an empty answer above is not the probe failing.
    assert "matplotlib" in _loaded_after("matplotlib.figure")
