"""Driving a survey through the real Slack adapter: create it, invite, answer by button and modal, close."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.slack import ids
from handlers import actions
from jobs.surveys import close_due_surveys
from storage.models import Survey
from tests.support.fakes.slack_api import Call
from tests.support.fakes.slack_requests import block_action
from tests.support.slack_fixtures import SlackRig, eventually, view_submission
from tests.support.survey_helpers import (
    RECI,
    deliver_invitations,
    import_people_file,
    new_survey_values,
    people_csv,
)


async def add_people(rig: SlackRig, tmp_path: Path, source: Path, *, extra_staff: int = 0) -> None:
    """The demo people plus `extra_staff` more, each with a Slack id (U001…) the fake Slack knows."""
    path = people_csv(tmp_path / "people.csv", source=source, extra_staff=extra_staff)
    await import_people_file(rig.core.deps, path)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rig.users[row["email"]] = row["slack_user_id"]
            rig.fake.add_user(row["slack_user_id"], row["email"])


async def _next_view(rig: SlackRig, before: int) -> dict[str, Any]:
    opened = await eventually(lambda: len(rig.fake.calls_to("views.open")) > before)
    assert opened
    view: dict[str, Any] = rig.fake.calls_to("views.open")[-1].args["view"]
    return view


async def create_survey(rig: SlackRig, *, by: str = RECI, **overrides: str) -> str:
    """`/feedback new`, then submit the modal it opened; returns the new survey's id."""
    before = len(rig.fake.calls_to("views.open"))
    await rig.command("/feedback", "new", user=rig.user(by))
    view = await _next_view(rig, before)
    reply = await rig.interact(
        view_submission(view, user=rig.user(by), values=new_survey_values(**overrides))
    )
    assert reply.status == 200
    assert not reply.text, reply.text
    async with rig.core.deps.sessions() as session:
        survey_id = await session.scalar(select(Survey.id).order_by(Survey.created_at.desc()))
    assert survey_id is not None
    return survey_id


async def send_invitations(rig: SlackRig, now: datetime) -> dict[str, Call]:
    """Run the invitation job; returns each invitee's DM (chat.postMessage) by Slack user id."""
    messenger = rig.core.deps.messenger
    assert messenger is not None
    await deliver_invitations(rig.core.deps, messenger, now)
    return {c.args["channel"][1:]: c for c in rig.fake.calls_to("chat.postMessage") if _respond_button(c)}


def _respond_button(message: Call) -> tuple[str, str] | None:
    for block in message.args.get("blocks") or []:
        for element in block.get("elements", []):
            if ids.neutral_action_id(str(element.get("action_id", ""))) == actions.SURVEY_RESPOND:
                return element["action_id"], element["value"]
    return None


def respond_button(invite: Call) -> tuple[str, str]:
    """The Slack action_id and value of the invitation's "Respond anonymously" button."""
    found = _respond_button(invite)
    assert found is not None, "no respond button in the invitation"
    return found


async def click_respond(rig: SlackRig, user: str, invite: Call, *, ts: str = "1.1") -> dict[str, Any] | None:
    """Press "Respond anonymously" in the DM; the modal it opened, or None when it answered in chat."""
    action_id, value = respond_button(invite)
    before_views = len(rig.fake.calls_to("views.open"))
    before_posts = len(rig.fake.calls_to("chat.postMessage"))
    payload = block_action(
        user_id=user,
        action_id=action_id,
        value=value,
        channel=f"D{user}",
        message_ts=str(invite.args.get("ts") or "1700000000.000001"),
        action_ts=ts,
    )
    assert (await rig.interact(payload)).status == 200
    await eventually(
        lambda: (
            len(rig.fake.calls_to("views.open")) > before_views
            or len(rig.fake.calls_to("chat.postMessage")) > before_posts
        )
    )
    if len(rig.fake.calls_to("views.open")) > before_views:
        view: dict[str, Any] = rig.fake.calls_to("views.open")[-1].args["view"]
        return view
    return None


async def submit_answer(rig: SlackRig, user: str, view: dict[str, Any], values: dict[str, str]) -> str:
    reply = await rig.interact(view_submission(view, user=user, values=values))
    assert reply.status == 200
    return reply.text


def receipt(reply: str) -> str:
    """The title of the "received" / "stored" note the answer form turned into, or "" if it did not."""
    if not reply:
        return ""
    body = json.loads(reply)
    if body.get("response_action") != "update":
        return ""
    title: str = body["view"]["title"]["text"]
    return title if title in {"Answer received", "Answer stored"} else ""


async def answer(rig: SlackRig, user: str, invite: Call, values: dict[str, str]) -> str:
    view = await click_respond(rig, user, invite)
    assert view is not None, "the respond button did not open the questions"
    return await submit_answer(rig, user, view, values)


async def close_now(rig: SlackRig, at: datetime) -> int:
    messenger = rig.core.deps.messenger
    assert messenger is not None
    return await close_due_surveys(rig.core.deps, messenger, at)
