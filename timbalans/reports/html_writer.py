"""A ``Document`` as one self-contained HTML page (images inline), and as PDF from that HTML
with WeasyPrint: the same blocks as the DOCX, laid out for A4.

Why WeasyPrint and not LibreOffice for the PDF: see docs/design.md ("Reports").
"""

from __future__ import annotations

import base64
from html import escape

from timbalans.reports.content import (
    Bullets,
    Document,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Signatures,
    Table,
)

CSS = """
@page { size: A4; margin: 22mm 20mm 22mm 20mm;
  @bottom-center { content: FOOTER "sida " counter(page) " av " counter(pages);
                   font-size: 8pt; color: #555; } }
html { font-family: "DejaVu Sans", Calibri, Arial, sans-serif; font-size: 10.5pt; color: #111; }
body { margin: 0; }
h1.title { font-size: 20pt; margin: 0 0 4pt; color: #00324d; }
p.subtitle { font-style: italic; margin: 0 0 14pt; color: #333; }
h1 { font-size: 15pt; color: #00507a; margin: 16pt 0 6pt; page-break-after: avoid; }
h2 { font-size: 12.5pt; color: #00507a; margin: 12pt 0 5pt; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; page-break-after: avoid; }
p { margin: 0 0 6pt; line-height: 1.35; }
p.small { font-size: 8.5pt; color: #333; }
ul, ol { margin: 0 0 8pt 16pt; padding: 0; }
li { margin: 0 0 2pt; }
table { border-collapse: collapse; margin: 2pt 0 12pt; font-size: 8.5pt; width: 100%; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: 10pt;
          padding-bottom: 3pt; }
th, td { border: 0.6pt solid #888; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #e8eef2; }
table.wide { font-size: 7pt; }
table.wide th, table.wide td { padding: 1.5pt 2.5pt; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
.num { text-align: right; }
td.num { white-space: nowrap; }
figure { margin: 6pt 0 12pt; page-break-inside: avoid; }
figure img { max-width: 100%; }
figcaption { font-style: italic; font-size: 9pt; }
.break { page-break-after: always; }
table.header { width: auto; font-size: 9pt; margin: 0 0 12pt; }
table.header th, table.header td { border: 0; background: none; padding: 0 12pt 1pt 0; }
div.sign { margin: 24pt 0 0; width: 8cm; page-break-inside: avoid; }
div.sign p { border-top: 0.6pt solid #111; padding-top: 2pt; }
"""


def _css(footer: str) -> str:
    """The style sheet with the footer text as a CSS string (quotes and backslashes escaped;
    the text is ours, but a title typed by a user ends up here)."""
    text = (footer.replace("\n", " ") + " · ") if footer else ""
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'
    return CSS.replace("FOOTER", quoted)


def _cell(text: str) -> str:
    """A table cell's text; a line break in it (a header's date on its own line) kept."""
    return escape(text).replace("\n", "<br>")


def _table(block: Table) -> str:
    numeric = list(block.numeric) + [False] * (len(block.headers) - len(block.numeric))
    # Wide tables (the annex's per-unit figures) get a smaller type to fit the page.
    out = ['<table class="wide">' if len(block.headers) > 8 else "<table>"]
    if block.caption:
        out.append(f"<caption>{escape(block.caption)}</caption>")
    out.append("<thead><tr>")
    out.extend(
        f'<th scope="col"{" class=num" if numeric[j] else ""}>{_cell(h)}</th>'
        for j, h in enumerate(block.headers)
    )
    out.append("</tr></thead><tbody>")
    for row in block.rows:
        out.append("<tr>")
        out.extend(
            f"<td{' class=num' if numeric[j] else ''}>{_cell(c)}</td>" for j, c in enumerate(row)
        )
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def to_html(document: Document) -> str:
    parts = [
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">',
        f"<title>{escape(document.title)}</title><style>{_css(document.footer)}</style>",
        "</head><body>",
    ]
    if document.header:
        rows = "".join(
            f'<tr><th scope="row">{escape(label)}</th><td>{escape(value)}</td></tr>'
            for label, value in document.header
        )
        parts.append(f'<table class="header">{rows}</table>')
    parts.append(f'<h1 class="title">{escape(document.title)}</h1>')
    if document.subtitle:
        parts.append(f'<p class="subtitle">{escape(document.subtitle)}</p>')
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 3)
            parts.append(f"<h{level}>{escape(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            text = escape(block.text)
            if block.bold:
                text = f"<strong>{text}</strong>"
            parts.append(f"<p{' class=small' if block.small else ''}>{text}</p>")
        elif isinstance(block, Bullets):
            tag = "ol" if block.numbered else "ul"
            items = "".join(f"<li>{escape(i)}</li>" for i in block.items)
            parts.append(f"<{tag}>{items}</{tag}>")
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, Image):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{escape(block.caption)}"'
                f' style="width:{block.width_cm}cm">'
                f"<figcaption>{escape(block.caption)}</figcaption></figure>"
            )
        elif isinstance(block, Signatures):
            parts.extend(f'<div class="sign"><p>{escape(n)}</p></div>' for n in block.names)
        elif isinstance(block, PageBreak):
            parts.append('<div class="break"></div>')
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(document: Document) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only the PDF path needs.
    from weasyprint import HTML

    return HTML(string=to_html(document)).write_pdf()
