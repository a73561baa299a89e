"""`nudgebot measures import FILE.csv` and `nudgebot measures show [KEY]`: figures against their targets."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from bot.cli.common import console, err_console, fail, run_with_core
from bot.wiring import Core
from jobs.periods import long_date
from storage.measure_import import FiguresReport, import_figures, read_figures_file
from storage.measure_status import number, target_words
from storage.measures import MeasureReport, assess_measures, live_measures, terms_of
from storage.models import Status
from storage.plan_queries import current_plan

app = typer.Typer(help="Success measures: their figures against their targets.", no_args_is_help=True)


@app.command("import")
def import_command(
    file: Path = typer.Argument(
        ..., help="A CSV with columns measure, period, value and optionally note, source (see the README)."
    ),
    plan: str = typer.Option(None, "--plan", help="The plan's key; defaults to the most recent plan."),
) -> None:
    """Validate every row, then import the figures in one transaction; importing again changes nothing."""

    async def work(core: Core) -> FiguresReport:
        async with core.deps.sessions() as session, session.begin():
            current = await current_plan(session, plan, today=core.deps.clock.now().date())
            if current is None:
                fail("import a plan first: `nudgebot plan import FILE`")
            rows = await read_figures_file(session, file, current)
            with Progress(
                TextColumn("importing figures"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err_console,
                transient=True,
            ) as bar:
                task = bar.add_task("import", total=len(rows))
                return await import_figures(
                    session,
                    rows,
                    current,
                    actor="cli",
                    now=core.deps.clock.now(),
                    timezone=core.settings.timezone,
                    progress=lambda done, _total: bar.update(task, completed=done),
                )

    report = run_with_core(work)
    if not report.changed:
        console.print(f"Figures: no changes ({report.rows} row(s) already up to date).")
        return
    console.print(
        f"Figures: {len(report.changed)} recorded, {report.unchanged} already up to date: "
        + ", ".join(report.changed[:10])
        + (" …" if len(report.changed) > 10 else ""),
        highlight=False,
    )


@app.command("show")
def show_command(
    key: str = typer.Argument(None, help="A measure key such as INF-2.1 to list its figures one by one."),
    plan: str = typer.Option(None, "--plan", help="The plan's key; defaults to the most recent plan."),
) -> None:
    """The table of every measure's latest figure against its target, or one measure's figures."""

    async def work(core: Core) -> list[MeasureReport]:
        async with core.deps.sessions() as session:
            current = await current_plan(session, plan, today=core.deps.clock.now().date())
            if current is None:
                fail("import a plan first: `nudgebot plan import FILE`")
            pairs = await live_measures(session, current.id)
            if key:
                pairs = [(m, a) for m, a in pairs if m.key == key.strip().upper()]
                if not pairs:
                    fail(f"there is no measure {key} in {current.key}: `nudgebot measures show` lists them")
            today = core.deps.clock.now().date()
            return await assess_measures(session, current, pairs, today=today)

    reports = run_with_core(work)
    if key:
        _show_one(reports[0])
        return
    table = Table(title="Success measures against their targets", title_justify="left")
    for column in ("Key", "Measure", "Kind", "Target", "Where it stands", "Trend"):
        table.add_column(column, overflow="fold")
    for report in reports:
        m = report.measure
        table.add_row(
            m.key,
            m.text if len(m.text) <= 60 else m.text[:59] + "…",
            m.kind,
            target_words(terms_of(m)) or (m.target or "—"),
            _status(report.assessment.status) + " " + report.assessment.summary,
            report.assessment.trend,
        )
    console.print(table, highlight=False)


def _show_one(report: MeasureReport) -> None:
    m = report.measure
    console.print(f"[bold]{m.key}[/] {m.text}", highlight=False)
    console.print(f"{_status(report.assessment.status)} {report.assessment.summary}", highlight=False)
    if not report.figures:
        console.print("No figures yet.")
        return
    table = Table(show_header=True)
    for column in ("Period", "As of", "Figure"):
        table.add_column(column)
    pct = m.unit in ("%", "percent") or m.kind == "percentage"
    for figure in report.figures:
        table.add_row(figure.period, long_date(figure.as_of), number(figure.value, m.unit, percentage=pct))
    console.print(table, highlight=False)


def _status(status: Status) -> str:
    return f"[{status.colour}]● {status.label}[/]"
