"""`nudgebot teams package`: the app package a Teams administrator uploads."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import console, fail, settings_or_exit
from bot.teams.package import PackageError, write_package
from handlers.features import build_router

teams_app = typer.Typer(rich_markup_mode=None, help="Microsoft Teams: the app package.", no_args_is_help=True)


@teams_app.command("package")
def package_command(
    out: Path = typer.Option(Path("nudgebot-teams.zip"), "--out", help="Where to write the zip."),
    version: str = typer.Option("1.0.0", "--version", help="The app version Teams shows (x.y.z)."),
    website: str = typer.Option(
        "https://github.com/nudgebot/nudgebot", "--website", help="Your organisation's page about nudgebot."
    ),
) -> None:
    """Write manifest.json and both icons into a zip for Teams admin centre (needs TEAMS_APP_ID)."""
    settings = settings_or_exit()
    try:
        commands = build_router().commands.values()
        written = write_package(settings, out, version=version, website=website, commands=commands)
    except PackageError as exc:
        fail(str(exc), 2)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}", 1)
    console.print(f"Teams app package written to {written}. Upload it in Teams admin centre → Manage apps.")
