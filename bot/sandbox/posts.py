"""The sandbox's actions (POST, then redirect): pick a person, type a command, press a button, reply,
submit a form, move time. Each turns the browser's form into the same neutral call Slack's would make."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, time
from typing import TypeVar

from aiohttp import web

from bot.inbound import answer
from bot.sandbox import ids
from bot.sandbox.directory import channel_names, channels_for, people_choices
from bot.sandbox.state import SANDBOX_KEY, OpenForm
from bot.sandbox.visit import Visit, require_visit, safe_back
from handlers.context import Actor, Origin, Response
from handlers.markup import escape as md_escape
from handlers.messages import Buttons, Message, Text
from handlers.messenger import MessageRef, SendError

log = logging.getLogger(__name__)
A = TypeVar("A")

# Years a demo can move to; far-off years are typos, and year 1 would overflow the clock's arithmetic.
_YEARS = range(2000, 2100)


def _delivery_id() -> str:
    # Every press is a new delivery; POST-redirect-GET keeps a reload from sending it again.
    return f"sandbox-{uuid.uuid4().hex}"


def _page_of(v: Visit, key: str) -> str:
    if key == ids.dm_key(v.person_id):
        return ids.DM_PATH
    for short, name in channel_names(v.sandbox.core.deps).items():
        if key == ids.channel_key(name):
            return ids.CHANNEL_PATH.format(name=short)
    return ids.DM_PATH


def _may_read(v: Visit, key: str) -> bool:
    if key == ids.dm_key(v.person_id):
        return True
    names = channel_names(v.sandbox.core.deps)
    return any(key == ids.channel_key(names[short]) for short in channels_for(v.actor))


def _ref(v: Visit, form: dict[str, str]) -> MessageRef | None:
    """The message a button or reply belongs to, if it is one this person can see."""
    key, msg_id = form.get(ids.REF_CHANNEL, ""), form.get(ids.REF_ID, "")
    if not key or not _may_read(v, key):
        return None
    entry = v.sandbox.messenger.find(MessageRef(ids.PLATFORM, key, msg_id))
    return entry.ref if entry is not None else None


async def _apply(v: Visit, response: Response, *, key: str, back: str, origin: MessageRef | None) -> str:
    """Show a handler's response the way Slack would; the path to redirect to."""
    messenger = v.sandbox.messenger
    if response.replace_original is not None and origin is not None:
        try:
            await messenger.update(origin, response.replace_original)
        except SendError:
            log.info("sandbox: message %s to update is gone", origin.id)
    if response.message is not None:
        messenger.add(key, response.message, private_to=v.person_id)
    if response.form is not None:
        v.sandbox.open_forms[v.person_id] = OpenForm(response.form, back)
        return ids.FORM_PATH
    return back


async def _answered(
    v: Visit,
    what: str,
    ask: Callable[[Actor], Awaitable[A]],
    show: Callable[[A], Awaitable[str]],
    *,
    key: str,
    back: str,
) -> str:
    """Through `bot.inbound.answer`, like every adapter: the path to redirect to, which `show` decides;
    after a failure, back where the visitor was, with the sorry in their conversation."""
    where = back

    async def shown(found: A) -> None:
        nonlocal where
        where = await show(found)

    async def tell(message: Message) -> None:
        v.sandbox.messenger.add(key, message, private_to=v.person_id)

    async def actor() -> Actor:
        return v.actor

    await answer(
        v.sandbox.core,
        platform=ids.PLATFORM,
        what=what,
        user=str(v.person_id),
        actor=actor,
        ask=ask,
        show=shown,
        tell=tell,
    )
    return where


