"""The nudge message: one direct message per owner listing everything of theirs that is due.

Jobs build it (`jobs/`), adapters render it, and `handlers.updates` handles its buttons. The button
values carry only the action key; who clicked is the adapter's business, never the value's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers import actions
from handlers.markup import bold, escape, truncate
from handlers.messages import MAX_PARTS, Button, Buttons, Context, Divider, Heading, Message, Part, Text
from handlers.wording import counted
from storage.models import Status


@dataclass(frozen=True)
class DueItem:
    """One action due for an update from this owner."""

    action_key: str
    title: str
    period_label: str  # e.g. "October 2024", "Q3 2024/25 (Oct–Dec)"
    status: str = Status.NOT_STARTED.value
    reminder: bool = False
    last_update: str = ""  # e.g. "3 Sep by Sam Sample" or "" when never updated
    # Set when what is due is one of the action's success measures on its own cadence (a six-monthly
    # audit, say): it is listed under its action, which keeps the one row of buttons.
    measure: str = ""


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


def item_parts(item: DueItem, measures: Sequence[DueItem] = ()) -> tuple[Part, ...]:
    """One action: its title, what is due and when, any measures due with it, and its buttons."""
    status = Status(item.status)
    last = f" · last update {escape(item.last_update)}" if item.last_update else " · no update yet"
    due = f"Update due for {escape(item.period_label)}" if not item.measure else "Update due"
    parts: list[Part] = [
        Text(f"{bold(item.action_key)} {escape(truncate(item.title, 280))}"),
        Context(f"{due} · now: {status.label}{last}"),
    ]
    for m in [item, *measures]:
        if m.measure:
            parts.append(Context(f"Also due: {escape(truncate(m.measure, 200))} ({escape(m.period_label)})"))
    parts.append(item_buttons(item.action_key))
    return tuple(parts)


def by_action(items: Sequence[DueItem]) -> list[tuple[DueItem, list[DueItem]]]:
    """Items grouped under their action, in first-seen order: the action's own ask first if it has one."""
    groups: dict[str, list[DueItem]] = {}
    for item in items:
        groups.setdefault(item.action_key, []).append(item)
    out = []
    for group in groups.values():
        own = [i for i in group if not i.measure]
        head = own[0] if own else group[0]
        out.append((head, [i for i in group if i is not head]))
    return out


def nudge_message(owner_name: str, items: Sequence[DueItem]) -> Message:
    """The one message an owner gets; a reminder says so. Items past the limit are counted, not dropped."""
    reminder = any(i.reminder for i in items)
    first = owner_name.split()[0] if owner_name.strip() else "there"
    heading = "Reminder: updates still due" if reminder else "Updates due on your actions"
    groups = by_action(items)
    intro = (
        f"Hi {escape(first)}, {counted(len(groups), 'action')} you own "
        f"{'needs' if len(groups) == 1 else 'need'} an update. Click a status, or "
        "_Add update_ to say more and attach links. You can also reply in this thread with a few words "
        "and I will keep them as evidence."
    )
    parts: list[Part] = [Heading(heading), Text(intro)]
    shown = 0
    for head, measures in groups:
        block = [Divider(), *item_parts(head, measures)]
        # Keep one part free for the "…and N more" line, within what every adapter can show.
        if len(parts) + len(block) > MAX_PARTS - 1:
            break
        parts += block
        shown += 1
    if len(groups) > shown:
        parts.append(Context(f"…and {len(groups) - shown} more: type /nudge mine to see them all."))
    keys = ", ".join(head.action_key for head, _ in groups)
    return Message(fallback=f"{heading}: {keys}", parts=tuple(parts))
