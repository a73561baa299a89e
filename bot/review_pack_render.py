"""The SMT's review pack over any period: one self-contained HTML file, Markdown (charts beside), or CSV."""

from __future__ import annotations

import base64
import csv
import io
from html import escape

from jobs.periods import long_date
from jobs.review_pack import ReviewPack
from storage.models import Status
from storage.objectives import CoverageRow

FORMATS = ("html", "md", "csv")
_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.7rem; } h2 { border-bottom: 2px solid #ddd; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { margin-bottom: .3rem; } table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top;
         font-size: .92rem; }
th { background: #f3f3f3; } .status { font-weight: 600; white-space: nowrap; }
.status::before { content: ""; display: inline-block; width: .7em; height: .7em; border-radius: 50%;
                  margin-right: .35em; background: var(--c); }
figure { margin: 1rem 0; } figure img { max-width: 100%; } .meta { color: #555; font-size: .9rem; }
section.action { break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } h2 { break-before: page; } a { color: inherit; } }
"""


def _status(value: str | None) -> Status:
    try:
        return Status(value or Status.NOT_STARTED.value)
    except ValueError:
        return Status.NOT_STARTED


def _coverage_rows(rows: list[CoverageRow]) -> list[tuple[str, str, str]]:
    return [
        (r.group, f"{r.agreed} / {r.eligible} ({r.percent:.0f}%)", ", ".join(r.missing) or "—") for r in rows
    ]


def render_html(pack: ReviewPack) -> str:
    def status(value: str | None) -> str:
        s = _status(value)
        return f'<span class="status" style="--c:{s.colour}">{escape(s.label)}</span>'

    out = [
        "<!doctype html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{escape(pack.plan_name)}: review {pack.start} to {pack.end}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(pack.plan_name)}: six-monthly review pack</h1>",
        f'<p class="meta">{long_date(pack.start)} to {long_date(pack.end)} · {pack.evidence_count} pieces of '
        f"evidence · generated {pack.generated_at:%Y-%m-%d %H:%M} UTC</p>",
        "<h2>Summary</h2>",
    ]
    for chart in pack.charts:
        data = base64.b64encode(chart.data).decode()
        out.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="{escape(chart.alt)}">'
            f"<figcaption>{escape(chart.title)}</figcaption></figure>"
        )
    out.append("<h3>SMART objectives (agreed / eligible, probation excluded)</h3>")
    out.append("<table><tr><th>Role or team</th><th>Agreed</th><th>Without one</th></tr>")
    for group, agreed, missing in _coverage_rows(pack.coverage_by_role + pack.coverage_by_team):
        out.append(f"<tr><td>{escape(group)}</td><td>{agreed}</td><td>{escape(missing)}</td></tr>")
    out.append("</table>")
    for objective in pack.objectives:
        out.append(
            f"<h2>{escape(objective.key)} · {escape(objective.name)}</h2><p>{escape(objective.summary)}</p>"
        )
        for a in objective.actions:
            out.append(f'<section class="action"><h3>{escape(a.key)} {escape(a.title)}</h3>')
            out.append(
                f'<p class="meta">Owners: {escape(", ".join(a.owners)) or "none"} · team {escape(a.team)} · '
                f"asked {escape(a.cadence)}{' · stretch' if a.stretch else ''}</p>"
            )
            out.append(f"<p>Status: {status(a.status_start)} → {status(a.status_end)}</p>")
            if a.measures:
                out.append("<table><tr><th>Measure</th><th>Kind</th><th>Target</th><th>Status</th></tr>")
                for m in a.measures:
                    out.append(
                        f"<tr><td>{escape(m.text)}</td><td>{escape(m.kind)}</td>"
                        f"<td>{escape(m.target) or '—'}</td>"
                        f"<td>{status(m.status)}</td></tr>"
                    )
                out.append("</table>")
            if a.evidence:
                out.append("<table><tr><th>Date</th><th>Author</th><th>Status</th><th>Update</th></tr>")
                for e in a.evidence:
                    links = " ".join(f'<a href="{escape(u)}">{escape(u)}</a>' for u in e.links)
                    out.append(
                        f"<tr><td>{e.at:%Y-%m-%d}</td><td>{escape(e.author)}</td>"
                        f"<td>{status(e.status) if e.status else '—'}</td>"
                        f"<td>{escape(e.narrative)}{'<br>' + links if links else ''}</td></tr>"
                    )
                out.append("</table>")
            else:
                out.append("<p><em>No evidence in this period.</em></p>")
            out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out)


def chart_names(pack: ReviewPack, stem: str) -> list[str]:
    return [f"{stem}-chart-{n + 1}.png" for n in range(len(pack.charts))]


def render_markdown(pack: ReviewPack, *, stem: str = "pack") -> str:
    """Markdown whose charts are PNG files beside it (`chart_names`), never base64 inside it."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = [
        f"# {pack.plan_name}: six-monthly review pack",
        "",
        f"{long_date(pack.start)} to {long_date(pack.end)} · {pack.evidence_count} pieces of evidence",
        "",
    ]
    for chart, name in zip(pack.charts, chart_names(pack, stem), strict=True):
        out += [f"![{chart.alt}]({name})", ""]
    out += [
        "## SMART objectives (agreed / eligible, probation excluded)",
        "",
        "| Role or team | Agreed | Without one |",
    ]
    out.append("|---|---|---|")
    out += [
        f"| {cell(g)} | {a} | {cell(m)} |"
        for g, a, m in _coverage_rows(pack.coverage_by_role + pack.coverage_by_team)
    ]
    for objective in pack.objectives:
        out += ["", f"## {objective.key} · {objective.name}", "", objective.summary]
        for a in objective.actions:
            out += [
                "",
                f"### {a.key} {a.title}",
                "",
                f"Owners: {', '.join(a.owners) or 'none'} · team {a.team} · asked {a.cadence}",
                "",
                f"**Status:** {_status(a.status_start).label} → {_status(a.status_end).label}",
                "",
            ]
            out += [
                f"- Measure ({m.kind}): {m.text}" + (f" — target: {m.target}" if m.target else "")
                for m in a.measures
            ]
            out.append("")
            if a.evidence:
                out += ["| Date | Author | Status | Update | Links |", "|---|---|---|---|---|"]
                for e in a.evidence:
                    label = _status(e.status).label if e.status else "—"
                    out.append(
                        f"| {e.at:%Y-%m-%d} | {cell(e.author)} | {label} | {cell(e.narrative)} | "
                        f"{cell(' '.join(e.links))} |"
                    )
            else:
                out.append("_No evidence in this period._")
    return "\n".join(out) + "\n"


