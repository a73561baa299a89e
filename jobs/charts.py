"""Charts as PNG bytes (matplotlib's Agg backend, no pyplot state): status by objective, words and colour."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence

from handlers.messages import Image
from storage.models import Status


def status_by_objective(rows: Sequence[tuple[str, Counter[str]]], *, title: str) -> Image:
    """A horizontal stacked bar per objective; the alt text says the same numbers in words."""
    # Imported here: matplotlib costs ~0.5 s and ~50 MB, and most processes never draw a chart.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 0.7 * max(len(rows), 1) + 1.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    names = [name for name, _ in rows]
    lefts = [0] * len(rows)
    for status in Status:
        values = [counts.get(status.value, 0) for _, counts in rows]
        if not any(values):
            continue
        axes.barh(names, values, left=lefts, color=status.colour, label=status.label, edgecolor="white")
        lefts = [left + value for left, value in zip(lefts, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("Actions")
    axes.set_title(title)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=5, frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    alt = "; ".join(
        f"{name}: "
        + (
            ", ".join(f"{counts[s.value]} {s.label.lower()}" for s in Status if counts.get(s.value))
            or "no actions"
        )
        for name, counts in rows
    )
    return Image(
        data=buffer.getvalue(), alt=f"{title}. {alt}.", filename="status-by-objective.png", title=title
    )
