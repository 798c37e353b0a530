"""What the exchange readers (PAXml, SIE 4) share: recognition by content, where a produced
row came from, and the checks that need the other tables.

A reader turns one file into canonical raw frames (all strings, canonical columns), the same
frames the canonical readers produce, so validation, replacement and undo apply unchanged. The
user never saw those frames, so every problem found later must point at the exchange file's
line: each frame carries a ``SourceMap`` from its rows to the file's lines, and the frames of
one file number their rows one after another (``first_row``), so that a (file, row) pair names
exactly one element even when one PAXml file gives both worked and absences rows.
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
    lines = [ln.strip() for ln in head.decode("latin-1").splitlines() if ln.strip()][:5]
    labels = [ln.split(maxsplit=1)[0].strip('"').upper() for ln in lines]
    if (
        labels
        and all(lab.startswith("#") for lab in labels)
        and any(lab in SIE_LABELS for lab in labels)
    ):
        return SIE
    return None


@dataclass(frozen=True)
class SourceMap:
    """Where each row of one produced frame came from.

    ``first_row`` is the ``_row`` of the frame's first row; ``lines[i]`` the file line of row
    ``first_row + i``; ``elements`` names a canonical column as the file's element or label
    (``case_id`` -> ``<resenhet dim="6">``); ``cost_centers`` the dim-1 object of each worked
    row, checked against its case's unit when given.
    """

    first_row: int
    lines: list[int]
    elements: Mapping[str, str]
    cost_centers: list[str | None] | None = None

    def line(self, row: int) -> int | None:
        i = row - self.first_row
        return self.lines[i] if 0 <= i < len(self.lines) else None


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
        for source in maps.get(p.file, []) if p.row is not None else []:
            line = source.line(p.row)  # type: ignore[arg-type]
            if line is not None:
                column = source.elements.get(p.column, p.column) if p.column else p.column
                p = Problem(p.file, line, column, p.message)
                break
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
            "_row": pl.int_range(
                source.source.first_row, source.source.first_row + len(given), eager=True
            ).cast(pl.Int64),
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
