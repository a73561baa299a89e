"""Routes neutral inputs (commands, button actions, form submissions, thread replies) to handlers,
and is the one registry of commands: each is registered with the words that describe it, from which
the Slack manifest, the Teams app package, the Teams command words and the help text are derived.

Each feature module has one `register(router)`; `handlers.features` lists them. Adapters call only
the four `on_*` methods and `on_home`, so every chat surface behaves the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from handlers.context import Actor, Deps, Origin, Response
from handlers.messages import Message, Text

CommandHandler = Callable[[Deps, Actor, str], Awaitable[Response]]
ActionHandler = Callable[[Deps, Actor, str, str, Origin], Awaitable[Response]]
FormHandler = Callable[[Deps, Actor, Mapping[str, str], str], Awaitable[Response]]
ReplyHandler = Callable[[Deps, Actor, str, Origin], Awaitable[Response | None]]
HomeBuilder = Callable[[Deps, Actor], Awaitable[Message]]


def clean(text: str) -> str:
    """Inbound text without NUL characters: PostgreSQL refuses them in text columns and SQLite keeps
    them, so they are dropped here, where every platform's text comes in, to store the same on both."""
    return text.replace("\x00", "")


def _unknown(text: str) -> Response:
    return Response(message=Message(fallback=text, parts=(Text(text),)))


@dataclass(frozen=True)
class Command:
    """A command and how it is described wherever a platform lists it.

    - `summary`: one line on what it does (the Slack manifest's description, the Teams command menu).
    - `usage`: its arguments, as a hint (the Slack manifest's usage hint).
    - `help`: a line of the help text, in the restricted markdown, with `{cmd}` where the command
      is named, so each platform writes it its way ("/commitments" in Slack, "commitments" in Teams).
    """

    name: str
    handler: CommandHandler
    summary: str
    usage: str
    help: str

    def help_line(self, prefix: str = "") -> str:
        return self.help.replace("{cmd}", f"{prefix}{self.name}")


@dataclass
class Router:
    commands: dict[str, Command] = field(default_factory=dict)
    # Keyed by action-id prefix up to the first dot ("nudge", "survey", …).
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    forms: dict[str, FormHandler] = field(default_factory=dict)
    reply_handlers: list[ReplyHandler] = field(default_factory=list)
    home_builder: HomeBuilder | None = None

    def command(self, name: str, handler: CommandHandler, *, summary: str, usage: str, help: str) -> None:
        if "{cmd}" not in help:
            raise ValueError(f"help for {name!r} must name the command as {{cmd}}")
        self.commands[name] = Command(name, handler, summary=summary, usage=usage, help=help)

    def action(self, prefix: str, handler: ActionHandler) -> None:
        self.actions[prefix] = handler

    def form(self, form_id: str, handler: FormHandler) -> None:
        self.forms[form_id] = handler

    def reply(self, handler: ReplyHandler) -> None:
        self.reply_handlers.append(handler)

    def home(self, builder: HomeBuilder) -> None:
        self.home_builder = builder

    async def on_command(self, deps: Deps, actor: Actor, command: str, text: str) -> Response:
        found = self.commands.get(command.lstrip("/").lower())
        if found is None:
            names = ", ".join(f"/{c}" for c in sorted(self.commands))
            return _unknown(f"I don't know /{command.lstrip('/')}. Try {names}.")
        return await found.handler(deps, actor, clean(text).strip())

    async def on_action(self, deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
        handler = self.actions.get(action.split(".", 1)[0])
        if handler is None:
            return _unknown("That button no longer does anything. Try the command again.")
        return await handler(deps, actor, action, clean(value), origin)

    async def on_form(
        self, deps: Deps, actor: Actor, form_id: str, values: Mapping[str, str], state: str
    ) -> Response:
        handler = self.forms.get(form_id)
        if handler is None:
            return _unknown("That form has expired. Open it again.")
        cleaned = {clean(name): clean(value) for name, value in values.items()}
        return await handler(deps, actor, cleaned, clean(state))

    async def on_reply(self, deps: Deps, actor: Actor, text: str, origin: Origin) -> Response | None:
        """A plain message in a thread of one of our messages; the first handler that claims it answers."""
        text = clean(text)
        for handler in self.reply_handlers:
            response = await handler(deps, actor, text, origin)
            if response is not None:
                return response
        return None

    async def on_home(self, deps: Deps, actor: Actor) -> Message:
        if self.home_builder is None:
            return Message(fallback="nudgebot", parts=(Text("nudgebot"),))
        return await self.home_builder(deps, actor)


def help_text(router: Router, *, prefix: str = "") -> str:
    """What the bot can do, one line per command, in the order they were registered."""
    lines = [f"- {command.help_line(prefix)}" for command in router.commands.values()]
    return "\n".join(["I'm nudgebot. Type one of these:", *lines])
