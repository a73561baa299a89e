"""The review paper laid out as a few neutral blocks (headings, paragraphs, lists, tables, figures),
so HTML, Markdown, PDF and Word are four small renderers of one layout (`bot.paper_render`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from handlers.messages import Image
from jobs.board_paper import Paper
from storage.models import Status
from storage.smart_outcomes import OUTCOME_LABELS


@dataclass(frozen=True)
class H:
    level: int
    text: str


@dataclass(frozen=True)
class P:
    text: str
    small: bool = False


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    image: Image


@dataclass(frozen=True)
class PageBreak:
    pass


Block = H | P | Items | Table | Figure | PageBreak


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def label(status: str | None) -> str:
    try:
        return Status(status or Status.NOT_STARTED.value).label
    except ValueError:
        return Status.NOT_STARTED.label


def _counts(counts: Counter[str]) -> tuple[str, ...]:
    return tuple(str(counts.get(s.value, 0)) for s in Status)


def layout(paper: Paper) -> list[Block]:
    board = paper.audience == "board"
    title = "Board paper" if board else "SMT review pack"
    exceptions = paper.exceptions
    answered = [c for c in paper.challenges if c.answer]
    blocks: list[Block] = [
        H(1, f"{paper.plan_name}: {paper.review_label.lower()}"),
        P(f"{title} · plan period {long_date(paper.plan_starts)} to {long_date(paper.plan_ends)}"),
        P(
            f"Review of {long_date(paper.covers_from)} to {long_date(paper.held_on)}, held by the senior "
            f"management team on {long_date(paper.held_on)}"
            + ("" if paper.closed else " (the review is still open: figures may change)")
            + "."
        ),
        P(
            f"The committee is asked to note the senior management team's review of the plan's "
            f"{len(paper.actions)} actions, the {len(exceptions)} exception(s) and their mitigations, and "
            f"the {len(paper.challenges)} challenge(s) raised ({len(answered)} answered).",
        ),
        P(f"Prepared by nudgebot on {long_date(paper.generated_on)}.", small=True),
        PageBreak(),
        H(2, "Executive summary"),
    ]
    headers = ("Objective", *(s.label for s in Status))
    rows = [(o.name, *_counts(o.counts())) for o in paper.objectives]
    blocks.append(Table(headers, tuple(rows)))
    if paper.previous_held_on is not None:
        moved = sum(1 for a in paper.actions if a.previous and a.previous != a.rag)
        since = long_date(paper.previous_held_on)
        blocks.append(P(f"Since the last review ({since}), {moved} action(s) changed status."))
    else:
        blocks.append(P("This is the plan's first review: there is no earlier review to compare with."))
    blocks += [Figure(c) for c in paper.charts[:1]]
    for name, heading in (("successes", "Headline successes"), ("challenges", "Headline challenges")):
        lines = paper.headlines(name)
        blocks += [H(3, heading), Items(tuple(lines)) if lines else P("None recorded.")]
    blocks += [PageBreak(), H(2, "Exceptions")]
    if exceptions:
        blocks.append(
            Table(
                ("Action", "Owned by", "Why", "SMT commentary", "Mitigation"),
                tuple(
                    (f"{a.key} {a.title}", a.owners, ", ".join(why), a.commentary or "—", a.mitigation or "—")
                    for a, why in exceptions
                ),
            )
        )
    else:
        blocks.append(P("No action is off track, at risk, overdue or without an owner."))
    blocks.append(H(2, "Outcomes and measures by objective"))
    for o in paper.objectives:
        blocks.append(H(3, f"{o.key} · {o.name}"))
        for a in o.actions:
            agreed = label(a.rag) + ("" if a.agreed else " (owner's status; no SMT RAG recorded)")
            blocks += [
                H(4, f"{a.key} {a.title}"),
                P(f"Owned by {a.owners} · agreed status: {agreed}", small=True),
            ]
            if a.commentary:
                blocks.append(P(f"SMT commentary: {a.commentary}"))
            if not board and a.steps:
                blocks.append(Items(tuple(f"Step: {s}" for s in a.steps)))
            if a.outcomes:
                blocks.append(Items(tuple(f"Outcome: {t}" for t in a.outcomes)))
            if a.measures:
                blocks.append(
                    Table(
                        ("Measure", "Kind", "Target", "Status"),
                        tuple((m.text, m.kind, m.target or "—", label(m.status)) for m in a.measures),
                    )
                )
    blocks += _smart(paper) + _surveys(paper) + _comparison(paper) + _challenges(paper)
    blocks += [H(2, "Learning and decisions")]
    for name in ("learning", "decisions"):
        text = paper.plan_fields.get(name, "")
        blocks += [H(3, name.capitalize()), P(text or "None recorded.")]
    blocks += [PageBreak(), H(2, "Appendix: evidence in the period")]
    if paper.evidence:
        head = ("Date", "Action", "Status", "Update") + (() if board else ("By",))
        blocks.append(
            Table(
                head,
                tuple(
                    (
                        long_date(e.on),
                        e.action_key,
                        label(e.status) if e.status else "—",
                        " ".join((e.narrative, *e.links)).strip() or "—",
                    )
                    + (() if board else (e.author,))
                    for e in paper.evidence
                ),
            )
        )
    else:
        blocks.append(P("No evidence was recorded in the period."))
    return blocks


def _smart(paper: Paper) -> list[Block]:
    if not paper.smart:
        return []
    rows = tuple(
        (
            r.role,
            f"{r.agreed} / {r.eligible}",
            ", ".join(f"{OUTCOME_LABELS[k]} {r.outcomes.get(k, 0)}" for k in OUTCOME_LABELS)
            if r.recorded
            else "not yet recorded",
        )
        for r in paper.smart
    )
    return [
        H(2, "SMART objectives"),
        P("Agreed objectives among eligible people (outside probation), and year-end outcomes recorded."),
        Table(("Role", "Agreed", "Outcomes"), rows),
    ]


def _surveys(paper: Paper) -> list[Block]:
    blocks: list[Block] = [H(2, "Anonymous surveys and triangulation")]
    if not paper.surveys:
        blocks.append(P("No anonymous survey closed in the period with enough answers to report."))
    for s in paper.surveys:
        blocks += [H(3, f"{s.title} ({s.answers} answers, closed {long_date(s.closed_on.date())})")]
        blocks.append(
            Table(("Question", "Answers"), s.questions) if s.questions else P("No counted questions.")
        )
    if paper.triangulation:
        years = sorted({y for t in paper.triangulation for y, _, _ in t.points})
        rows = []
        for t in paper.triangulation:
            values = {y: f"{v:g} (n={n})" for y, v, n in t.points}
            change = "—" if t.change is None else f"{t.change:+g}"
            rows.append(
                (
                    t.survey,
                    t.question,
                    t.group,
                    t.action_key or "—",
                    *(values.get(y, "—") for y in years),
                    change,
                )
            )
        blocks += [
            H(3, "Triangulation: annual survey results year on year"),
            Table(("Survey", "Question", "Group", "Action", *(str(y) for y in years), "Change"), tuple(rows)),
        ]
    else:
        blocks.append(P("No triangulation figures have been imported (`nudgebot results import`)."))
    return blocks


def _comparison(paper: Paper) -> list[Block]:
    if paper.previous_held_on is None:
        return []
    rows = tuple(
        (f"{a.key} {a.title}", label(a.previous) if a.previous else "—", label(a.rag))
        for a in paper.actions
        if a.previous != a.rag
    )
    blocks: list[Block] = [H(2, f"Compared with the review of {long_date(paper.previous_held_on)}")]
    blocks += [Figure(c) for c in paper.charts[1:]]
    blocks.append(Table(("Action", "Then", "Now"), rows) if rows else P("No action changed status."))
    return blocks


def _challenges(paper: Paper) -> list[Block]:
    blocks: list[Block] = [H(2, "Challenge and answers")]
    if not paper.challenges:
        return [*blocks, P("No challenge was raised.")]
    rows = tuple(
        (
            c.action_key,
            f"{c.asked_by} asked on {long_date(c.asked_on)}: {c.text}",
            f"{c.answer} ({long_date(c.answered_on)})" if c.answer and c.answered_on else "Not yet answered",
        )
        for c in paper.challenges
    )
    return [*blocks, Table(("Action", "Challenge", "SMT answer"), rows)]
