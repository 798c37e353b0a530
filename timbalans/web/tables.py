"""One way to show a figure table: the same rows on screen and in the XLSX export.

A view builds a ``Table`` from a polars frame (already scoped by the selector), the
template renders ``table.body_html`` (its ``rows``), and ``?format=xlsx`` on the same URL
returns those rows with Swedish headers and the settings used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import polars as pl
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString, mark_safe

from timbalans.figures.export import to_xlsx
from timbalans.figures.labels import column_format, column_label
from timbalans.records.figure_cache import figure_result_cached
from timbalans.web.templatetags.sv import number

STATUS_LABELS = {"over": "Över", "under": "Under", "balanced": "I balans"}
EMPTY = "Inga rader för urvalet."
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Cell:
    text: str
    css: str = ""
    href: str = ""
    sort_value: Any = None


@dataclass
class Table:
    """Columns in display order; ``links`` maps a column to a function of the row.

    ``main`` names a wide table's most used columns: they come first, the rest are marked
    as extra (shown behind "Fler kolumner"); the export has every column either way.
    """

    name: str
    frame: pl.DataFrame
    columns: Sequence[str]
    title: str = ""
    links: dict[str, Callable[[dict[str, Any]], str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    sort: str = ""
    descending: bool = False
    # Names everything ``frame`` and ``links`` depend on besides the data version (the
    # selector's cache key and the filters): the rendered rows are then kept per data version
    # (a case list has thousands of cells). None renders them on every request.
    cache_key: Hashable | None = None
    main: Sequence[str] = ()

    def __post_init__(self) -> None:
        self.columns = [c for c in self.columns if c in self.frame.columns]
        if self.main:
            first = [c for c in self.main if c in self.columns]
            self.columns = first + [c for c in self.columns if c not in first]
            self.main = first
        if self.sort in self.columns:
            self.frame = self.frame.sort(
                self.sort, descending=self.descending, nulls_last=True, maintain_order=True
            )

    @property
    def extra_columns(self) -> list[str]:
        """The columns behind "Fler kolumner" (none when ``main`` is not given)."""
        if not self.main:
            return []
        return [c for c in self.columns if c not in self.main]

    @property
    def headers(self) -> list[dict[str, Any]]:
        out = []
        extra = set(self.extra_columns)
        for c in self.columns:
            kind = column_format(c, self.frame.schema[c])
            numeric = kind not in ("text", "date")
            next_desc = not self.descending if c == self.sort else numeric
            out.append(
                {
                    "key": c,
                    "label": self.labels.get(c) or column_label(c),
                    "numeric": numeric,
                    "sorted": "descending"
                    if c == self.sort and self.descending
                    else ("ascending" if c == self.sort else "none"),
                    "next": ("-" if next_desc else "") + c,
                    "css": " ".join(
                        name for name, on in (("num", numeric), ("more", c in extra)) if on
                    ),
                }
            )
        return out

    @property
    def rows(self) -> list[list[Cell]]:
        specs = [
            (c, column_format(c, self.frame.schema[c]), self.links.get(c)) for c in self.columns
        ]
        out = []
        for row in self.frame.select(self.columns).iter_rows(named=True):
            cells = []
            for c, kind, link in specs:
                value = row[c]
                cells.append(
                    Cell(
                        text=format_value(c, kind, value),
                        css=css_for(c, kind, value),
                        href=link(row) if link and value not in (None, "") else "",
                    )
                )
            out.append(cells)
        return out

    @property
    def body_html(self) -> SafeString:
        """The ``<tbody>`` rows of :attr:`rows` as HTML, escaped; kept per data version under
        ``cache_key``, the columns and the order, when the view gives a key."""
        if self.cache_key is None:
            return self._body_html()
        return figure_result_cached(
            key=(
                "table-body",
                self.name,
                self.cache_key,
                tuple(self.columns),
                tuple(self.main),
                self.sort,
                self.descending,
            ),
            compute=self._body_html,
        )

    def _body_html(self) -> SafeString:
        """The rows as HTML.

        Built here rather than by a template loop: a case list has thousands of cells, and
        the template engine's per-cell lookups cost most of such a page's time. ``escape`` is
        the standard library's, which Django's own wraps (the same text, at less cost)."""
        out = []
        extra = [c in self.extra_columns for c in self.columns]
        for row in self.rows:
            cells = []
            for c, more in zip(row, extra, strict=True):
                classes = f"{c.css} more" if more and c.css else ("more" if more else c.css)
                css = f' class="{escape(classes)}"' if classes else ""
                text = escape(c.text)
                if c.href:
                    text = f'<a href="{escape(c.href)}">{text}</a>'
                cells.append(f"<td{css}>{text}</td>")
            out.append(f"<tr>{''.join(cells)}</tr>\n")
        if not out:
            out.append(f'<tr><td colspan="{len(self.columns)}">{EMPTY}</td></tr>\n')
        return mark_safe("".join(out))  # noqa: S308 (every value escaped above)

    def export_frame(self) -> pl.DataFrame:
        return self.frame.select(self.columns)


def format_value(name: str, kind: str, value: Any) -> str:
    if value is None:
        return "–"
    if name == "status":
        return STATUS_LABELS.get(value, value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == "text":
        return str(value)
    if name.endswith("_share"):
        return number(value * 100, 1) + "\u00a0%"
    if kind == "pct":
        return number(value, 1) + "\u00a0%"
    if kind == "sek":
        return number(value)
    if kind == "count":
        return number(value)
    return number(value, 1)


def css_for(name: str, kind: str, value: Any) -> str:
    classes = []
    if kind not in ("text", "date"):
        classes.append("num")
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        classes.append("neg")
    if name == "status" and value:
        classes.append(f"status status-{value}")
    if name == "flag_repeated" and value:
        classes.append("flag")
    return " ".join(classes)


def sort_param(request: HttpRequest, default: str = "") -> tuple[str, bool]:
    raw = request.GET.get("sort", default)
    return raw.lstrip("-"), raw.startswith("-")


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def xlsx_response(
    tables: Sequence[Table], *, filename: str, used: dict[str, Any] | None = None
) -> HttpResponse:
    """The tables as one workbook, a sheet each, exactly the rows on screen, with the
    settings and rates (``used``: ``{"settings": ..., "rates": RateSet}``) behind them."""
    sheets = [(t.title or t.name, t.export_frame()) for t in tables]
    used = used or {}
    rates = used.get("rates")
    body = to_xlsx(
        sheets,
        settings=used.get("settings"),
        title=", ".join(t.title or t.name for t in tables),
        rates=rates.describe() if rates is not None else None,
        rates_name=rates.name if rates is not None else "",
    )
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
