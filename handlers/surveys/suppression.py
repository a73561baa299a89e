"""Which cells of a breakdown by group may be shown: the minimum, then complementary suppression.

A breakdown is a table: one row per self-described group, one column per option, each cell a count.
Published alongside it are the survey's overall count per option (the column totals) and the number
of answers (the grand total). Each group's size (its row total) is a cell of the table too.

1. Primary suppression: every count below the survey's minimum is hidden, zero included (a zero says
   "nobody in this group chose that", which is a fact about each of them). A group smaller than the
   minimum is hidden whole, its size too.
2. Complementary suppression: a hidden cell must not be recoverable by subtraction. Each row (its cells
   add up to the group's size), each column (its cells add up to the published option total) and the
   column of group sizes (adding up to the number of answers) is a sum; while any such sum has exactly
   one hidden member, the smallest shown member of it is hidden too (https://ec.europa.eu/eurostat/cros/
   system/files/SDC_Handbook.pdf, §4.3, the "singleton" rule). This is the standard heuristic, not a
   full audit against every combination of sums; it always errs towards hiding more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Cell = tuple[str, str]  # (group, option); option TOTAL is the group's size
TOTAL = "\x00total"


@dataclass(frozen=True)
class Shown:
    """The breakdown as it may be shown: counts, with None for a hidden cell."""

    groups: tuple[str, ...]
    options: tuple[str, ...]
    cells: Mapping[Cell, int | None]

    def count(self, group: str, option: str) -> int | None:
        return self.cells[(group, option)]

    def size(self, group: str) -> int | None:
        return self.cells[(group, TOTAL)]


def suppress(
    table: Mapping[str, Mapping[str, int]], *, sizes: Mapping[str, int], options: Sequence[str], minimum: int
) -> Shown:
    """Apply the minimum and complementary suppression to `table` (group → option → count)."""
    groups = tuple(sizes)
    value: dict[Cell, int] = {}
    for group in groups:
        for option in options:
            value[(group, option)] = int(table.get(group, {}).get(option, 0))
        value[(group, TOTAL)] = int(sizes[group])
    hidden = {cell for cell, count in value.items() if count < minimum}
    for group in groups:
        if value[(group, TOTAL)] < minimum:
            hidden |= {(group, option) for option in options}
    # The sums an attacker can subtract from: each group's row (to its size), each option's column
    # (to the published option total), and the sizes (to the number of answers).
    lines: list[list[Cell]] = [[(g, o) for o in options] + [(g, TOTAL)] for g in groups]
    lines += [[(g, o) for g in groups] for o in options]
    lines.append([(g, TOTAL) for g in groups])
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            shown = [cell for cell in line if cell not in hidden]
            if not shown:
                continue
            hidden.add(min(shown, key=lambda cell: (value[cell], cell)))
            changed = True
    cells = {cell: (None if cell in hidden else count) for cell, count in value.items()}
    return Shown(groups=groups, options=tuple(options), cells=cells)
