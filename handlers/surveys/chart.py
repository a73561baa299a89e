"""The results chart: one horizontal bar chart per scale or choice question, as PNG bytes.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global backend, no display).
Only called for surveys with enough answers to show figures.
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter

from storage.models import Survey
from storage.survey_tally import Tally
from storage.surveys import SCALE_VALUES

BAR_COLOUR = "#3b6ea5"


def results_chart(survey: Survey, tally: Tally) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # The self-description question's counts are group sizes: shown only as text, after suppression.
    charted = [q for q in survey.questions if q.kind in {"scale", "choice"} and not q.describes_group]
    rows = max(1, len(charted))
    figure = Figure(figsize=(7, 1.2 + 1.9 * rows), dpi=100)
    FigureCanvasAgg(figure)
    axes_list = figure.subplots(rows, 1, squeeze=False)[:, 0]
    if not charted:
        axes_list[0].text(0.5, 0.5, "No scale or choice questions", ha="center", va="center")
        axes_list[0].set_axis_off()
    for axes, question in zip(axes_list, charted, strict=False):
        if question.kind == "scale":
            labels = list(SCALE_VALUES)
            counts = tally.scales.get(question.position, Counter())
        else:
            labels = list(question.options)
            counts = tally.choices.get(question.position, Counter())
        values = [counts[label] for label in labels]
        axes.barh(range(len(labels)), values, color=BAR_COLOUR)
        axes.set_yticks(range(len(labels)), [textwrap.shorten(label, 30) for label in labels])
        axes.invert_yaxis()
        axes.set_title(
            textwrap.shorten(f"{question.position}. {question.prompt}", 80), fontsize=10, loc="left"
        )
        axes.xaxis.get_major_locator().set_params(integer=True)
        for y, value in enumerate(values):
            axes.text(value, y, f" {value}", va="center", fontsize=8)
    figure.suptitle(textwrap.shorten(f"{survey.title} ({tally.count} answers)", 90), fontsize=11)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
