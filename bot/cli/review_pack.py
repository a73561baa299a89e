"""`nudgebot review-pack`: the board paper or the SMT pack for one review, or the SMT pack over any period.

nudgebot review-pack --for board --out board.pdf            # the current or last review
nudgebot review-pack --for smt --review 2024-09-30 --out smt.docx
nudgebot review-pack --from 2024-04-01 --to 2024-09-30 --format csv --out pack.csv
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from bot.cli.common import console, fail, run_with_core
from bot.paper_render import PAPER_FORMATS, paper_files, write_files
from bot.review_pack_render import FORMATS, render
from bot.wiring import Core
from jobs.board_paper import Audience, build_paper
from jobs.review_pack import build_review_pack

AUDIENCES = ("board", "smt")


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date such as 2024-09-30")


def review_pack_command(
    audience: str = typer.Option(
        "smt",
        "--for",
        help="board: the paper for the board sub-committee, naming nobody; smt: names allowed.",
    ),
    review: str = typer.Option(
        None, "--review", help="The review's date, e.g. 2024-09-30 (default: the latest)."
    ),
    start: str = typer.Option(
        None, "--from", help="SMT pack over any period: its first day, e.g. 2024-04-01."
    ),
    end: str = typer.Option(None, "--to", help="SMT pack over any period: its last day, e.g. 2024-09-30."),
    fmt: str = typer.Option(
        None, "--format", help="html, md, pdf or docx (csv for a period); default: from --out's suffix."
    ),
    out: Path = typer.Option(..., "--out", help="The file to write; charts go beside HTML and Markdown."),
    plan: str = typer.Option(None, "--plan", help="The plan's key (default: the current plan)."),
) -> None:
    """Write the review paper for the board or the SMT (HTML, Markdown, PDF, Word), or a period's pack."""
    if audience not in AUDIENCES:
        fail("--for must be board or smt")
    fmt = fmt or out.suffix.lstrip(".").lower() or "html"
    if not out.parent.is_dir():
        fail(f"cannot write {out}: the folder {out.parent} does not exist")
    if start or end:
        _period_pack(start, end, fmt, out, plan, audience)
        return
    if fmt not in PAPER_FORMATS:
        fail(f"--format must be one of {', '.join(PAPER_FORMATS)}")
    held_on = _day(review, "--review") if review else None
    who: Audience = "board" if audience == "board" else "smt"

    async def work(core: Core) -> dict[str, bytes] | None:
        async with core.deps.sessions() as session:
            paper = await build_paper(
                session, now=core.deps.clock.now(), audience=who, held_on=held_on, plan_key=plan
            )
        return None if paper is None else paper_files(paper, fmt, stem=out.stem)

    with console.status("Writing the paper…"):
        files = run_with_core(work)
    if files is None:
        fail("no such review: import a plan first, and give --review as one of its review dates")
    try:
        written = write_files(files, out.parent)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}")
    console.print(f"Wrote the {audience} paper ({fmt}) to {written[0]}.")
    for extra in written[1:]:
        console.print(f"  with {extra.name}")


def _period_pack(
    start: str | None, end: str | None, fmt: str, out: Path, plan: str | None, audience: str
) -> None:
    if audience == "board":
        fail("the board paper covers one review: give --review DATE instead of --from/--to")
    if not (start and end):
        fail("give both --from and --to")
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)} for a period")
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        fail("--to is before --from")

    async def work(core: Core) -> dict[str, bytes] | None:
        async with core.deps.sessions() as session:
            pack = await build_review_pack(
                session, start=first, end=last, now=core.deps.clock.now(), plan_key=plan
            )
        return None if pack is None else render(pack, fmt, stem=out.stem)

    files = run_with_core(work)
    if files is None:
        fail("no plan imported yet: run `nudgebot plan import FILE` first")
    try:
        written = write_files(
            {out.name if i == 0 else k: v for i, (k, v) in enumerate(files.items())}, out.parent
        )
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}")
    console.print(f"Wrote the review pack ({fmt}) to {written[0]}.")
