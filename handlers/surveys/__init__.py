"""RECI's anonymous surveys (issue 5, DESIGN §5): `/feedback`, the respond button, the two forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers import actions
from handlers.surveys.answering import on_action, on_answer, on_receipt
from handlers.surveys.commands import feedback, submit_new, submit_preview

if TYPE_CHECKING:
    from handlers.router import Router


def register(router: Router) -> None:
    router.command(
        "feedback",
        feedback,
        summary="Anonymous snap surveys (run by the staff race equality network)",
        usage="[new | results]",
        help="**{cmd}** for the race equality network's anonymous surveys",
    )
    router.action("survey", on_action)
    router.form(actions.FORM_SURVEY_NEW, submit_new)
    router.form(actions.FORM_SURVEY_PREVIEW, submit_preview)
    router.form(actions.FORM_SURVEY_ANSWER, on_answer)
    router.form(actions.FORM_SURVEY_RECEIPT, on_receipt)
