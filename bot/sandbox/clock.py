"""The sandbox's clock: "now" in the demo's timeline, moved by the visitor and running on from there."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.clock import Clock, SystemClock


class DemoClock:
    """Says the moment the visitor moved time to, plus however much real time has passed since.

    Handlers called after a "move time" run therefore date their evidence in the demo's timeline.
    `real` is the clock it runs on; tests pass a FixedClock so the demo time stands still.
    """

    def __init__(self, start: datetime, *, real: Clock | None = None) -> None:
        self._real = real or SystemClock()
        self._anchor = start
        self._set_at = self._real.now()
        self.move_to(start)

    def move_to(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("DemoClock needs a time-zone-aware datetime")
        self._anchor = at
        self._set_at = self._real.now()

    def now(self) -> datetime:
        elapsed = self._real.now() - self._set_at
        return self._anchor + max(elapsed, timedelta(0))
