"""The move-time control: runs the jobs engine's jobs "as of" a moment the visitor picks."""

from __future__ import annotations

from bot.sandbox.state import TimeControl
from bot.wiring import Core


def default_time_control(core: Core) -> TimeControl | None:
    """The jobs engine's jobs; None until the engine is part of this build."""
    return None
