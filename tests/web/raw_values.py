"""Finding raw values where a reader should see Swedish: English codes of the data and the
figures (``monthly_permanent``, ``ledger``, ``balanced``), Python's ``None``/``nan``/``True``
and a printed dict, in the visible text of a page and in the text of an XLSX, DOCX or PDF.

Used by tests/web/test_raw_values.py, which walks every page as every role.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from timbalans.ingest import schema

# Python's own spellings of nothing, truth and not-a-number, and a printed dict or list of
# strings: never meant for a reader.
PYTHON = (
    r"\bNone\b",
    r"\bnan\b",
    r"\bNaN\b",
    r"\bTrue\b",
    r"\bFalse\b",
    r"\binf\b",
    r"\{'",
    r"\['",
    r'\{"',
)

# English codes of the data (the canonical tables' values, spec/data.md) and of the figures and
# the solver. "under", "semester", "admin" and "controller" are Swedish words too (and the
# last two user names) and are left out; snake_case codes are caught by SNAKE below whatever
# their name.
CODES = frozenset(
    {
        *(v for v in schema.FORMS if "_" not in v),
        *schema.EMPLOYMENT_STATUSES,
        *schema.SHIFT_KINDS,
        *(v for v in schema.ABSENCE_TYPES if v != "semester"),
        "vacation",
        "ordinary",
        "additional",
        "ledger",
        "computed",
        "balanced",
        "over",
        "optimal",
        "feasible",
        "infeasible",
        "greedy",
        "unknown",
        "applied",
        "undone",
        "pending",
        "running",
        "failed",
        "done",
        "draft",
        "active",
        "closed",
        "department",
        "unit",
        "case",
        "management",
        "coordinator",
        "savings",
        "structural",
    }
)
# A word_with_underscores: a column name, a code or a setting key.
SNAKE = r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"

PATTERN = re.compile(
    # a code as a word of its own: "case-economics" is a figure table's name, not a code
    "|".join((*PYTHON, SNAKE, r"(?<![\w-])(?:" + "|".join(sorted(CODES)) + r")(?![\w-])")),
)

# Elements whose text is meant literally: code (a file name, a setting key), and anything the
# page marks ``data-raw`` (a preview of a user's own file).
LITERAL = frozenset({"script", "style", "code", "pre", "kbd", "samp", "template"})
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
# Attributes a reader sees (or hears, from a screen reader).
SEEN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")


def raw_tokens(text: str) -> list[str]:
    """The raw values in ``text``."""
    return [m.group() for m in PATTERN.finditer(text)]


def raw_in_context(text: str) -> list[tuple[str, str]]:
    """The raw values in ``text``, each with a little of the text around it."""
    return [
        (m.group(), text[max(m.start() - 50, 0) : m.end() + 50].replace("\n", " | "))
        for m in PATTERN.finditer(text)
    ]


class VisibleText(HTMLParser):
    """Collects the text a reader sees (``visible_text``) as it reads a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []  # the open elements since a literal one began

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            if not self.skip:
                self._attributes(tag, dict(attrs))
            return
        if self.skip or tag in LITERAL or any(k == "data-raw" for k, _ in attrs):
            self.skip.append(tag)
            return
        self._attributes(tag, dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip:
            self._attributes(tag, dict(attrs))

    def _attributes(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.parts.extend(attrs[a] or "" for a in SEEN_ATTRIBUTES if attrs.get(a))
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            # the innermost open element of this name closes (HTML lets some end tags out)
            for i in range(len(self.skip) - 1, -1, -1):
                if self.skip[i] == tag:
                    del self.skip[i:]
                    break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    def text(self) -> str:
        return "\n".join(p.strip() for p in self.parts if p.strip())


def visible_text(html: str) -> str:
    """The text a reader sees on a page: no tags, scripts, styles or literal code."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.text()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def xlsx_text(content: bytes) -> str:
    """Every string of a workbook: the sheet names, the shared strings and inline strings."""
    out = []
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        out += [s.get("name", "") for s in workbook.iter(f"{_MAIN}sheet")]
        for name in z.namelist():
            if name == "xl/sharedStrings.xml" or (
                name.startswith("xl/worksheets/") and name.endswith(".xml")
            ):
                root = ElementTree.fromstring(z.read(name))
                out += ["".join(t.itertext()) for t in root.iter(f"{_MAIN}si")]
                out += ["".join(t.itertext()) for t in root.iter(f"{_MAIN}is")]
                # a cell of type "str" holds a formula's text result in <v>
                out += [
                    "".join(c.itertext())
                    for c in root.iter(f"{_MAIN}c")
                    if c.get("t") in ("str", "e")
                ]
    return "\n".join(out)


def docx_text(content: bytes) -> str:
    """The paragraphs and the table cells of a Word document, with its headers and footers."""
    import docx

    document = docx.Document(io.BytesIO(content))
    out: list[str] = []

    def blocks(container) -> None:
        out.extend(p.text for p in container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    blocks(cell)

    blocks(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            blocks(part)
    return "\n".join(out)


def pdf_text(content: bytes) -> str:
    """The text of a PDF, by pdftotext (poppler-utils)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "document.pdf"
        path.write_bytes(content)
        done = subprocess.run(  # our own file, a fixed program
            ["/usr/bin/pdftotext", "-layout", str(path), "-"],
            capture_output=True,
            check=True,
        )
    return done.stdout.decode("utf-8")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
DOCUMENT_TEXT = {XLSX: xlsx_text, DOCX: docx_text, PDF: pdf_text}
