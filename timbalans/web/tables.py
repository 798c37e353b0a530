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
from timbalans.text.labels import STATUS, value_label
from timbalans.web.templatetags.sv import number

STATUS_LABELS = STATUS
#: Beside a status whose forecast counts no hours for the period's last days.
SCHEDULE_MISSING_AFTER = "schema saknas efter {date}"
SCHEDULE_MISSING = "inget schema i perioden"
#: The hours a week the schedule must change by to land on granted (weekly_change_hours).
WEEKLY_INCREASE = "öka med {hours} h/vecka"
WEEKLY_DECREASE = "minska med {hours} h/vecka"
WEEKLY_UNCHANGED = "ingen ändring"
#: Beside the schedule's change where the schedule runs out: the change at the current pace.
WEEKLY_AT_PACE = "{change} (i nuvarande takt: {pace})"
#: Number columns shown in words ("öka med 2,0 h/vecka"): sorted as numbers, aligned as text.
WORDED_COLUMNS = frozenset({"weekly_change_hours"})
#: Columns a row's cells read besides their own (a status's schedule, a change's goal), taken
#: from the frame when it has them even if they are not shown.
CONTEXT_COLUMNS = (
    "status",
    "schedule_missing",
    "schedule_end",
    "pace_weekly_change_hours",
    "goal_change_pct",
)
#: Money results: below zero is a loss.
RESULT_COLUMNS = frozenset(
    {
        "result",
        "result_ytd",
        "result_influenceable",
        "actual_result",
        "forecast_result",
        "year_result",
        "deviation_from_budget",
        "saving_sek",
    }
)
#: Overtime against the comparison year: less is better, and the year's goal says how much.
OVERTIME_CHANGE_COLUMNS = frozenset({"ytd_change_pct", "overtime_change_pct"})
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
                        name
                        for name, on in (
                            ("num", numeric and c not in WORDED_COLUMNS),
                            ("more", c in extra),
                        )
                        if on
                    ),
                }
            )
        return out

    @property
    def rows(self) -> list[list[Cell]]:
        specs = [
            (c, column_format(c, self.frame.schema[c]), self.links.get(c)) for c in self.columns
        ]
        read = [
            *self.columns,
            *(c for c in CONTEXT_COLUMNS if c in self.frame.columns and c not in self.columns),
        ]
        out = []
        for row in self.frame.select(read).iter_rows(named=True):
            cells = []
            for c, kind, link in specs:
                value = row[c]
                cells.append(
                    Cell(
                        text=format_value(c, kind, value, row),
                        css=css_for(c, kind, value, row),
                        href=link(row) if link and value not in (None, "") else "",
                    )
                )
            out.append(cells)
        return out

    @property
    def sort_query(self) -> str:
        """The ``sort`` parameter that gives this order (empty: the frame's own)."""
        if not self.sort:
            return ""
        return ("-" if self.descending else "") + self.sort

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


def format_value(name: str, kind: str, value: Any, row: dict[str, Any] | None = None) -> str:
    """A cell's text; ``row`` (the row's shown and context columns) where a cell says more
    than its own value."""
    if value is None:
        return "–"
    if name == "status":
        label = STATUS_LABELS.get(value, value)
        if row and row.get("schedule_missing"):
            return f"{label}, {schedule_note(row.get('schedule_end'))}"
        return label
    if name == "weekly_change_hours":
        return weekly_change_text(value, (row or {}).get("pace_weekly_change_hours"))
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == "text":
        return value_label(value, name)
    if name.endswith("_share"):
        return number(value * 100, 1) + "\u00a0%"
    if kind == "pct":
        return number(value, 1) + "\u00a0%"
    if kind == "sek":
        return number(value)
    if kind == "count":
        return number(value)
    return number(value, 1)


def schedule_note(schedule_end: Any) -> str:
    """What a forecast does not know: the days after the schedule's end."""
    if isinstance(schedule_end, dt.date):
        return SCHEDULE_MISSING_AFTER.format(date=schedule_end.isoformat())
    return SCHEDULE_MISSING


def weekly_change_text(hours: float, at_pace: float | None = None) -> str:
    """``weekly_change_hours`` as what to do: "öka med 2,5 h/vecka", "minska med ...";
    with ``at_pace`` (``pace_weekly_change_hours``, where the schedule runs out) the change at
    the current pace beside it."""
    text = _change(hours)
    if at_pace is None:
        return text
    return WEEKLY_AT_PACE.format(change=text, pace=_change(at_pace))


def _change(hours: float) -> str:
    shown = number(abs(hours), 1)
    if shown == number(0.0, 1):
        return WEEKLY_UNCHANGED
    return (WEEKLY_INCREASE if hours > 0 else WEEKLY_DECREASE).format(hours=shown)


def overtime_change_tone(change_pct: float | None, goal_pct: float | None) -> str:
    """The colour of overtime's change against the comparison year: ``good`` at or below the
    year's goal (without a goal: any decrease), ``warn`` a decrease that misses the goal,
    ``bad`` an increase; "" without a change."""
    if change_pct is None:
        return ""
    if change_pct > 0:
        return "bad"
    if goal_pct is None:
        return "good" if change_pct < 0 else ""
    return "good" if change_pct <= goal_pct else "warn"


def tone(name: str, value: Any, row: dict[str, Any] | None = None) -> str:
    """Whether a cell is good news, bad news or a warning (a class of the same name), by what
    the column means, never by the value's sign alone: an overtime change of −81 % against a
    goal of −50 % is good; a forecast under granted whose schedule runs out is not known yet."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    row = row or {}
    if name in RESULT_COLUMNS:
        return "bad" if value < 0 else ""
    if name in OVERTIME_CHANGE_COLUMNS:
        return overtime_change_tone(value, row.get("goal_change_pct"))
    if name in ("forecast_deviation_hours", "forecast_deviation_pct"):
        status = row.get("status")
        if status == "over":
            return "bad"
        if status == "under" and not row.get("schedule_missing"):
            return "warn"
        return ""
    if name in ("unpaid_hours", "forecast_over_hours"):
        return "bad" if value > 0 else ""
    if name == "forecast_under_hours":
        return "warn" if value < 0 else ""
    return ""


def css_for(name: str, kind: str, value: Any, row: dict[str, Any] | None = None) -> str:
    classes = []
    if kind not in ("text", "date") and name not in WORDED_COLUMNS:
        classes.append("num")
    meaning = tone(name, value, row)
    if meaning:
        classes.append(meaning)
    if kind == "date":
        classes.append("date")
    if name == "status" and value:
        unsure = value != "over" and row is not None and row.get("schedule_missing")
        classes.append(f"status status-{'unsure' if unsure else value}")
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
