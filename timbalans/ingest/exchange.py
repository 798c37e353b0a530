"""What the exchange readers (PAXml, SIE 4) share: recognition by content, where a produced
row came from, and the checks that need the other tables.

A reader turns one file into canonical raw frames (all strings, canonical columns), the same
frames the canonical readers produce, so validation, replacement and undo apply unchanged. The
user never saw those frames, so every problem found later must point at the exchange file's
line: each frame carries a ``SourceMap`` from its rows to the file's lines, and the frames of
one file have row numbers that never collide (``row_numbers``), so that a (file, row) pair
names exactly one element even when one PAXml file gives both worked and absences rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from timbalans.ingest import messages as msg
from timbalans.ingest.problems import Problem

PAXML = "paxml"
SIE = "sie4"
FORMAT_NAMES = {PAXML: "PAXml", SIE: "SIE 4"}

# A PAXml document: optional BOM, XML declaration, comments, then the <paxml> root.
_PAXML_HEAD = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<paxml[\s>/]", re.S
)
# A DOCTYPE before the root is enough to recognise the file as meant to be PAXml (and to
# reject it); the root is looked for after it.
_PAXML_DOCTYPE_HEAD = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?<!DOCTYPE\s+paxml\b", re.S
)
SIE_LABELS = ("#FLAGGA", "#SIETYP", "#FORMAT")


def exchange_format(data: bytes) -> str | None:
    """``PAXML`` or ``SIE`` when the content is one of them, else None (a cheap look at the
    first bytes: the root element, or the first lines' labels)."""
    head = data[:4096]
    if _PAXML_HEAD.match(head) or _PAXML_DOCTYPE_HEAD.match(head):
        return PAXML
    text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")  # a UTF-8 SIE may have a BOM
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:5]
    labels = [ln.split(maxsplit=1)[0].strip('"').upper() for ln in lines]
    if (
        labels
        and all(lab.startswith("#") for lab in labels)
        and any(lab in SIE_LABELS for lab in labels)
    ):
        return SIE
    return None


@dataclass
class SourceMap:
    """Where each row of one produced frame came from.

    ``rows[i]`` is the row number (``_row``) validation gives the frame's row ``i``, and
    ``lines[i]`` the file line of its element; ``elements`` names a canonical column as the
    file's element or label (``case_id`` -> ``<resenhet dim="6">``); ``cost_centers`` the
    dim-1 object of each worked row, checked against its case's unit when given.
    """

    rows: list[int]
    lines: list[int]
    elements: Mapping[str, str]
    cost_centers: list[str | None] | None = None
    _by_row: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_row = dict(zip(self.rows, self.lines, strict=True))

    def line(self, row: int) -> int | None:
        return self._by_row.get(row)


def row_numbers(lines_per_table: list[list[int]]) -> list[list[int]]:
    """The row numbers of the frames one file gives, table by table.

    When every record of a table has a line of its own (as exports write them), a row's number
    is its line, so a message that cites another row (a duplicate, an overlap) cites its line
    too.
    Otherwise (several records on one line) the rows are numbered one after another over the
    file's tables from 2, and problems are moved to their lines afterwards.
    """
    if all(len(set(lines)) == len(lines) for lines in lines_per_table):
        return lines_per_table  # a line shared by two tables is one element (a <person>)
    numbered, start = [], 2
    for lines in lines_per_table:
        numbered.append(list(range(start, start + len(lines))))
        start += len(lines)
    return numbered


@dataclass
class ExchangeRead:
    """One exchange file read: canonical raw frames with their source maps, problems found
    while reading, and what was skipped (code or account -> rows) for the import report."""

    format: str
    frames: dict[str, tuple[pl.DataFrame, SourceMap]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


class _Located(Protocol):
    name: str
    source: SourceMap | None


def report_notes(name: str, read: ExchangeRead) -> list[str]:
    """The import report's lines for one exchange file: what it became and what was skipped."""
    tables = ", ".join(
        msg.EXCHANGE_ROWS.format(table=t, rows=f.height) for t, (f, _) in read.frames.items()
    )
    notes = [
        msg.EXCHANGE_READ.format(
            file=name, format=FORMAT_NAMES[read.format], tables=tables or msg.EXCHANGE_NOTHING
        )
    ]
    if read.skipped:
        what = msg.EXCHANGE_SKIPPED_CODE if read.format == PAXML else msg.EXCHANGE_SKIPPED_ACCOUNT
        why = ", ".join(
            what.format(code=k, account=k, rows=n) for k, n in sorted(read.skipped.items())
        )
        notes.append(
            msg.EXCHANGE_SKIPPED.format(file=name, rows=sum(read.skipped.values()), why=why)
        )
    return notes


def locate_problems(files: Iterable[_Located], problems: list[Problem]) -> list[Problem]:
    """Problems on rows of exchange frames, moved to the file's line and element."""
    maps: dict[str, list[SourceMap]] = {}
    for f in files:
        if f.source is not None:
            maps.setdefault(f.name, []).append(f.source)
    if not maps:
        return problems
    out = []
    for p in problems:
        row, column = p.row, p.column
        holding = [m for m in maps.get(p.file, []) if row is not None and m.line(row)]
        if row is not None and holding:
            # a line shared by two frames is one element: the first that names the column
            named = (m.elements[column] for m in holding if column and column in m.elements)
            p = Problem(p.file, holding[0].line(row), next(named, column), p.message)
        out.append(p)
    return out


def check_cost_centers(
    files: Iterable[_Located],
    worked: pl.DataFrame | None,
    cases: pl.DataFrame,
    units: pl.DataFrame,
    problems: list[Problem],
) -> None:
    """A PAXml worked row's cost centre (dim 1), when given, must be its case's unit's.

    ``worked`` is the typed frame (``_row``, ``case_id``); ``cases`` (case_id, unit_id) and
    ``units`` (unit_id, cost_center) are this set's rows and the stored ones together.
    """
    source = next((f for f in files if f.source is not None and f.source.cost_centers), None)
    if worked is None or source is None or source.source is None:
        return
    given = source.source.cost_centers or []
    rows = pl.DataFrame(
        {
            "_row": pl.Series(source.source.rows, dtype=pl.Int64),
            "_cc": pl.Series(given, dtype=pl.String),
        }
    ).filter(pl.col("_cc").is_not_null())
    if not rows.height:
        return
    expected = (
        worked.select("_row", "case_id")
        .join(rows, on="_row")
        .join(cases.unique("case_id", keep="last"), on="case_id")
        .join(units.unique("unit_id", keep="last"), on="unit_id")
        .filter(pl.col("_cc") != pl.col("cost_center"))
        .sort("_row")
    )
    problems.extend(
        Problem(
            source.name,
            row,
            "cost_center",
            msg.EXCHANGE_COST_CENTER.format(value=cc, expected=want),
        )
        for row, cc, want in expected.select("_row", "_cc", "cost_center").iter_rows()
    )
