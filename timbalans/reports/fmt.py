"""Swedish number formats for the documents: 1 234 567 kr, 300–400 tkr, 12,5 %.

Numbers as on the pages (``text.numbers``); non-breaking spaces before units.
"""

from __future__ import annotations

import datetime as dt

from timbalans.text.numbers import DASH, NBSP, number


def kr(value: float | int | None) -> str:
    return DASH if value is None else number(value) + NBSP + "kr"


def tkr(value: float | int | None) -> str:
    return DASH if value is None else number(float(value) / 1000) + NBSP + "tkr"


def tkr_range(low: float | int | None, high: float | int | None) -> str:
    """300–400 tkr; a single value when both ends are equal; – when unknown."""
    if low is None or high is None:
        return DASH
    if round(low / 1000) == round(high / 1000):
        return tkr(low)
    return f"{number(low / 1000)}{DASH}{number(high / 1000)}{NBSP}tkr"


def kr_range(low: float | int | None, high: float | int | None) -> str:
    """300 000 – 400 000 kr, as the seed writes an estimated effect."""
    if low is None or high is None:
        return DASH
    return f"{number(low)} {DASH} {number(high)}{NBSP}kr"


def hours(value: float | None) -> str:
    return DASH if value is None else number(value, 1) + NBSP + "h"


def pct(value: float | None, decimals: int = 1) -> str:
    return DASH if value is None else number(value, decimals) + NBSP + "%"


def signed_pct(value: float | None) -> str:
    if value is None:
        return DASH
    return ("+" if value > 0 else "") + pct(value)


def date(value: dt.date | None) -> str:
    return DASH if value is None else value.isoformat()


def kpi(value: float | None, unit: str) -> str:
    return hours(value) if unit == "h" else kr(value)
