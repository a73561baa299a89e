"""`nudgebot slack manifest`: the Slack app manifest to paste when creating the app."""

from __future__ import annotations

import typer

from bot.slack.manifest import PLACEHOLDER_URL, manifest_yaml
from handlers.features import build_router

slack_app = typer.Typer(help="Slack: the app manifest.", no_args_is_help=True)


@slack_app.command("manifest")
def manifest_command(
    url: str = typer.Option(
        PLACEHOLDER_URL,
        "--url",
        help="The bot's public address (HTTP mode), e.g. https://nudgebot.example.org.",
    ),
) -> None:
    """Print the app manifest, slash commands included, with Slack's requests going to --url."""
    if not url.startswith("https://"):
        typer.echo("nudgebot: --url must be an https:// address (Slack sends requests only there)", err=True)
        raise typer.Exit(2)
    typer.echo(manifest_yaml(build_router().commands.values(), base_url=url), nl=False)
