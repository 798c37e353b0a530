"""A ``Document`` as a Word file (python-docx): A4, Swedish language, page numbers.

Only styles of python-docx's built-in template are used (Title, Heading 1–3, List Bullet,
Table Grid), so the file opens the same in Word and LibreOffice. Numbered lists are written
as plain paragraphs with their numbers: Word's list numbering would continue from one list
to the next in a generated file.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

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

LANGUAGE = "sv-SE"


def _set_language(docx_doc) -> None:
    """Swedish for spelling and hyphenation, on the default paragraph style."""
    rpr = docx_doc.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), LANGUAGE)
    rpr.append(lang)


def _page_number_field(paragraph) -> None:
    """A PAGE field: ``w:fldSimple`` belongs in the paragraph, with a run showing a value
    until the reader updates it."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _widths(block: Table, total_cm: float, cm_per_char: float) -> list[float]:
    """Column widths on the page: every column at least as wide as its longest word (words are
    never broken), the room left shared out towards each column's longest value."""
    pad = 0.45  # the cell margins
    least, wanted = [], []
    for j, header in enumerate(block.headers):
        cells = [r[j] for r in block.rows]
        # Split at ordinary spaces only: a number's thousands are kept together by
        # non-breaking spaces and must not wrap.
        words = header.split(" ") + [w for c in cells for w in c.split(" ")]
        least.append(max((len(w) for w in words), default=4) * cm_per_char + pad)
        # A header may take two lines.
        longest = max([len(c) for c in cells] + [len(header) // 2, 4])
        wanted.append(longest * cm_per_char + pad)
    if sum(least) >= total_cm:
        return [w * total_cm / sum(least) for w in least]
    extra = [max(0.0, w - m) for w, m in zip(wanted, least, strict=True)]
    room = total_cm - sum(least)
    if sum(extra) <= room:  # everything fits on one line: spread what is left evenly
        spare = (room - sum(extra)) / len(least)
        return [m + e + spare for m, e in zip(least, extra, strict=True)]
    return [m + room * e / sum(extra) for m, e in zip(least, extra, strict=True)]


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _table(docx_doc, block: Table) -> None:
    if block.caption:
        caption = docx_doc.add_paragraph()
        run = caption.add_run(block.caption)
        run.bold = True
        caption.paragraph_format.keep_with_next = True
    numeric = list(block.numeric) + [False] * (len(block.headers) - len(block.numeric))
    table = docx_doc.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.style = docx_doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for j, text in enumerate(block.headers):
        cell = table.rows[0].cells[j]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        if numeric[j]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(table.rows[0])
    table.autofit = False
    wide = len(block.headers) > 8
    for j, width in enumerate(_widths(block, 16.0, 0.19 if wide else 0.24)):
        table.columns[j].width = Cm(width)
        for cell in table.columns[j].cells:
            cell.width = Cm(width)
    for i, row in enumerate(block.rows, start=1):
        cells = table.rows[i].cells
        for j, text in enumerate(row):
            cells[j].text = text
            if numeric[j]:
                cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # Wide tables (the annex's per-unit figures) get a smaller type to fit the page.
    size = Pt(7) if wide else Pt(9)
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = size
    docx_doc.add_paragraph()


def _header(docx_doc, fields: tuple[tuple[str, str], ...]) -> None:
    """The header fields above the title, one a line: the label in bold, a tab, the value."""
    for label, value in fields:
        p = docx_doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.tab_stops.add_tab_stop(Cm(3.5))
        run = p.add_run(label)
        run.bold = True
        run.font.size = Pt(9)
        p.add_run("\t" + value).font.size = Pt(9)
    if fields:
        docx_doc.add_paragraph()


def _signatures(docx_doc, block: Signatures) -> None:
    """Each signatory under a line to sign on, kept on one page with the line."""
    for name in block.names:
        space = docx_doc.add_paragraph()
        space.paragraph_format.space_before = Pt(18)
        space.paragraph_format.keep_with_next = True
        line = docx_doc.add_paragraph(SIGN_LINE)
        line.paragraph_format.space_after = Pt(0)
        line.paragraph_format.keep_with_next = True
        docx_doc.add_paragraph(name)


#: The line a signatory signs on.
SIGN_LINE = "_" * 40


def to_docx(document: Document) -> bytes:
    d = new_docx()
    _set_language(d)
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(11)
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)
    footer = section.footer.paragraphs[0]
    footer.text = (document.footer + " · sida ") if document.footer else "Sida "
    _page_number_field(footer)
    d.core_properties.title = document.title
    d.core_properties.author = "Timbalans"
    d.core_properties.language = LANGUAGE

    _header(d, document.header)
    d.add_heading(document.title, level=0)
    if document.subtitle:
        sub = d.add_paragraph()
        sub.add_run(document.subtitle).italic = True
    for block in document.blocks:
        if isinstance(block, Heading):
            d.add_heading(block.text, level=min(max(block.level, 1), 3))
        elif isinstance(block, Paragraph):
            p = d.add_paragraph()
            run = p.add_run(block.text)
            run.bold = block.bold
            if block.small:
                run.font.size = Pt(9)
        elif isinstance(block, Bullets):
            for n, item in enumerate(block.items, start=1):
                if block.numbered:
                    p = d.add_paragraph(f"{n}.\t{item}")
                    p.paragraph_format.left_indent = Cm(0.75)
                    p.paragraph_format.first_line_indent = Cm(-0.75)
                    p.paragraph_format.tab_stops.add_tab_stop(Cm(0.75))
                else:
                    d.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(d, block)
        elif isinstance(block, Image):
            d.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
            caption = d.add_paragraph()
            caption.add_run(block.caption).italic = True
        elif isinstance(block, Signatures):
            _signatures(d, block)
        elif isinstance(block, PageBreak):
            d.add_page_break()
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a Word file, for reading a document back."""
    d = new_docx(io.BytesIO(data))
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        lines.extend(" | ".join(c.text for c in row.cells) for row in table.rows)
    return "\n".join(lines)


def docx_tables(data: bytes) -> list[list[list[str]]]:
    """The tables of a Word file as rows of cell texts."""
    d = new_docx(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
