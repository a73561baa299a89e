"""What every handler receives (who is asking, the shared dependencies) and what it answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.messages import Form, Message
from handlers.messenger import MessageRef, Messenger
from storage.clock import Clock


@dataclass(frozen=True)
class Channels:
    """The channels the organisation named (SMT_CHANNEL, RECI_CHANNEL)."""

    smt: str
    reci: str


@dataclass(frozen=True)
class Deps:
    """The shared dependencies, built once in the composition root (`bot.wiring`)."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    channels: Channels
    messenger: Messenger | None = None
    timezone: str = "Europe/London"


@dataclass(frozen=True)
class Actor:
    """Who is speaking: a known person, or a chat user nudgebot has not matched to anyone yet."""

    platform: str
    platform_user_id: str
    person_id: int | None = None
    name: str = ""
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()

    @property
    def known(self) -> bool:
        return self.person_id is not None

    def may(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass(frozen=True)
class Response:
    """What a handler wants the adapter to do, all optional and combinable.

    - `message`: show this to the asker only (ephemeral in a channel, or in their DM).
    - `form`: open this form (a modal in Slack).
    - `errors`: keep the open form open, showing these errors by input name.
    - `replace_original`: update the message whose button was clicked, in place.
    - `close_form`: close the open form (after a successful submit).
    """

    message: Message | None = None
    form: Form | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    replace_original: Message | None = None
    close_form: bool = False


@dataclass(frozen=True)
class Origin:
    """Where an interaction came from: the message a button was on, and the delivery's own id."""

    message: MessageRef | None = None
    delivery_id: str = ""
    # Links to files that came with a reply (a Slack file's permalink): kept as evidence links.
    attachments: tuple[str, ...] = ()
