"""The review paper written as HTML (print CSS for A4), Markdown, PDF (WeasyPrint) or Word (python-docx).

HTML and Markdown put each chart beside the document as a PNG file (no base64 in either); the PDF and
the Word file carry their charts inside. WeasyPrint and python-docx are imported only when a paper of
that format is written, so the bot starts without them loaded.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Callable
from html import escape
from pathlib import Path

from bot.paper_doc import Block, Figure, H, Items, P, PageBreak, Table, layout
from jobs.board_paper import Paper
from storage.models import Status

PAPER_FORMATS = ("html", "md", "pdf", "docx")
_STATUS_COLOURS = {s.label: s.colour for s in Status}
PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm; @bottom-right { content: "Page " counter(page); font-size: 8pt; } }
body { font-family: "DejaVu Sans", system-ui, sans-serif; color: #1a1a1a; line-height: 1.4; font-size: 10.5pt;
       max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 22pt; margin: 30mm 0 8mm; } h2 { font-size: 15pt; border-bottom: 2px solid #ccc; }
h3 { font-size: 12pt; margin-bottom: 2mm; } h4 { font-size: 10.5pt; margin: 4mm 0 1mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; }
th, td { border: 1px solid #bbb; padding: 1.2mm 2mm; text-align: left; vertical-align: top; font-size: 9pt; }
th { background: #eee; } tr { break-inside: avoid; } .small { color: #555; font-size: 9pt; }
.status { font-weight: 600; } .status::before { content: ""; display: inline-block; width: .7em;
  height: .7em; border-radius: 50%; margin-right: .3em; background: var(--c); }
figure { margin: 3mm 0; break-inside: avoid; } figure img { max-width: 100%; }
.page-break { break-after: page; height: 0; }
@media print { body { margin: 0; max-width: none; padding: 0; } a { color: inherit; } }
"""


def _figure_names(blocks: list[Block], stem: str) -> dict[int, str]:
    figures = [b for b in blocks if isinstance(b, Figure)]
    return {id(f): f"{stem}-chart-{n + 1}.png" for n, f in enumerate(figures)}


def _cell_html(text: str) -> str:
    colour = _STATUS_COLOURS.get(text)
    return f'<span class="status" style="--c:{colour}">{escape(text)}</span>' if colour else escape(text)


def render_html(blocks: list[Block], *, title: str, images: Callable[[Figure], str]) -> str:
    out = [
        "<!doctype html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{PRINT_CSS}</style></head><body>",
    ]
    for b in blocks:
        if isinstance(b, H):
            out.append(f"<h{b.level}>{escape(b.text)}</h{b.level}>")
        elif isinstance(b, P):
            out.append(f'<p class="small">{escape(b.text)}</p>' if b.small else f"<p>{escape(b.text)}</p>")
        elif isinstance(b, Items):
            out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{escape(h)}</th>" for h in b.headers)
            body = "".join("<tr>" + "".join(f"<td>{_cell_html(c)}</td>" for c in r) + "</tr>" for r in b.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(b, Figure):
            out.append(
                f'<figure><img src="{escape(images(b))}" alt="{escape(b.image.alt)}">'
                f"<figcaption>{escape(b.image.title)}</figcaption></figure>"
            )
        elif isinstance(b, PageBreak):
            out.append('<div class="page-break"></div>')
    out.append("</body></html>")
    return "\n".join(out)


def render_markdown(blocks: list[Block], *, names: dict[int, str]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out: list[str] = []
    for b in blocks:
        if isinstance(b, H):
            out += [f"{'#' * b.level} {b.text}", ""]
        elif isinstance(b, P):
            out += [f"_{b.text}_" if b.small else b.text, ""]
        elif isinstance(b, Items):
            out += [*(f"- {i}" for i in b.items), ""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(cell(h) for h in b.headers) + " |")
            out.append("|" + "---|" * len(b.headers))
            out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in b.rows]
            out.append("")
        elif isinstance(b, Figure):
            out += [f"![{b.image.alt}]({names[id(b)]})", ""]
    return "\n".join(out)


def render_docx(blocks: list[Block]) -> bytes:
    """A Word document with real headings (Heading 1–4), real tables, and the charts as pictures."""
    import docx  # loaded only when a Word paper is written
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for b in blocks:
        if isinstance(b, H):
            document.add_heading(b.text, level=min(b.level, 4))
        elif isinstance(b, P):
            run = document.add_paragraph().add_run(b.text)
            if b.small:
                run.font.size = Pt(9)
        elif isinstance(b, Items):
            for item in b.items:
                document.add_paragraph(item, style="List Bullet")
        elif isinstance(b, Table):
            table = document.add_table(rows=1, cols=len(b.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.headers, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in b.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
        elif isinstance(b, Figure):
            document.add_picture(io.BytesIO(b.image.data), width=Cm(16))
            document.add_paragraph(b.image.alt).runs[0].font.size = Pt(8)
        elif isinstance(b, PageBreak):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pdf(html: str) -> bytes:
    import weasyprint  # loaded only when a PDF is written

    data: bytes = weasyprint.HTML(string=html).write_pdf()
    return data


def _inline(figure: Figure) -> str:
    # Only inside the PDF, which carries its pictures; never written out as text.
    return "data:image/png;base64," + base64.b64encode(figure.image.data).decode()


def paper_files(paper: Paper, fmt: str, *, stem: str) -> dict[str, bytes]:
    """Every file the paper is made of, by name: the document first, then its charts (HTML, Markdown)."""
    blocks = layout(paper)
    title = f"{paper.plan_name}: review of {paper.held_on:%-d %B %Y}"
    names = _figure_names(blocks, stem)
    charts = {names[id(b)]: b.image.data for b in blocks if isinstance(b, Figure)}
    if fmt == "html":
        text = render_html(blocks, title=title, images=lambda f: names[id(f)])
        return {f"{stem}.html": text.encode(), **charts}
    if fmt == "md":
        return {f"{stem}.md": render_markdown(blocks, names=names).encode(), **charts}
    if fmt == "pdf":
        return {f"{stem}.pdf": render_pdf(render_html(blocks, title=title, images=_inline))}
    if fmt == "docx":
        return {f"{stem}.docx": render_docx(blocks)}
    raise ValueError(f"unknown format {fmt!r}")


def write_files(files: dict[str, bytes], folder: Path) -> list[Path]:
    """Write each file beside its final name, then rename: an interrupted export leaves no half file."""
    written: list[Path] = []
    partials: list[Path] = []
    try:
        for name, data in files.items():
            partial = folder / f".{name}.partial"
            partials.append(partial)
            partial.write_bytes(data)
        for name, partial in zip(files, partials, strict=True):
            os.replace(partial, folder / name)
            written.append(folder / name)
    finally:
        for partial in partials:
            partial.unlink(missing_ok=True)
    return written
