"""The `nudgebot` command line (also `python -m bot`)."""

from __future__ import annotations

import typer

from bot.cli.backup import backup_command, restore_command
from bot.cli.database import db_app
from bot.cli.jobs import app as jobs_app
from bot.cli.people import objectives_app, people_app
from bot.cli.plan import app as plan_app
from bot.cli.results import results_app
from bot.cli.review_pack import review_pack_command
from bot.cli.run import run_command
from bot.cli.slack import slack_app
from bot.cli.teams import teams_app

app = typer.Typer(
    name="nudgebot",
    help="nudgebot keeps an organisation's action plan moving: nudges, evidence, digests, look-ups.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("run")(run_command)
app.add_typer(db_app, name="db")
app.add_typer(plan_app, name="plan")
app.add_typer(people_app, name="people")
app.add_typer(objectives_app, name="objectives")
app.add_typer(jobs_app, name="jobs")
app.command("review-pack")(review_pack_command)
app.add_typer(results_app, name="results")
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.add_typer(slack_app, name="slack")
app.add_typer(teams_app, name="teams")


def main() -> None:
    app()
