"""`nudgebot plan import FILE` and `nudgebot plan show [KEY]`."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.tree import Tree

from bot.cli.common import (
    DRY_RUN_HELP,
    DRY_RUN_NOTE,
    FLAG,
    console,
    err_console,
    fail,
    run_with_core,
    transaction,
    user_errors,
)
from bot.wiring import Core
from jobs.periods import long_date
from storage.models import Action, Person, Status
from storage.plan_export import export_plan
from storage.plan_file import load_plan_file
from storage.plan_import import ImportReport, import_plan, unknown_owners
from storage.plan_queries import (
    action_in_full,
    current_plan,
    evidence_count,
    latest_evidence,
    people_by_email,
    plan_tree,
)
from storage.rollover import RolloverReport, rollover

app = typer.Typer(rich_markup_mode=None, help="Import and look at the action plan.", no_args_is_help=True)

# Past this many actions a progress bar is worth showing.
PROGRESS_THRESHOLD = 50


@app.command("validate")
def validate_command(
    file: Path = typer.Argument(
        ..., help="The plan file (YAML), e.g. plans/race-equality-2024-25.yaml.", metavar="FILE"
    ),
) -> None:
    """Check a plan file without a database: every problem with its line, or a summary of the plan."""
    with user_errors():
        spec = load_plan_file(file)
    console.print(
        f"{file} is a valid plan: {spec.name} ({long_date(spec.starts)} to {long_date(spec.ends)}), "
        f"{len(spec.objectives)} objectives, {len(spec.actions)} actions.",
        highlight=False,
    )


@app.command("import")
def import_command(
    file: Path = typer.Argument(
        ..., help="The plan file (YAML), e.g. plans/race-equality-2024-25.yaml.", metavar="FILE"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP, metavar=FLAG),
) -> None:
    """Validate the whole plan file, then import it in one transaction; removed actions are archived."""
    with user_errors():
        spec = load_plan_file(file)

    async def work(core: Core) -> ImportReport:
        async with transaction(core, dry_run=dry_run) as session:
            total = len(spec.actions)
            with Progress(
                TextColumn("importing actions"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err_console,
                disable=total < PROGRESS_THRESHOLD,
                transient=True,
            ) as bar:
                task = bar.add_task("import", total=total)
                return await import_plan(
                    session,
                    spec,
                    now=core.deps.clock.now(),
                    progress=lambda done, _total: bar.update(task, completed=done),
                )

    report = run_with_core(work)
    _print_report(report)
    if dry_run:
        console.print(DRY_RUN_NOTE)


@app.command("rollover")
def rollover_command(
    source: str = typer.Argument(..., help="The key of the plan to roll over from.", metavar="FROM"),
    file: Path = typer.Argument(..., help="Next year's plan file (YAML).", metavar="TO-FILE"),
    carry: str = typer.Option(
        None,
        "--carry",
        help="Comma-separated keys to carry (default: every unfinished action both plans have).",
        metavar="KEYS",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP, metavar=FLAG),
) -> None:
    """Import next year's plan and carry actions from FROM with their history; SMART objectives become
    drafts to agree again."""
    with user_errors():
        spec = load_plan_file(file)
    keys = {k.strip().upper() for k in carry.split(",") if k.strip()} if carry else None

    async def work(core: Core) -> RolloverReport:
        async with transaction(core, dry_run=dry_run) as session:
            return await rollover(
                session,
                source_key=source,
                spec=spec,
                carry=keys,
                now=core.deps.clock.now(),
                filename=str(file),
            )

    report = run_with_core(work)
    _print_report(report.imported)
    would = "would carry" if dry_run else "carried"
    carried = ", ".join(report.carried) or "nothing"
    console.print(f"Rollover from {source}: {would} {len(report.carried)}: {carried}", highlight=False)
    console.print(f"  SMART objectives copied as drafts to agree again: {report.objectives}")
    if dry_run:
        console.print(DRY_RUN_NOTE)


@app.command("export")
def export_command(
    out: Path = typer.Option(None, "--out", help="The file to write; default: print it.", metavar="FILE"),
    plan: str = typer.Option(
        None, "--plan", help="The plan's key; defaults to the current plan.", metavar="PLAN"
    ),
) -> None:
    """Write the plan as it stands (with changes made in chat, such as new owners) as a plan file."""

    async def work(core: Core) -> str:
        async with core.deps.sessions() as session:
            current = await current_plan(session, plan, today=core.deps.clock.now().date())
            if current is None:
                fail("no plan imported yet; run `nudgebot plan import FILE` first")
            return await export_plan(session, current)

    text = run_with_core(work)
    if out is None:
        console.print(text, highlight=False, markup=False, end="")
        return
    # Write beside the target, then rename: an interrupted export never leaves half a file.
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(f"cannot write {out}: {exc.strerror}")
    console.print(f"Wrote the plan to {out}.")


def _print_report(report: ImportReport) -> None:
    if not report.changed:
        console.print(
            f"Plan {report.plan_key}: no changes ({report.objectives} objectives, "
            f"{report.actions} actions already up to date)."
        )
    else:
        console.print(f"Plan {report.plan_key}: {report.objectives} objectives, {report.actions} actions.")
        for label, items in (
            ("created", report.created),
            ("updated", report.updated),
            ("archived", report.archived),
            ("restored", report.restored),
        ):
            if items:
                console.print(f"  {label} {len(items)}: {', '.join(items)}", highlight=False)
    _print_unknown(report.unknown_owners)
    if report.derived_keys:
        # A derived key follows the measure's place: reordering would then match the wrong measure.
        shown = ", ".join(report.derived_keys[:8]) + (" …" if len(report.derived_keys) > 8 else "")
        console.print(
            f"{len(report.derived_keys)} measure(s) have no key in the file, so their keys were derived "
            f"from their place ({shown}). Write them into the file before reordering measures.",
            highlight=False,
        )


def _print_unknown(unknown: dict[str, list[str]]) -> None:
    if unknown:
        console.print(
            f"[yellow]{len(unknown)} owner(s) are not in the people list[/] "
            "(import them with `nudgebot people import`):"
        )
        for email, keys in unknown.items():
            console.print(f"  {email}: {', '.join(keys)}", highlight=False)


def status_text(status: str) -> str:
    """A status in words with its colour (never colour alone)."""
    value = Status(status)
    return f"[{value.colour}]● {value.label}[/]"


@app.command("show")
def show_command(
    key: str = typer.Argument(
        None, help="An action key such as INF-1 to show that action in full.", metavar="KEY"
    ),
    plan: str = typer.Option(
        None, "--plan", help="The plan's key; defaults to the current plan.", metavar="PLAN"
    ),
) -> None:
    """Show the plan as a tree (objective → action → status, owners), or one action in full."""

    async def work(core: Core) -> None:
        async with core.deps.sessions() as session:
            current = await current_plan(session, plan, today=core.deps.clock.now().date())
            if current is None:
                fail("no plan imported yet; run `nudgebot plan import plans/race-equality-2024-25.yaml`")
            if key:
                action = await action_in_full(session, current.id, key)
                if action is None:
                    fail(f"no action {key!r} in plan {current.key}")
                people = await people_by_email(session, {o.email for o in action.owners})
                latest = await latest_evidence(session, action.id)
                count = await evidence_count(session, action.id)
                _show_action(action, people, count, latest.narrative if latest else None)
                return
            objectives = await plan_tree(session, current.id)
            people = await people_by_email(
                session, {o.email for ob in objectives for a in ob.actions for o in a.owners}
            )
            tree = Tree(f"[bold]{current.name}[/] ({current.starts:%d %B %Y} – {current.ends:%d %B %Y})")
            for objective in objectives:
                branch = tree.add(
                    f"[bold]{objective.key} {objective.name}[/] — {len(objective.actions)} actions"
                )
                for action in objective.actions:
                    stretch = " [dim](stretch)[/]" if action.stretch else ""
                    branch.add(
                        f"[bold]{action.key}[/] {_short(action.title)}{stretch}\n"
                        f"{status_text(action.status)}  ·  {_owners(action, people)}"
                    )
            console.print(tree, highlight=False)
            _print_unknown(await unknown_owners(session, current.id))

    run_with_core(work)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _owners(action: Action, people: dict[str, Person]) -> str:
    if not action.owners:
        return "[yellow]no owner[/]"
    return ", ".join(
        people[o.email].name if o.email in people else f"{o.email} [yellow](not in people list)[/]"
        for o in action.owners
    )


def _show_action(action: Action, people: dict[str, Person], evidence: int, latest: str | None) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("Action", f"{action.key} {action.title}")
    table.add_row("Objective", f"{action.objective.key} {action.objective.name}")
    table.add_row("Status", status_text(action.status))
    table.add_row("Team", action.team or "—")
    table.add_row("Owners", _owners(action, people))
    table.add_row(
        "Asked",
        action.cadence
        + (" · stretch" if action.stretch else "")
        + (" · [yellow]archived[/]" if action.archived_at else ""),
    )
    table.add_row("Evidence", f"{evidence} piece(s)" + (f"; latest: {_short(latest, 200)}" if latest else ""))
    console.print(table, highlight=False)
    for title, items in (
        ("Steps", [s.text for s in action.steps]),
        ("Outcomes", [o.text for o in action.outcomes]),
    ):
        if items:
            console.print(f"\n[bold]{title}[/]")
            for item in items:
                console.print(f"  • {item}", highlight=False)
    measures = [m for m in action.measures if m.archived_at is None]
    if measures:
        console.print("\n[bold]Success measures[/]")
        for m in measures:
            extra = (
                [m.kind] + ([f"target: {m.target}"] if m.target else []) + ([m.cadence] if m.cadence else [])
            )
            extra += ["stretch"] if m.stretch else []
            console.print(f"  • {m.key} {m.text} [dim]({', '.join(extra)})[/]", highlight=False)
