"""`nudgebot jobs list` and `nudgebot jobs run NAME [--at TIME]`: how an administrator tests a schedule."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import assert_never
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from bot.cli.common import FLAG, console, fail, run_with_core, settings_or_exit
from bot.platforms import combined_messenger, configured_platforms
from bot.scheduling import engine_settings, job_context
from bot.wiring import Core
from handlers.markup import plain
from handlers.messages import Buttons, Context, Divider, Fields, Heading, Image, Message, Text
from handlers.messenger import MessageRef, Messenger, Recipient
from jobs.catalogue import CATALOGUE, UnknownJob, next_run, run_job
from jobs.context import JobReport
from jobs.preview import NotPreviewable, preview_job
from storage.clock import SystemClock

app = typer.Typer(
    rich_markup_mode=None, help="The bot's scheduled jobs: nudges, reminders, digests.", no_args_is_help=True
)


class ConsoleMessenger:
    """With no chat platform configured, `jobs run` shows each message here instead of sending it."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def _show(self, to: str, message: Message) -> MessageRef:
        console.rule(f"to {to}", style="dim")
        for part in message.parts:
            match part:
                case Heading():
                    console.print(part.text, style="bold", highlight=False, markup=False)
                case Text() | Context():
                    text = plain(part.markdown if isinstance(part, Text) else part.text)
                    console.print(text, highlight=False, markup=False)
                case Image():
                    console.print(f"[picture: {part.alt}]", highlight=False, markup=False)
                case Fields() | Divider() | Buttons():
                    pass  # a console has nothing to press, and a digest's lists are in its text
                case _:
                    assert_never(part)
        return MessageRef("console", to, str(next(self._ids)))

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        return self._show(recipient.name, message)

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        return self._show(f"#{channel}", message)

    async def update(self, ref: MessageRef, message: Message) -> None:
        self._show(ref.channel, message)


def _messenger(core: Core) -> Messenger:
    """The configured platforms' messenger, as `nudgebot run` builds it; else the console."""
    if core.deps.messenger is not None:
        return core.deps.messenger
    platforms = configured_platforms(core.settings)
    found = combined_messenger(platforms, core.deps, primary=core.settings.primary_platform)
    return found if found is not None else ConsoleMessenger()


@app.command("list")
def list_command() -> None:
    """Each job, what it does, and when it runs next."""
    settings = settings_or_exit()
    engine = engine_settings(settings)
    now = SystemClock().now()
    table = Table("job", "what it does", "next run")
    for name, spec in CATALOGUE.items():
        when = next_run(name, engine, now=now)
        shown = (
            when.astimezone(ZoneInfo(settings.timezone)).strftime("%a %d %b %Y %H:%M %Z") if when else "never"
        )
        table.add_row(name, spec.description, shown)
    console.print(table)


def _parse_at(raw: str | None, timezone: str) -> datetime:
    if not raw:
        return SystemClock().now()
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        fail(f"--at {raw!r} is not an ISO time such as 2024-10-07T09:30 or 2024-10-07T09:30+01:00")
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo(timezone))


@app.command("run")
def run_command(
    name: str = typer.Argument(..., help=f"The job: {', '.join(CATALOGUE)}.", metavar="NAME"),
    at: str = typer.Option(
        None,
        "--at",
        help="Run as of this moment (ISO; local time unless it has an offset).",
        metavar="ISO-TIME",
    ),
    record: bool = typer.Option(
        False,
        "--record",
        help="With no chat platform configured: record the run (mark messages sent) instead of a dry run.",
        metavar=FLAG,
    ),
) -> None:
    """Run one job now, as of --at, and print what it sent.

    With no chat platform configured the messages are printed here and nothing is recorded, so the
    real nudges are not used up; --record marks them sent as a real run would.
    """
    settings = settings_or_exit()
    if name not in CATALOGUE:
        fail(f"no job {name!r}; the jobs are: {', '.join(CATALOGUE)}")
    moment = _parse_at(at, settings.timezone)

    async def work(core: Core) -> JobReport:
        messenger = _messenger(core)
        ctx = job_context(core, messenger)
        if isinstance(messenger, ConsoleMessenger) and not record:
            try:
                return await preview_job(ctx, name, at=moment)
            except NotPreviewable:
                fail(f"{name} cannot be shown without recording it; pass --record to run it for real")
        return await run_job(ctx, name, at=moment)

    try:
        report = run_with_core(work)
    except UnknownJob:
        fail(f"no job {name!r}")
    for line in report.lines():
        console.print(line, highlight=False, soft_wrap=True, markup=False)
    if report.failed:
        raise typer.Exit(1)
