"""`nudgebot run`: migrate and serve Slack, Teams or the local sandbox, with the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import errno

import typer

from bot.cli.common import fail, settings_or_exit, user_errors
from bot.runner import serve


def run_command(
    sandbox: bool = typer.Option(
        False, "--sandbox", help="Serve the local sandbox even when Slack or Teams is set."
    ),
    host: str = typer.Option(None, "--host", help="Listen address (default HOST, 127.0.0.1)."),
    port: int = typer.Option(None, "--port", help="Listen port (default PORT, 3000)."),
) -> None:
    """Start the bot: migrate the database, then serve until interrupted."""
    settings = settings_or_exit()
    if host:
        settings = settings.model_copy(update={"host": host})
    if port is not None:
        settings = settings.model_copy(update={"port": port})
    with user_errors(), contextlib.suppress(KeyboardInterrupt):
        try:
            asyncio.run(serve(settings, force_sandbox=sandbox))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            fail(
                f"{settings.host}:{settings.port} is already in use; stop the program using it, "
                "or choose another port with PORT or --port",
                1,
            )
