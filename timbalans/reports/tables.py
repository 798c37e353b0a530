"""A figure table (polars frame) as a document table: Swedish headers and number formats of
``figures.labels``, the same as the pages and the XLSX export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from timbalans.figures.labels import column_format, column_label
from timbalans.reports import fmt
from timbalans.reports.content import Table
from timbalans.text.labels import value_label


def cell(name: str, kind: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return fmt.DASH
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "text":
        return value_label(value, name)
    if name.endswith("_share"):
        return fmt.pct(float(value) * 100)
    if kind == "pct":
        return fmt.pct(float(value))
    if kind in ("sek", "count"):
        return fmt.number(value)
    return fmt.number(value, 1)


def frame_table(
    frame: pl.DataFrame,
    columns: Sequence[str],
    *,
    caption: str,
    labels: dict[str, str] | None = None,
    formats: dict[str, str] | None = None,
) -> Table:
    """``formats`` overrides a column's kind (hours | pct | sek | count | date | text)."""
    labels, formats = labels or {}, formats or {}
    present = [c for c in columns if c in frame.columns]
    kinds = {c: formats.get(c) or column_format(c, frame.schema[c]) for c in present}
    rows = tuple(
        tuple(cell(c, kinds[c], row[c]) for c in present)
        for row in frame.select(present).iter_rows(named=True)
    )
    return Table(
        headers=tuple(labels.get(c) or column_label(c) for c in present),
        rows=rows,
        numeric=tuple(kinds[c] not in ("text", "date") for c in present),
        caption=caption,
    )
