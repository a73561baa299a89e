"""A reply held until its author says which action it is about (a nudge that listed several)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class HeldReply(Base):
    """A plain reply in the thread of a nudge that listed more than one action and named none of
    them: kept once, here, until the owner picks the action or actions with the buttons they are
    shown; each pick becomes an evidence row. `delivery_id` is the reply's own, so a redelivered
    reply holds nothing twice."""

    __tablename__ = "held_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    message_ref: Mapped[dict[str, Any]] = mapped_column(JSON)
    narrative: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    delivery_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
