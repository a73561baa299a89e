"""`nudgebot review-pack --from DATE --to DATE --format html|md|csv --out FILE`."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import typer

from bot.cli.common import console, fail, run_with_core
from bot.review_pack_render import FORMATS, render
from bot.wiring import Core
from jobs.review_pack import build_review_pack


def review_pack_command(
    start: str = typer.Option(..., "--from", help="First day of the period, e.g. 2024-04-01."),
    end: str = typer.Option(..., "--to", help="Last day of the period, e.g. 2024-09-30."),
    fmt: str = typer.Option("html", "--format", help="html (one self-contained file), md or csv."),
    out: Path = typer.Option(..., "--out", help="The file to write."),
    plan: str = typer.Option(None, "--plan", help="The plan's key (default: the current plan)."),
) -> None:
    """Export the six-monthly review pack: status over the period, every piece of evidence, the charts."""
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        fail("--from and --to must be dates such as 2024-04-01")
    if last < first:
        fail("--to is before --from")

    async def work(core: Core) -> str | None:
        async with core.deps.sessions() as session:
            pack = await build_review_pack(
                session, start=first, end=last, now=core.deps.clock.now(), plan_key=plan
            )
        return None if pack is None else render(pack, fmt)

    text = run_with_core(work)
    if text is None:
        fail("no plan imported yet: run `nudgebot plan import FILE` first")
    # Write beside the target, then rename: an interrupted export never leaves half a file.
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(f"cannot write {out}: {exc.strerror}")
    console.print(f"Wrote the review pack ({fmt}, {len(text):,} characters) to {out}.")
