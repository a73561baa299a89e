"""`nudgebot results import FILE.csv`: annual survey results (aggregates) for triangulation."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import console, fail, run_with_core
from bot.wiring import Core
from storage.triangulation import (
    DEFAULT_MINIMUM,
    LOWEST_MINIMUM,
    ResultsReport,
    import_results,
    load_results_file,
)

results_app = typer.Typer(
    help="Survey results (aggregates) the review triangulates against.", no_args_is_help=True
)


@results_app.command("import")
def import_results_command(
    file: Path = typer.Argument(
        ...,
        help="CSV with columns survey, year, question, group, value, base_n (and optional action, measure).",
    ),
    minimum: int = typer.Option(
        DEFAULT_MINIMUM, "--minimum", help=f"Smallest base a group may have (never below {LOWEST_MINIMUM})."
    ),
) -> None:
    """Check the whole file (a group under the reporting minimum refuses it), then import it at once."""
    if minimum < LOWEST_MINIMUM:
        fail(f"--minimum may not be below {LOWEST_MINIMUM}: smaller groups could identify people")

    async def work(core: Core) -> ResultsReport:
        specs = load_results_file(file, minimum=minimum)
        async with core.deps.sessions() as session, session.begin():
            return await import_results(session, specs, now=core.deps.clock.now(), filename=str(file))

    report = run_with_core(work)
    console.print(f"Results: {report.created} new figure(s), {report.updated} updated, from {file.name}.")
