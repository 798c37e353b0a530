"""Writing a figure table as JSON, CSV or XLSX, the same everywhere (CLI, web, reports).

* JSON: a list of objects keyed by the column names; dates as ISO strings, numbers as numbers,
  empty (null, NaN) as null.
* CSV: UTF-8, `,`-separated, the column names as header.
* XLSX: Swedish headers and number formats, codes by their Swedish names
  (``text.labels``: "Bokföring", not ``ledger``), a sheet naming the settings used (by their
  Swedish descriptions) and one listing the rate set (every rate by its name, with its
  validity date and source; example values marked "exempelvärde"). Sheet titles go through
  :func:`sheet_titles`, the one place that makes a title one Excel accepts.
Text that a spreadsheet would run as a formula (starting with =, +, -, @) is neutralised.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

import polars as pl
import xlsxwriter

from timbalans.figures.labels import column_format, column_label
from timbalans.text.labels import setting_label, setting_value_text, value_label

FORMULA_START = ("=", "+", "-", "@")


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def to_records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def to_json(frame: pl.DataFrame) -> bytes:
    return json.dumps(to_records(frame), ensure_ascii=False, indent=1).encode("utf-8")


def to_csv(frame: pl.DataFrame) -> bytes:
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    out = (
        frame.with_columns(
            pl.when(pl.col(c).str.starts_with(s) for s in FORMULA_START)
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c in text_cols
        )
        if text_cols
        else frame
    )
    out = out.with_columns(
        pl.when(pl.col(c).is_nan()).then(None).otherwise(pl.col(c)).alias(c)
        for c, t in out.schema.items()
        if t in (pl.Float64, pl.Float32)
    )
    return out.write_csv(date_format="%Y-%m-%d").encode("utf-8")


# Excel refuses these in a sheet title, a title longer than 31 characters, one that starts or
# ends with an apostrophe, and two titles that differ only in case; "History" it keeps for
# itself. A page title like "Bemanning: överkapacitet" or a case id with a colon would
# otherwise fail the whole export.
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_RESERVED = frozenset({"history"})
SHEET_TITLE_EMPTY = "Blad"


def sheet_titles(names: Iterable[str], *, taken: Iterable[str] = ()) -> list[str]:
    """Titles Excel accepts for ``names``, in order, unique among themselves and ``taken``.

    Each forbidden character becomes ``-``, surrounding spaces and apostrophes go, the title
    is cut to 31 characters, and a title already used (in any case) gets `` (2)``,
    `` (3)``, ... within the 31."""
    used = {t.casefold() for t in taken}
    out = []
    for name in names:
        base = SHEET_TITLE_FORBIDDEN.sub("-", name).strip().strip("'").strip()
        base = base[:SHEET_TITLE_MAX].rstrip().rstrip("'") or SHEET_TITLE_EMPTY
        title, n = base, 1
        while title.casefold() in used or title.casefold() in SHEET_TITLE_RESERVED:
            n += 1
            suffix = f" ({n})"
            title = base[: SHEET_TITLE_MAX - len(suffix)].rstrip().rstrip("'") + suffix
        used.add(title.casefold())
        out.append(title)
    return out


RATE_HEADERS = ("Sats", "Gäller från", "Värde", "Källa", "Anmärkning")
RATE_SHEET = "Satser"


SETTINGS_SHEET = "Inställningar"


def to_xlsx(
    sheets: Mapping[str, pl.DataFrame] | Sequence[tuple[str, pl.DataFrame]],
    *,
    settings: dict[str, Any] | None = None,
    title: str = "",
    rates: list[dict[str, Any]] | None = None,
    rates_name: str = "",
) -> bytes:
    """One sheet per table (sheet name -> frame, or pairs of them: two tables may share a
    name), Swedish headers, the settings and rates used.

    ``rates`` is ``RateSet.describe()``: one row per rate and date, written to the sheet
    *Satser* under the rate set's name. The tables' titles are made valid and unique by
    :func:`sheet_titles`, next to the fixed sheets' own."""
    pairs = list(sheets.items()) if isinstance(sheets, Mapping) else list(sheets)
    fixed = [SETTINGS_SHEET] * (settings is not None) + [RATE_SHEET] * (rates is not None)
    titles = sheet_titles((name for name, _ in pairs), taken=fixed)
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": False})
    header = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    formats = {
        "hours": wb.add_format({"num_format": "# ##0.0"}),  # hours with one decimal
        "pct": wb.add_format({"num_format": "0.0"}),
        "share": wb.add_format({"num_format": "0.0%"}),
        "sek": wb.add_format({"num_format": "# ##0"}),
        "count": wb.add_format({"num_format": "0"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "text": None,
    }
    for sheet_title, (_, frame) in zip(titles, pairs, strict=True):
        ws = wb.add_worksheet(sheet_title)
        for j, name in enumerate(frame.columns):
            ws.write_string(0, j, column_label(name), header)
            kind = column_format(name, frame.schema[name])
            ws.set_column(j, j, 14 if kind != "text" else 12, formats[kind])
        ws.freeze_panes(1, 0)
        for i, row in enumerate(frame.iter_rows(), start=1):
            for j, (name, value) in enumerate(zip(frame.columns, row, strict=True)):
                if value is None or (isinstance(value, float) and not math.isfinite(value)):
                    continue
                if isinstance(value, bool):
                    ws.write_string(i, j, "ja" if value else "nej")
                elif isinstance(value, str):
                    ws.write_string(i, j, value_label(value, name))
                elif isinstance(value, datetime):
                    ws.write_datetime(i, j, value.replace(tzinfo=None), formats["date"])
                elif isinstance(value, date):
                    # Excel has no time zones: a date is written as its naive midnight.
                    ws.write_datetime(i, j, datetime.combine(value, time()), formats["date"])
                else:
                    ws.write_number(i, j, value)
        if frame.width:
            ws.autofilter(0, 0, max(frame.height, 1), frame.width - 1)
    if settings is not None:
        ws = wb.add_worksheet(SETTINGS_SHEET)
        ws.write_string(0, 0, "Inställning", header)
        ws.write_string(0, 1, "Värde", header)
        ws.set_column(0, 0, 32)
        ws.set_column(1, 1, 40)
        if title:
            ws.write_string(1, 0, "Tabell")
            ws.write_string(1, 1, title)
        for i, (key, value) in enumerate(settings.items(), start=2):
            name = setting_label(key)
            ws.write_string(i, 0, name[:1].upper() + name[1:])
            ws.write_string(i, 1, safe_text(setting_value_text(value)))
    if rates is not None:
        _rates_sheet(wb, header, rates, rates_name)
    wb.close()
    return buffer.getvalue()


def _rates_sheet(
    wb: xlsxwriter.Workbook, header: Any, rates: list[dict[str, Any]], name: str
) -> None:
    ws = wb.add_worksheet(RATE_SHEET)
    ws.write_string(0, 0, "Satser", header)
    ws.write_string(0, 1, safe_text(name), header)
    for j, label in enumerate(RATE_HEADERS):
        ws.write_string(1, j, label, header)
    for j, width in enumerate((50, 12, 12, 60, 14)):
        ws.set_column(j, j, width)
    # The rate by its name: its key (``ob_weekend``) is the program's, not the reader's.
    keys = ("benämning", "gäller_från", "värde", "källa", "anmärkning")
    for i, row in enumerate(rates, start=2):
        for j, key in enumerate(keys):
            value = row.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(i, j, value)
            elif value is not None:
                ws.write_string(i, j, safe_text(str(value)))
