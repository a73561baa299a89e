"""The review's forms: one action at a time (agreed RAG, commentary, mitigation), and the plan's fields.

A form carries, in its state, a short fingerprint of each value it showed. On submit only the fields
whose value differs from what that person was shown are written, so two SMT members recording at once
never overwrite each other's untouched fields; the same field edited by both keeps the later write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date

from handlers import actions
from handlers.messages import Choice, Form, LongText, Option
from storage.models import Action, Review, ReviewEntry, Status
from storage.models.review import REVIEW_PLAN_FIELDS

MAX_WORDS = 1000
NO_RAG = ""
PLAN_LABELS = {
    "successes": "Successes (one per line; the first three headline the board paper)",
    "challenges": "Challenges (one per line)",
    "learning": "Learning",
    "decisions": "Decisions",
}


def fingerprint(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:10]


def changed(values: Mapping[str, str], shown: Mapping[str, str], names: Sequence[str]) -> dict[str, str]:
    """The submitted fields whose value differs from the one shown (by fingerprint)."""
    out = {}
    for name in names:
        value = values.get(name, "").strip()
        if fingerprint(value) != shown.get(name, fingerprint("")):
            out[name] = value
    return out


def pack_state(held_on: date, key: str, values: Mapping[str, str]) -> str:
    prints = ".".join(f"{name}={fingerprint(v)}" for name, v in values.items())
    return f"{held_on.isoformat()}|{key}|{prints}"


def unpack_state(state: str) -> tuple[date, str, dict[str, str]] | None:
    try:
        day, key, prints = state.split("|", 2)
        shown = dict(p.split("=", 1) for p in prints.split(".") if p)
        return date.fromisoformat(day), key, shown
    except ValueError:
        return None


def action_form(review: Review, action: Action, entry: ReviewEntry | None, position: str) -> Form:
    shown = {
        "rag": (entry.rag if entry else None) or NO_RAG,
        "commentary": entry.commentary if entry else "",
        "mitigation": entry.mitigation if entry else "",
    }
    options = (Option(NO_RAG, "Not agreed yet"), *(Option(s.value, s.label) for s in Status))
    owner = Status(action.status).label if action.status in {s.value for s in Status} else action.status
    return Form(
        form_id=actions.FORM_REVIEW_ACTION,
        title=f"Review {action.key}"[:24],
        intro=(
            f"{position} · {action.key} {action.title[:300]}\nThe owner's latest status: {owner}. "
            "Record the SMT's agreed status and a few words; Save and next moves to the next action."
        ),
        inputs=(
            Choice("rag", "Agreed status", options, initial=shown["rag"], required=False),
            LongText(
                "commentary",
                "SMT commentary",
                initial=shown["commentary"],
                required=False,
                max_length=MAX_WORDS,
            ),
            LongText(
                "mitigation",
                "Mitigation (for an action at risk or off track)",
                initial=shown["mitigation"],
                required=False,
                max_length=MAX_WORDS,
            ),
        ),
        submit_label="Save and next",
        state=pack_state(review.held_on, action.key, shown),
    )


def plan_form(review: Review) -> Form:
    shown = {name: getattr(review, name) for name in REVIEW_PLAN_FIELDS}
    return Form(
        form_id=actions.FORM_REVIEW_PLAN,
        title="Review: the plan",
        intro="The SMT's view of the plan as a whole at this review. Leave a field as it is to keep it.",
        inputs=tuple(
            LongText(name, PLAN_LABELS[name], initial=shown[name], required=False, max_length=MAX_WORDS)
            for name in REVIEW_PLAN_FIELDS
        ),
        submit_label="Save",
        state=pack_state(review.held_on, "", shown),
    )
