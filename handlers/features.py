"""The list of features: each module's `register(router)`, one per line; a new feature is one more line.

Apart from `handlers.router` so that the features can import the router without a circle.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers import (
    commitments,
    home,
    nudge_command,
    reassign,
    review,
    smart,
    smart_agree,
    surveys,
    update_form,
    updates,
)
from handlers.router import Router

FEATURES: tuple[Callable[[Router], None], ...] = (
    commitments.register,
    nudge_command.register,
    updates.register,
    update_form.register,
    smart.register,
    smart_agree.register,
    home.register,
    surveys.register,
    review.register,
    reassign.register,
)


def build_router() -> Router:
    """Every feature registers its commands, buttons and forms here."""
    router = Router()
    for register in FEATURES:
        register(router)
    return router
