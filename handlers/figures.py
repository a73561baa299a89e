"""Figures in the update form: one number input per measure an owner gives a figure for, read back whole.

A figure is asked with its measure's key, target and period ("INF-2.1 · at least 2 each quarter ·
Q3 2024/25"), and read as a plain number ("3", "33%", "0.85"); a blank input gives no figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from handlers.markup import truncate
from handlers.messages import Choice, Option, ShortText
from handlers.wording import period_label
from storage.measure_status import number, target_words
from storage.measures import period_of, terms_of
from storage.models import Action, Measure, MeasureKind

FIGURE_PREFIX = "figure_"
ABOUT_INPUT = "about"
ABOUT_ACTION = "action"
_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
# "1,200": commas between groups of three digits are thousands separators (UK style), dropped.
_THOUSANDS = re.compile(r"^-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")


@dataclass(frozen=True)
class FigureAsk:
    """A measure of an action that the update form asks a figure for, in the period it belongs to."""

    measure: Measure
    period: str


def asked_figures(
    action: Action, measures: Sequence[Measure], *, today: date, start_month: int
) -> list[FigureAsk]:
    """The live measures of `action` that take a figure from an owner (computed ones never do)."""
    out = []
    for m in measures:
        if m.archived_at is None and MeasureKind(m.kind).takes_figure:
            out.append(FigureAsk(m, period_of(m, action, today, year_start_month=start_month)[0]))
    return out


def figure_inputs(asks: Sequence[FigureAsk]) -> list[ShortText]:
    inputs = []
    for ask in asks:
        m = ask.measure
        target = target_words(terms_of(m))
        bits = [f"for {period_label(ask.period)}" if ask.period != "once" else "once"]
        bits += [f"target: {target}"] if target else []
        bits += [f"benchmark: {number(m.benchmark, m.unit)}"] if m.benchmark is not None else []
        unit = f" ({m.unit})" if m.unit and m.unit != "%" else (" (%)" if m.unit == "%" else "")
        inputs.append(
            ShortText(
                f"{FIGURE_PREFIX}{m.id}",
                truncate(f"{m.key}: {m.text}", 140) + unit,
                hint=truncate(
                    "A number " + " · ".join(bits) + ". Leave blank if you have no figure yet.", 300
                ),
                required=False,
                max_length=20,
            )
        )
    return inputs


def about_input(measures: Sequence[Measure]) -> Choice | None:
    """Which evidence measure this update is evidence for, when the action has any."""
    checklist = [m for m in measures if m.archived_at is None and m.kind == MeasureKind.EVIDENCE.value]
    if not checklist:
        return None
    options = [Option(ABOUT_ACTION, "The action as a whole")]
    options += [Option(m.key, truncate(f"{m.key}: {m.text}", 75)) for m in checklist]
    return Choice(
        ABOUT_INPUT,
        "Is this evidence for one of its success measures?",
        tuple(options),
        initial=ABOUT_ACTION,
        required=False,
    )


def read_figures(
    values: Mapping[str, str], asks: Sequence[FigureAsk]
) -> tuple[dict[int, float], dict[str, str]]:
    """(figure by measure id, errors by input name); a blank input is no figure."""
    figures: dict[int, float] = {}
    errors: dict[str, str] = {}
    for ask in asks:
        name = f"{FIGURE_PREFIX}{ask.measure.id}"
        raw = values.get(name, "").strip().removesuffix("%").strip()
        raw = raw.replace(",", "") if _THOUSANDS.fullmatch(raw) else raw
        if not raw:
            continue
        if not _NUMBER.fullmatch(raw):
            errors[name] = "Please give a number, like 3 or 33.5 (no words)."
            continue
        figures[ask.measure.id] = float(raw)
    return figures, errors
