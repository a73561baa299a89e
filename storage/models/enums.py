"""The small closed vocabularies stored as text: statuses, cadences, measure kinds."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Progress of an action or a measure. Always shown in words as well as colour."""

    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    DONE = "done"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def colour(self) -> str:
        return _STATUS_COLOURS[self]


_STATUS_LABELS = {
    Status.NOT_STARTED: "Not started",
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.OFF_TRACK: "Off track",
    Status.DONE: "Done",
}
# Green / amber / red / blue as in the plan's own reporting; grey for not started.
_STATUS_COLOURS = {
    Status.NOT_STARTED: "#8a8a8a",
    Status.ON_TRACK: "#2e7d32",
    Status.AT_RISK: "#f9a825",
    Status.OFF_TRACK: "#c62828",
    Status.DONE: "#1565c0",
}


class Cadence(StrEnum):
    """How often an update is asked for; periods follow the plan's own year."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SIX_MONTHLY = "six-monthly"
    ANNUAL = "annual"


class MeasureKind(StrEnum):
    """How a success measure is shown and answered.

    count / number / percentage hold figures against a numeric target; an audit holds one result per
    audit against its benchmark; evidence is a checklist item answered with words and links; computed
    measures are filled by nudgebot itself, so nobody is asked for them.
    """

    EVIDENCE = "evidence"
    COUNT = "count"
    NUMBER = "number"
    PERCENTAGE = "percentage"
    AUDIT = "audit"
    COMPUTED = "computed"

    @property
    def takes_figure(self) -> bool:
        """Whether an owner gives this measure a figure (an audit's result counts as one)."""
        return self in _FIGURE_KINDS


_FIGURE_KINDS = {MeasureKind.COUNT, MeasureKind.NUMBER, MeasureKind.PERCENTAGE, MeasureKind.AUDIT}


class Direction(StrEnum):
    """Which way a figure must go to meet its target (as OKR tools word it)."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    INCREASE_TO = "increase_to"
    DECREASE_TO = "decrease_to"
    WITHIN = "within"


class Computation(StrEnum):
    """What nudgebot computes for a `computed` measure; owners are never asked for these figures."""

    SMART_COVERAGE = "smart_coverage"
    SMART_OUTCOMES = "smart_outcomes"
    SURVEYS_RUN = "surveys_run"
    EVIDENCE_COUNT = "evidence_count"


# A measure may also be asked for once, by a date; an action's cadence is always one of `Cadence`.
MEASURE_ONCE = "once"


class ObjectiveOutcome(StrEnum):
    """How a SMART objective ended."""

    MET = "met"
    GOOD_PROGRESS = "good_progress"
    NOT_MET = "not_met"


class Platform(StrEnum):
    """Where a person can be reached, or where a piece of evidence came from."""

    SLACK = "slack"
    TEAMS = "teams"
    SANDBOX = "sandbox"
    CLI = "cli"


class PlanState(StrEnum):
    """Where a plan is in its life, decided by its dates and today's date (never stored)."""

    DRAFT = "draft"  # before its start date: importable, viewable, never nudged
    ACTIVE = "active"  # between its dates, both included
    CLOSED = "closed"  # after its end date: read-only, browsable, never nudged
