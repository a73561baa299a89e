"""The sandbox's pages (GET): person picker, direct messages, channels, home view, the open form."""

from __future__ import annotations

from html import escape
from importlib import resources

from aiohttp import web

from bot.sandbox import ids, posts
from bot.sandbox.directory import channel_names, channels_for, people_choices
from bot.sandbox.pages import command_form, conversation, layout, picker_page
from bot.sandbox.render import render_form, render_message
from bot.sandbox.state import SANDBOX_KEY, Sandbox
from bot.sandbox.visit import html_page, require_visit, tour, viewer, visit


async def index(request: web.Request) -> web.StreamResponse:
    if await visit(request) is not None:
        raise web.HTTPSeeOther(ids.DM_PATH)
    sandbox = request.app[SANDBOX_KEY]
    return html_page(picker_page(await people_choices(sandbox.core.deps), tour(sandbox)))


async def direct_messages(request: web.Request) -> web.StreamResponse:
    v = await require_visit(request)
    entries = v.sandbox.messenger.entries(ids.dm_key(v.person_id), viewer=v.person_id)
    body = command_form(ids.DM_PATH) + conversation(
        entries,
        empty="No messages yet. Move time and run the nudges job to see nudges arrive, or type a command.",
    )
    title = f"{v.person.name}'s direct messages with nudgebot"
    return html_page(layout(title, body, viewer=viewer(v), current=ids.DM_PATH))


async def channel(request: web.Request) -> web.StreamResponse:
    v = await require_visit(request)
    short = request.match_info["name"]
    names = channel_names(v.sandbox.core.deps)
    if short not in names:
        raise web.HTTPNotFound(text="No such channel in the sandbox.")
    path = ids.CHANNEL_PATH.format(name=short)
    if short not in channels_for(v.actor):
        body = (
            f"<p>{escape(v.person.name)} is not in the #{short} channel. In the sandbox, the members of "
            f"a channel are the people with the {short} role; switch to one of them to read it.</p>"
        )
        return html_page(layout(f"#{short}", body, viewer=viewer(v), current=path))
    entries = v.sandbox.messenger.entries(ids.channel_key(names[short]), viewer=v.person_id)
    body = command_form(path) + conversation(
        entries, empty="Nothing posted yet. Move time and run a digest job to see one arrive."
    )
    return html_page(layout(f"#{short} channel", body, viewer=viewer(v), current=path))


async def app_home(request: web.Request) -> web.StreamResponse:
    v = await require_visit(request)
    home = await v.sandbox.core.router.on_home(v.sandbox.core.deps, v.actor)
    body = f'<div class="home">{render_message(home)}</div>{command_form(ids.APP_HOME_PATH)}'
    return html_page(layout(f"{v.person.name}'s home", body, viewer=viewer(v), current=ids.APP_HOME_PATH))


async def open_form(request: web.Request) -> web.StreamResponse:
    v = await require_visit(request)
    opened = v.sandbox.open_forms.get(v.person_id)
    if opened is None:
        raise web.HTTPSeeOther(ids.DM_PATH)
    body = render_form(opened.form, values=opened.values, errors=opened.errors)
    return html_page(layout(opened.form.title, body, viewer=viewer(v), current=opened.back))


async def stylesheet(_request: web.Request) -> web.StreamResponse:
    css = resources.files("bot.sandbox").joinpath("sandbox.css").read_text(encoding="utf-8")
    return web.Response(text=css, content_type="text/css", headers={"Cache-Control": "max-age=300"})


def add_routes(app: web.Application, sandbox: Sandbox) -> None:
    """Serve the sandbox under `/` on the one aiohttp server."""
    app[SANDBOX_KEY] = sandbox
    app.router.add_get(ids.HOME_PATH, index)
    app.router.add_get(ids.DM_PATH, direct_messages)
    app.router.add_get(ids.CHANNEL_PATH, channel)
    app.router.add_get(ids.APP_HOME_PATH, app_home)
    app.router.add_get(ids.FORM_PATH, open_form)
    app.router.add_get(ids.STYLE_PATH, stylesheet)
    posts.add_routes(app)