async def choose_person(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    raw = str(form.get(ids.PERSON, ""))
    people = await people_choices(request.app[SANDBOX_KEY].core.deps)
    if not raw.isdigit() or all(p.id != int(raw) for p in people):
        raise web.HTTPSeeOther(ids.HOME_PATH)
    redirect = web.HTTPSeeOther(safe_back(str(form.get(ids.BACK, ""))))
    # Not a login: a local demo remembers which fictional person the visitor is acting as.
    redirect.set_cookie(ids.COOKIE, raw, httponly=True, samesite="Strict", path="/")
    raise redirect


async def command(request: web.Request) -> web.StreamResponse:
    v = await require_visit(request)
    form = {k: str(val) for k, val in (await request.post()).items()}
    back = safe_back(form.get(ids.BACK, ""))
    text = form.get(ids.COMMAND, "").strip()
    if not text:
        raise web.HTTPSeeOther(back)
    key = _conversation_of(v, back)
    messenger = v.sandbox.messenger
    messenger.add(key, Message(text, (Text(md_escape(text)),)), author=v.person.name, private_to=v.person_id)
    name, _, rest = text.lstrip("/").partition(" ")

    async def ask(actor: Actor) -> Response:
        return await v.sandbox.core.router.on_command(v.sandbox.core.deps, actor, name, rest)

    async def show(response: Response) -> str:
        return await _apply(v, response, key=key, back=back, origin=None)

    raise web.HTTPSeeOther(await _answered(v, "command", ask, show, key=key, back=back))


def _conversation_of(v: Visit, path: str) -> str:
    """The conversation a page shows: a channel the person is in, else their DM (home included)."""
    names = channel_names(v.sandbox.core.deps)
    for short in channels_for(v.actor):
        if path == ids.CHANNEL_PATH.format(name=short):
            return ids.channel_key(names[short])
    return ids.dm_key(v.person_id)


async def press(request: web.Request) -> web.StreamResponse:
    v = await require_visit(request)
    form = {k: str(val) for k, val in (await request.post()).items()}
    action, value = ids.split_press(form.get(ids.PRESS, ""))
    ref = _ref(v, form)
    if ref is None and form.get(ids.REF_CHANNEL):
        v.sandbox.notify(v.person_id, "That message is not one you can see.")
        raise web.HTTPSeeOther(ids.DM_PATH)
    if ref is None:
        # A button on the home view, which is not a message.
        key, back = ids.dm_key(v.person_id), ids.APP_HOME_PATH
    else:
        entry = v.sandbox.messenger.find(ref)
        buttons = (
            [b for p in entry.message.parts if isinstance(p, Buttons) for b in p.buttons] if entry else []
        )
        if not any(b.action == action and b.value == value for b in buttons):
            v.sandbox.notify(v.person_id, "That button is no longer on the message.")
            raise web.HTTPSeeOther(_page_of(v, ref.channel))
        key, back = ref.channel, _page_of(v, ref.channel)
    origin = Origin(message=ref, delivery_id=_delivery_id())

    async def ask(actor: Actor) -> Response:
        return await v.sandbox.core.router.on_action(v.sandbox.core.deps, actor, action, value, origin)

    async def show(response: Response) -> str:
        return await _apply(v, response, key=key, back=back, origin=ref)

    raise web.HTTPSeeOther(await _answered(v, "action", ask, show, key=key, back=back))


async def reply(request: web.Request) -> web.StreamResponse:
    v = await require_visit(request)
    form = {k: str(val) for k, val in (await request.post()).items()}
    ref = _ref(v, form)
    text = form.get(ids.REPLY_TEXT, "").strip()
    if ref is None or not text:
        raise web.HTTPSeeOther(ids.DM_PATH)
    messenger = v.sandbox.messenger
    messenger.add(
        ref.channel, Message(text, (Text(md_escape(text)),)), author=v.person.name, thread_of=ref.id
    )
    origin = Origin(message=ref, delivery_id=_delivery_id())
    back = _page_of(v, ref.channel)

    async def ask(actor: Actor) -> tuple[Response | None]:
        # No answer (nobody took the reply) is an answer here, so it travels in a tuple to `show`.
        return (await v.sandbox.core.router.on_reply(v.sandbox.core.deps, actor, text, origin),)

    async def show(taken: tuple[Response | None]) -> str:
        (response,) = taken
        if response is None:
            v.sandbox.notify(v.person_id, "nudgebot did not take that reply as an update.")
            return back
        if response.message is not None:
            messenger.add(ref.channel, response.message, private_to=v.person_id, thread_of=ref.id)
        return await _apply(v, replace(response, message=None), key=ref.channel, back=back, origin=ref)

    raise web.HTTPSeeOther(await _answered(v, "reply", ask, show, key=ref.channel, back=back))


async def submit_form(request: web.Request) -> web.StreamResponse:
    v = await require_visit(request)
    opened = v.sandbox.open_forms.get(v.person_id)
    if opened is None:
        raise web.HTTPSeeOther(ids.DM_PATH)
    posted = await request.post()
    if posted.get(ids.FORM_SUBMIT) == "cancel":
        del v.sandbox.open_forms[v.person_id]
        raise web.HTTPSeeOther(opened.back)
    values = {i.name: str(posted.get(i.name, "")) for i in opened.form.inputs}
    key = _conversation_of(v, opened.back)

    async def ask(actor: Actor) -> Response:
        form = opened.form
        return await v.sandbox.core.router.on_form(
            v.sandbox.core.deps, actor, form.form_id, values, form.state
        )

    async def show(response: Response) -> str:
        if response.errors:
            # Keep the form open with what was typed, as a Slack modal does on response_action=errors.
            opened.values, opened.errors = values, dict(response.errors)
            return ids.FORM_PATH
        v.sandbox.open_forms.pop(v.person_id, None)
        return await _apply(v, response, key=key, back=opened.back, origin=None)

    raise web.HTTPSeeOther(await _answered(v, "form", ask, show, key=key, back=opened.back))


def _moment(v: Visit, form: dict[str, str]) -> datetime | None:
    try:
        day = date.fromisoformat(form.get(ids.TIME_DATE, ""))
        at = time.fromisoformat(form.get(ids.TIME_TIME, "") or "09:30")
    except ValueError:
        return None
    if day.year not in _YEARS:
        return None
    return datetime.combine(day, at.replace(second=0, microsecond=0), tzinfo=v.sandbox.core.settings.zone)


async def move_time(request: web.Request) -> web.StreamResponse:
    v = await require_visit(request)
    form = {k: str(val) for k, val in (await request.post()).items()}
    back = safe_back(form.get(ids.BACK, ""))
    at = _moment(v, form)
    if at is None:
        v.sandbox.notify(v.person_id, "Give a date (YYYY-MM-DD) and a time (HH:MM) to move time to.")
        raise web.HTTPSeeOther(back)
    v.sandbox.clock.move_to(at)
    when = at.strftime("%A %-d %B %Y, %H:%M")
    job = form.get(ids.TIME_JOB, "")
    control = v.sandbox.time_control
    if not job or control is None:
        v.sandbox.notify(v.person_id, f"Demo time is now {when}.")
        raise web.HTTPSeeOther(back)
    label = next((j.label for j in control.jobs() if j.name == job), None)
    if label is None:
        v.sandbox.notify(v.person_id, f"There is no job called {job!r}.")
        raise web.HTTPSeeOther(back)
    try:
        summary = await control.run(job, at)
    except Exception:
        log.exception("sandbox: job %s failed", job)
        v.sandbox.notify(v.person_id, f"The {label} job failed as of {when}; the log says why.")
        raise web.HTTPSeeOther(back) from None
    v.sandbox.notify(v.person_id, f"Ran {label} as of {when}: {summary}")
    # A digest lands in its channel: show it there at once when this person may read that channel.
    posted_in = JOB_CHANNELS.get(job)
    if posted_in in channels_for(v.actor):
        raise web.HTTPSeeOther(ids.CHANNEL_PATH.format(name=posted_in))
    raise web.HTTPSeeOther(back)


# The channel (short name) each digest job posts to.
JOB_CHANNELS = {"smt_digest": "smt", "reci_digest": "reci"}


def add_routes(app: web.Application) -> None:
    app.router.add_post(ids.WHO_PATH, choose_person)
    app.router.add_post(ids.COMMAND_PATH, command)
    app.router.add_post(ids.ACTION_PATH, press)
    app.router.add_post(ids.REPLY_PATH, reply)
    app.router.add_post(ids.FORM_PATH, submit_form)
    app.router.add_post(ids.TIME_PATH, move_time)
