"""`nudgebot people import FILE.csv` and the SMART objectives commands."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from bot.cli.common import DRY_RUN_HELP, DRY_RUN_NOTE, FLAG, console, fail, run_with_core, transaction
from bot.wiring import Core
from storage.objectives import ObjectivesReport, coverage, import_objectives, load_objectives_file
from storage.people_file import load_people_file
from storage.people_import import PeopleReport, import_people, known_roles, known_teams
from storage.plan_queries import current_plan

people_app = typer.Typer(rich_markup_mode=None, help="Import the staff list.", no_args_is_help=True)
objectives_app = typer.Typer(rich_markup_mode=None, help="SMART objectives.", no_args_is_help=True)

# Deactivating more than this share of the active people needs a second yes (`--yes`, or at the prompt).
CONFIRM_ABOVE = 0.10


@people_app.command("import")
def import_people_command(
    file: Path = typer.Argument(..., help="The people CSV (see the README for its columns).", metavar="FILE"),
    deactivate_missing: bool = typer.Option(
        False,
        "--deactivate-missing",
        help="Deactivate active people the file leaves out (never deleted; kept for their evidence).",
        metavar=FLAG,
    ),
    yes: bool = typer.Option(
        False, "--yes", help="Do not ask before deactivating more than 10% of people.", metavar=FLAG
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP, metavar=FLAG),
) -> None:
    """Validate the people CSV, then import it in one transaction, keyed by email.

    People left out of the file stay active unless --deactivate-missing is given.
    """

    async def work(core: Core) -> PeopleReport:
        async with transaction(core, dry_run=dry_run) as session:
            people = load_people_file(
                file,
                known_roles=await known_roles(session),
                default_timezone=core.settings.timezone,
                known_teams=await known_teams(session),
            )
            report = await import_people(
                session, people, now=core.deps.clock.now(), deactivate_missing=deactivate_missing
            )
            if report.deactivated and not dry_run and not yes and report.missing_share > CONFIRM_ABOVE:
                _confirm_deactivation(report)
            return report

    report = run_with_core(work)
    _print_people_report(report, deactivating=deactivate_missing, dry_run=dry_run)


def _confirm_deactivation(report: PeopleReport) -> None:
    """Ask at a terminal; refuse in a script. Raising here rolls the whole import back."""
    share = f"{len(report.deactivated)} of {report.active_before} active people ({report.missing_share:.0%})"
    if not sys.stdin.isatty():
        fail(f"this would deactivate {share}; run again with --yes to confirm. Nothing was changed.")
    if not typer.confirm(f"Deactivate {share}?", default=False):
        fail("nothing was changed")


def _print_people_report(report: PeopleReport, *, deactivating: bool, dry_run: bool) -> None:
    would = "would be " if dry_run else ""
    if not report.changed and not report.missing:
        console.print(f"People: no changes ({report.total} people already up to date).")
    else:
        console.print(f"People: {report.total} in the file.")
        for label, items in (
            (f"{would}created", report.created),
            (f"{would}updated", report.updated),
            (f"{would}deactivated (no longer in the file)", report.deactivated),
        ):
            if items:
                console.print(f"  {label} {len(items)}: {', '.join(items)}", highlight=False)
        if report.missing and not deactivating:
            console.print(
                f"  not in the file, left active {len(report.missing)}: {', '.join(report.missing)} "
                "(use --deactivate-missing to deactivate them)",
                highlight=False,
            )
    if dry_run:
        console.print(DRY_RUN_NOTE)


@objectives_app.command("import")
def import_objectives_command(
    file: Path = typer.Argument(
        ..., help="The SMART objectives CSV (see the README for its columns).", metavar="FILE"
    ),
    plan: str = typer.Option(
        None, "--plan", help="The plan's key; defaults to the current plan.", metavar="KEY"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP, metavar=FLAG),
) -> None:
    """Validate the objectives CSV against the people and the plan, then import it in one transaction."""
    specs = None

    async def work(core: Core) -> ObjectivesReport:
        nonlocal specs
        specs = load_objectives_file(file)
        async with transaction(core, dry_run=dry_run) as session:
            current = await current_plan(session, plan, today=core.deps.clock.now().date())
            if current is None:
                fail("import a plan first: `nudgebot plan import FILE`")
            return await import_objectives(
                session, specs, plan=current, filename=str(file), now=core.deps.clock.now()
            )

    report = run_with_core(work)
    would = "would be " if dry_run else ""
    if not report.changed:
        console.print("SMART objectives: no changes.")
    for label, items in ((f"{would}created", report.created), (f"{would}updated", report.updated)):
        if items:
            console.print(f"SMART objectives {label} {len(items)}: {', '.join(items)}", highlight=False)
    if dry_run:
        console.print(DRY_RUN_NOTE)


@objectives_app.command("coverage")
def coverage_command(
    by: str = typer.Option("role", "--by", help="Group by 'role' or 'team'.", metavar="role|team"),
    plan: str = typer.Option(
        None, "--plan", help="The plan's key; defaults to the current plan.", metavar="KEY"
    ),
) -> None:
    """How many eligible people (active, not on probation) have an agreed SMART objective, by role or team."""
    if by not in {"role", "team"}:
        fail("--by takes 'role' or 'team'", 2)

    async def work(core: Core) -> None:
        async with core.deps.sessions() as session:
            current = await current_plan(session, plan, today=core.deps.clock.now().date())
            if current is None:
                fail("import a plan first: `nudgebot plan import FILE`")
            rows = await coverage(session, plan_id=current.id, by=by)
        table = Table(title=f"Agreed SMART objectives by {by} (probation excluded)")
        table.add_column(by.capitalize())
        table.add_column("Agreed / eligible", justify="right")
        table.add_column("Coverage", justify="right")
        table.add_column("Without an agreed objective")
        for row in rows:
            table.add_row(
                row.group,
                f"{row.agreed} / {row.eligible}",
                f"{row.percent:.0f}%",
                ", ".join(row.missing) or "—",
            )
        console.print(table)

    run_with_core(work)