def render_csv(pack: ReviewPack) -> str:
    """One row per piece of evidence, measure and action, so a spreadsheet can filter by `row`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "row",
            "objective",
            "action",
            "title",
            "status_start",
            "status_end",
            "date",
            "author",
            "status",
            "text",
            "links",
        ]
    )
    for o in pack.objectives:
        for a in o.actions:
            start, end = _status(a.status_start).label, _status(a.status_end).label
            writer.writerow(
                ["action", o.key, a.key, a.title, start, end, "", ", ".join(a.owners), "", "", ""]
            )
            for m in a.measures:
                writer.writerow(
                    ["measure", o.key, a.key, m.text, "", "", "", "", _status(m.status).label, m.target, ""]
                )
            for e in a.evidence:
                label = _status(e.status).label if e.status else ""
                writer.writerow(
                    [
                        "evidence",
                        o.key,
                        a.key,
                        "",
                        "",
                        "",
                        f"{e.at:%Y-%m-%d}",
                        e.author,
                        label,
                        e.narrative,
                        " ".join(e.links),
                    ]
                )
    for c in pack.coverage_by_role + pack.coverage_by_team:
        writer.writerow(
            [
                "smart_coverage",
                "",
                "",
                c.group,
                "",
                "",
                "",
                "",
                f"{c.agreed}/{c.eligible}",
                ", ".join(c.missing),
                "",
            ]
        )
    return buffer.getvalue()


def render(pack: ReviewPack, fmt: str, *, stem: str = "pack") -> dict[str, bytes]:
    """The pack's files by name: the document first, then (Markdown) its charts."""
    if fmt == "md":
        charts = dict(zip(chart_names(pack, stem), (c.data for c in pack.charts), strict=True))
        return {f"{stem}.md": render_markdown(pack, stem=stem).encode(), **charts}
    text = render_html(pack) if fmt == "html" else render_csv(pack)
    return {f"{stem}.{fmt}": text.encode()}
