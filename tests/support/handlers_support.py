"""Helpers for the handler tests: the demo plan and people loaded through the real importers, and readers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from handlers.context import Actor, Deps
from handlers.identity import actor_for_person
from handlers.markup import plain
from handlers.messages import (
    MAX_BUTTONS,
    MAX_FIELDS,
    MAX_PARTS,
    MAX_TEXT,
    Button,
    Buttons,
    Context,
    Fields,
    Heading,
    Message,
    Text,
)
from handlers.messenger import MessageRef, Recipient
from handlers.router import CommandHandler, Router
from storage.models import Action, Person, UpdateRequest
from storage.objectives import import_objectives, load_objectives_file
from storage.people_file import load_people_file
from storage.people_import import import_people, known_roles
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from storage.plan_queries import current_plan

REPO = Path(__file__).resolve().parents[2]


async def seed(deps: Deps, *, objectives: bool = True) -> None:
    """The real 2024/25 plan, the demo people and (optionally) their SMART objectives."""
    now = deps.clock.now()
    async with deps.sessions() as session:
        await import_plan(session, load_plan_file(REPO / "plans" / "race-equality-2024-25.yaml"), now=now)
        specs = load_people_file(
            REPO / "people" / "demo-people.csv",
            known_roles=await known_roles(session),
            default_timezone="Europe/London",
        )
        await import_people(session, specs, now=now)
        await session.commit()
        if objectives:
            plan = await current_plan(session, today=now.date())
            assert plan is not None
            path = REPO / "people" / "demo-objectives.csv"
            await import_objectives(
                session, load_objectives_file(path), plan=plan, filename=str(path), now=now
            )
            await session.commit()


async def actor(deps: Deps, email: str, *, platform: str = "slack") -> Actor:
    async with deps.sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
        assert person is not None, email
        person_id = person.id
    return await actor_for_person(deps, person_id, platform=platform, platform_user_id=f"U-{person_id}")


def stranger(platform: str = "slack") -> Actor:
    return Actor(platform=platform, platform_user_id="U-STRANGER", name="Visitor")


def text_of(message: Message | None) -> str:
    """Everything a reader sees, markup removed, one part per line."""
    assert message is not None
    out = []
    for part in message.parts:
        if isinstance(part, Heading):
            out.append(part.text)
        elif isinstance(part, Text):
            out.append(plain(part.markdown))
        elif isinstance(part, Context):
            out.append(plain(part.text))
        elif isinstance(part, Fields):
            out += [f"{f.label}: {plain(f.value)}" for f in part.items]
        elif isinstance(part, Buttons):
            out += [f"[{b.label}]" for b in part.buttons]
    return "\n".join(out)


def buttons_of(message: Message | None) -> list[Button]:
    assert message is not None
    return [b for p in message.parts if isinstance(p, Buttons) for b in p.buttons]


def assert_within_limits(
    message: Message | None, *, max_parts: int = MAX_PARTS, max_buttons: int = MAX_BUTTONS
) -> None:
    assert message is not None
    assert 0 < len(message.parts) <= max_parts
    for part in message.parts:
        if isinstance(part, Text):
            assert len(part.markdown) <= MAX_TEXT
        if isinstance(part, Fields):
            assert len(part.items) <= MAX_FIELDS
        if isinstance(part, Buttons):
            assert 0 < len(part.buttons) <= max_buttons


async def action_row(deps: Deps, key: str) -> Action:
    async with deps.sessions() as session:
        row = await session.scalar(select(Action).where(Action.key == key))
        assert row is not None
        return row


async def sent_nudge(
    deps: Deps, email: str, keys: list[str], *, ts: str = "1728293400.000100", ref: MessageRef | None = None
) -> MessageRef:
    """Update requests as the jobs write them once a nudge to `email` about `keys` has been sent.

    The nudge landed at `ref` (a Slack DM at `ts` unless a test sent it through a real messenger)."""
    ref = ref or MessageRef(platform="slack", channel="D-OWNER", id=ts)
    now = deps.clock.now()
    async with deps.sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
        assert person is not None
        for key in keys:
            action = await session.scalar(select(Action).where(Action.key == key))
            assert action is not None
            session.add(
                UpdateRequest(
                    kind="nudge",
                    recipient=f"person:{person.id}",
                    person_id=person.id,
                    subject=key,
                    period="2024-10",
                    action_id=action.id,
                    status="sent",
                    due_at=now - timedelta(hours=1),
                    sent_at=now - timedelta(minutes=30),
                    message_ref=ref.as_dict(),
                    created_at=now - timedelta(hours=1),
                )
            )
        await session.commit()
    return ref


class RecordingMessenger:
    """A Messenger that remembers what it was asked to send."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, Message]] = []
        self.updates: list[tuple[MessageRef, Message]] = []
        self.direct: list[tuple[Recipient, Message]] = []

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        self.direct.append((recipient, message))
        return MessageRef("slack", "D1", str(len(self.direct)))

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        self.posts.append((channel, message))
        return MessageRef("slack", channel, str(len(self.posts)))

    async def update(self, ref: MessageRef, message: Message) -> None:
        self.updates.append((ref, message))


def with_messenger(deps: Deps, messenger: Any) -> Deps:
    return Deps(
        sessions=deps.sessions,
        clock=deps.clock,
        channels=deps.channels,
        messenger=messenger,
        timezone=deps.timezone,
    )


def add_command(router: Router, name: str, handler: CommandHandler) -> None:
    """Register a command a test needs, with the registry's descriptions filled in plainly."""
    router.command(name, handler, summary=f"The {name} test command", usage="", help="**{cmd}** (a test)")
