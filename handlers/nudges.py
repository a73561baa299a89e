"""The nudge message: one direct message per owner listing everything of theirs that is due.

Jobs build it (`jobs/`), adapters render it, and `handlers.updates` handles its buttons. The button
values carry only the action key; who clicked is the adapter's business, never the value's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers import actions
from handlers.markup import bold, escape, truncate
from handlers.messages import Button, Buttons, Context, Divider, Heading, Message, Part, Text
from storage.models import Status

# Block Kit allows 50 blocks; each item uses 3 parts, plus a heading, intro and footer.
MAX_ITEMS_PER_MESSAGE = 14


@dataclass(frozen=True)
class DueItem:
    """One action due for an update from this owner."""

    action_key: str
    title: str
    period_label: str  # e.g. "October 2024", "Q3 2024/25 (Oct–Dec)"
    status: str = Status.NOT_STARTED.value
    reminder: bool = False
    last_update: str = ""  # e.g. "3 Sep by Sam Sample" or "" when never updated


def item_buttons(action_key: str) -> Buttons:
    return Buttons(
        (
            Button("On track", actions.NUDGE_ON_TRACK, action_key, "primary"),
            Button("At risk", actions.NUDGE_AT_RISK, action_key),
            Button("Off track", actions.NUDGE_OFF_TRACK, action_key, "danger"),
            Button("Done", actions.NUDGE_DONE, action_key),
            Button("Add update", actions.NUDGE_ADD_UPDATE, action_key),
            Button("Snooze 7 days", actions.NUDGE_SNOOZE, f"{action_key}|7"),
            Button("Not mine", actions.NUDGE_NOT_MINE, action_key),
        )
    )


def item_parts(item: DueItem) -> tuple[Part, ...]:
    status = Status(item.status)
    last = f" · last update {escape(item.last_update)}" if item.last_update else " · no update yet"
    return (
        Text(f"{bold(item.action_key)} {escape(truncate(item.title, 280))}"),
        Context(f"Update due for {escape(item.period_label)} · now: {status.label}{last}"),
        item_buttons(item.action_key),
    )


def nudge_message(owner_name: str, items: Sequence[DueItem]) -> Message:
    """The one message an owner gets; a reminder says so. Items past the limit are counted, not dropped."""
    reminder = any(i.reminder for i in items)
    first = owner_name.split()[0] if owner_name.strip() else "there"
    heading = "Reminder: updates still due" if reminder else "Updates due on your actions"
    intro = (
        f"Hi {escape(first)}, {len(items)} action(s) you own need an update. Click a status, or "
        "_Add update_ to say more and attach links. You can also reply in this thread with a few words "
        "and I will keep them as evidence."
    )
    parts: list[Part] = [Heading(heading), Text(intro)]
    shown = items[:MAX_ITEMS_PER_MESSAGE]
    for item in shown:
        parts += [Divider(), *item_parts(item)]
    if len(items) > len(shown):
        parts.append(Context(f"…and {len(items) - len(shown)} more: type /nudge mine to see them all."))
    keys = ", ".join(i.action_key for i in items)
    return Message(fallback=f"{heading}: {keys}", parts=tuple(parts))
