"""One Teams turn → one neutral call: typed commands, card buttons, card forms, and being added."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import ChannelServiceAdapter, TurnContext

from bot.inbound import SORRY, answer, log_failure
from bot.teams import forms, ids, references
from bot.teams.actors import actor_for, user_key
from bot.teams.messenger import TeamsMessenger
from bot.teams.references import personal
from bot.teams.replies import Send, deliver, message_activity
from bot.wiring import Core
from handlers.context import Actor, Origin, Response
from handlers.messages import Message, Text
from handlers.messenger import MessageRef
from handlers.router import Router, help_text
from storage.evidence import latest_open_nudge

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"^/?(?P<name>[a-z]+)\b\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)


def _say(text: str) -> Message:
    return Message(fallback=text.split("\n", 1)[0], parts=(Text(text),))


def command_of(text: str, router: Router) -> tuple[str, str] | None:
    """("commitments", "INF-2") from "commitments INF-2" or "/commitments INF-2", for the commands
    the router has; None otherwise."""
    match = _COMMAND.match(text.strip())
    if not match or match.group("name").lower() not in router.commands:
        return None
    return match.group("name").lower(), match.group("rest").strip()


@dataclass(frozen=True)
class _Answer:
    """A router's answer, with what showing it in Teams needs: the card a form came from, and the
    asker's personal chat when the turn is in a channel."""

    response: Response
    submission: forms.Submission | None = None
    private: Send | None = None


async def on_message(core: Core, context: TurnContext) -> None:
    activity = context.activity

    async def ask(actor: Actor) -> _Answer:
        value = activity.value if isinstance(activity.value, dict) else None
        if value is not None:
            submitted = forms.submission(value)
            if submitted is not None:
                response = await core.router.on_form(
                    core.deps, actor, submitted.form_id, submitted.values, submitted.state
                )
                return _Answer(response, submitted, await private_chat(core, context, actor))
            action = value.get(ids.ACTION_KEY)
            if isinstance(action, str) and action:
                card_id = str(activity.reply_to_id or "")
                conversation_id = str(activity.conversation.id) if activity.conversation else ""
                origin = Origin(
                    message=MessageRef(ids.PLATFORM, conversation_id, card_id) if card_id else None,
                    delivery_id=str(activity.id or ""),
                )
                response = await core.router.on_action(
                    core.deps, actor, action, str(value.get(ids.VALUE_KEY, "")), origin
                )
                return _Answer(response, private=await private_chat(core, context, actor))
        command = command_of(str(activity.text or ""), core.router)
        if command is None:
            reply = await as_reply(core, context, actor)
            return _Answer(reply if reply is not None else Response(message=_say(help_text(core.router))))
        response = await core.router.on_command(core.deps, actor, command[0], command[1])
        return _Answer(response, private=await private_chat(core, context, actor))

    async def show(found: _Answer) -> None:
        await deliver(context, found.response, found.submission, private=found.private)

    async def tell(message: Message) -> None:
        await context.send_activity(message_activity(message))

    # Teams re-sends an activity it thinks failed; its id, prefixed, is the delivery id.
    activity_id = str(activity.id or "")
    await answer(
        core,
        platform=ids.PLATFORM,
        what="message",
        user=user_key(context),
        actor=lambda: actor_for(core.deps, context),
        ask=ask,
        show=show,
        tell=tell,
        delivery_id=f"{ids.DELIVERY_PREFIX}{activity_id}" if activity_id else "",
    )


async def as_reply(core: Core, context: TurnContext, actor: Actor) -> Response | None:
    """Free text in the personal chat while a nudge waits for an answer is the answer: Teams has no
    threads there, so it goes to the router as a reply to the newest open nudge (None when none)."""
    activity = context.activity
    text = str(activity.text or "")
    if not personal(context) or actor.person_id is None or not text.strip():
        return None
    async with core.deps.sessions() as session:
        ref = await latest_open_nudge(session, person_id=actor.person_id, platform=ids.PLATFORM)
    if ref is None:
        return None
    origin = Origin(message=MessageRef.from_dict(ref), delivery_id=str(activity.id or ""))
    return await core.router.on_reply(core.deps, actor, text, origin)


async def on_installation_update(core: Core, context: TurnContext) -> None:
    """The app removed by a person: forget their conversation, so nothing more is sent into it."""
    activity = context.activity
    if str(activity.action or "").startswith("remove") and personal(context):
        aad = str(getattr(activity.from_property, "aad_object_id", "") or "")
        if await references.forget(core.deps, aad):
            log.info("teams app removed by a person; their conversation is forgotten")


async def private_chat(core: Core, context: TurnContext, actor: Actor) -> Send | None:
    """How to reach the asker in their personal chat from a channel turn; None when not needed or
    not possible (they have never talked to the bot in private)."""
    if personal(context) or actor.person_id is None:
        return None
    data = await references.for_person(core.deps, actor.person_id)
    adapter = context.adapter
    if data is None or not isinstance(adapter, ChannelServiceAdapter):
        return None
    messenger = TeamsMessenger(adapter, core.deps, app_id=core.settings.teams_app_id or "")
    conversation = references.conversation(data)

    async def send(activity: Activity) -> object:
        return await messenger.send_activity(conversation, activity)

    return send


async def on_members_added(core: Core, context: TurnContext) -> None:
    """Installed for a person (or added to a team): keep the conversation reference and say hello."""
    activity = context.activity
    bot_id = activity.recipient.id if activity.recipient else ""
    added = [m for m in activity.members_added or [] if m.id]
    if not added:
        return
    if not personal(context):
        if any(m.id == bot_id for m in added):
            conversation_id = activity.conversation.id if activity.conversation else ""
            log.info(
                "added to a teams conversation %s (use it as SMT_CHANNEL or RECI_CHANNEL)", conversation_id
            )
            await context.send_activity(message_activity(_say(help_text(core.router))))
        return
    actor = await actor_for(core.deps, context)
    guide = help_text(core.router)
    if actor.known:
        first = actor.name.split()[0] if actor.name.strip() else "there"
        hello = f"Hello {first}! I'll message you here when an update is due.\n\n{guide}"
    else:
        hello = (
            "Hello! I couldn't match your Teams account to anyone in the people list, so I can't "
            "send you nudges yet. Ask your nudgebot administrator to add your work email.\n\n" + guide
        )
        log.info("teams user %s not linked to a person", user_key(context))
    await context.send_activity(message_activity(_say(hello)))


async def on_error(context: TurnContext, error: Exception) -> None:
    """A failure outside `bot.inbound.answer` (in the SDK's own turn): logged and answered the same way."""
    log_failure(ids.PLATFORM, "turn", user_key(context), error)
    try:
        await context.send_activity(message_activity(SORRY))
    except Exception:
        log.exception("could not tell teams user %s about the failure", user_key(context))
