"""The monthly follow-up (Månadsuppföljning): every figure table for one month as one XLSX
workbook, a sheet each with Swedish headers, and the settings used (figures/export.to_xlsx).

The per-employee sick-leave table (absence-employees) is left out on purpose: it is health
data about named staff, shown only on screen to the employee's unit manager, and a workbook
travels further than a screen. So is the per-employee limits table (working-time limits),
shown only to the roles that lead or schedule staff.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from timbalans.figures.export import to_xlsx

#: (figure table, sheet name) in the order of spec/figures.md.
SHEETS = (
    ("hour-balance", "Timbalans"),
    ("coverage", "Övertäckning"),
    ("capacity", "Överkapacitet"),
    ("case-economics", "Ärendeekonomi"),
    ("overtime", "Övertid"),
    ("absence", "Sjukfrånvaro"),
    ("savings", "Effekt av åtgärder"),
    ("fk-check", "Tidredovisning"),
    ("deviations", "Avvikelser"),
    ("absence-cases", "Sjukfrånvaro per ärende"),
    ("forecast", "Helårsprognos"),
)
# limits is per named employee for the roles that lead or schedule staff, a workbook is not.
LEFT_OUT = frozenset({"absence-employees", "limits"})


def month_range(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of D's month."""
    first = as_of.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def build_monthly(
    tables: dict[str, pl.DataFrame],
    *,
    settings: dict[str, Any],
    title: str,
    rates: list[dict[str, Any]] | None = None,
    rates_name: str = "",
) -> bytes:
    """One sheet per table present, in the order of ``SHEETS``; any table not named there
    (a table added to the registry later) follows under its own name; then the settings and
    the rate set used."""
    sheets = {sheet: tables[name] for name, sheet in SHEETS if name in tables}
    known = {name for name, _ in SHEETS}
    sheets.update(
        (name, frame)
        for name, frame in tables.items()
        if name not in known and name not in LEFT_OUT
    )
    return to_xlsx(sheets, settings=settings, title=title, rates=rates, rates_name=rates_name)
