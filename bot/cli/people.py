"""`nudgebot people import FILE.csv` and the SMART objectives commands."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from bot.cli.common import console, fail, run_with_core
from bot.wiring import Core
from storage.objectives import ObjectivesReport, coverage, import_objectives, load_objectives_file
from storage.people_file import load_people_file
from storage.people_import import PeopleReport, import_people, known_roles
from storage.plan_queries import current_plan

people_app = typer.Typer(help="Import the staff list.", no_args_is_help=True)
objectives_app = typer.Typer(help="SMART objectives on race equality.", no_args_is_help=True)


@people_app.command("import")
def import_people_command(
    file: Path = typer.Argument(..., help="The people CSV (see the README for its columns)."),
) -> None:
    """Validate the people CSV, then import it in one transaction, keyed by email."""

    async def work(core: Core) -> PeopleReport:
        async with core.deps.sessions() as session, session.begin():
            people = load_people_file(
                file, known_roles=await known_roles(session), default_timezone=core.settings.timezone
            )
            return await import_people(session, people, now=core.deps.clock.now())

    report = run_with_core(work)
    if not report.changed:
        console.print(f"People: no changes ({report.total} people already up to date).")
        return
    console.print(f"People: {report.total} in the file.")
    for label, items in (
        ("created", report.created),
        ("updated", report.updated),
        ("deactivated (no longer in the file)", report.deactivated),
    ):
        if items:
            console.print(f"  {label} {len(items)}: {', '.join(items)}", highlight=False)


@objectives_app.command("import")
def import_objectives_command(
    file: Path = typer.Argument(..., help="The SMART objectives CSV (see the README for its columns)."),
    plan: str = typer.Option(None, "--plan", help="The plan's key; defaults to the most recent plan."),
) -> None:
    """Validate the objectives CSV against the people and the plan, then import it in one transaction."""
    specs = None

    async def work(core: Core) -> ObjectivesReport:
        nonlocal specs
        specs = load_objectives_file(file)
        async with core.deps.sessions() as session, session.begin():
            current = await current_plan(session, plan)
            if current is None:
                fail("import a plan first: `nudgebot plan import FILE`")
            return await import_objectives(
                session, specs, plan=current, filename=str(file), now=core.deps.clock.now()
            )

    report = run_with_core(work)
    if not report.changed:
        console.print("SMART objectives: no changes.")
        return
    for label, items in (("created", report.created), ("updated", report.updated)):
        if items:
            console.print(f"SMART objectives {label} {len(items)}: {', '.join(items)}", highlight=False)


@objectives_app.command("coverage")
def coverage_command(
    by: str = typer.Option("role", "--by", help="Group by 'role' or 'team'."),
    plan: str = typer.Option(None, "--plan", help="The plan's key; defaults to the most recent plan."),
) -> None:
    """How many eligible people (active, not on probation) have an agreed SMART objective, by role or team."""
    if by not in {"role", "team"}:
        fail("--by takes 'role' or 'team'", 2)

    async def work(core: Core) -> None:
        async with core.deps.sessions() as session:
            current = await current_plan(session, plan)
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
