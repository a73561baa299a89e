"""A chart of measures against their targets: one bar per measure with a figure, as a share of its target.

Each bar is coloured by the measure's derived status and labelled with its figure and target in words;
the 100% line is the target. Measures without a numeric target are drawn against their benchmark.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from handlers.messages import Image
from storage.measures import MeasureReport

# Bars stop here, so one measure far beyond its target does not squash the others.
CAP = 150.0


def _share(report: MeasureReport) -> float | None:
    """The latest figure as a percentage of what it is judged against (target, else benchmark)."""
    m, value = report.measure, report.assessment.latest
    if value is None:
        return None
    against = m.target_value if m.target_value is not None else m.benchmark
    if against is None and m.benchmark_first and report.figures:
        against = report.figures[0].value
    if not against:
        return None
    if m.direction in ("at_most", "decrease_to"):
        return min(CAP, 100.0 * against / value) if value else CAP
    if m.direction == "within" and m.target_high is not None:
        return 100.0 if m.target_value is not None and m.target_value <= value <= m.target_high else 50.0
    return min(CAP, 100.0 * value / against)


def measures_against_targets(reports: Sequence[MeasureReport], *, title: str) -> Image | None:
    """The chart, or None when no measure has a figure and something to be judged against."""
    rows = [(r, share) for r in reports if (share := _share(r)) is not None]
    if not rows:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 0.5 * len(rows) + 1.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    names = [r.measure.key for r, _ in rows]
    shares = [share for _, share in rows]
    colours = [r.assessment.status.colour for r, _ in rows]
    axes.barh(names, shares, color=colours, edgecolor="white")
    axes.axvline(100, color="#333333", linewidth=1, linestyle="--")
    for y, (report, share) in enumerate(rows):
        axes.text(min(share, CAP) + 2, y, report.assessment.verdict, va="center", fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, CAP + 30)
    axes.set_xlabel("Latest figure as % of its target (dashed line: target met)")
    axes.set_title(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    alt = "; ".join(f"{r.measure.key}: {r.assessment.summary}" for r, _ in rows)
    return Image(
        data=buffer.getvalue(), alt=f"{title}. {alt}.", filename="measures-against-targets.png", title=title
    )
