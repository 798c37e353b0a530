"""The figure tables by name, and the request every figure function receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from timbalans.figures.frames import Frames
from timbalans.figures.settings import FigureSettings


@dataclass(frozen=True)
class FigureRequest:
    """``as_of`` is D; rows are those whose period or month overlaps [date_from, date_to]."""

    as_of: date
    date_from: date
    date_to: date
    settings: FigureSettings

    @classmethod
    def make(
        cls,
        as_of: date,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        settings: FigureSettings | None = None,
    ) -> FigureRequest:
        # The tables that apply one value of a rate per request read it on D.
        chosen = settings or FigureSettings()
        if chosen.rates_on is None:
            chosen = replace(chosen, rates_on=as_of)
        return cls(
            as_of=as_of,
            date_from=date_from or as_of,
            date_to=date_to or date_from or as_of,
            settings=chosen,
        )


FigureFunction = Callable[[Frames, FigureRequest], pl.DataFrame]


def figure_functions() -> dict[str, FigureFunction]:
    """Every figure table of spec/figures.md that is implemented, by its name."""
    from timbalans.figures.absence import absence, absence_employees
    from timbalans.figures.capacity import capacity
    from timbalans.figures.case_economics import case_economics
    from timbalans.figures.coverage import coverage
    from timbalans.figures.hour_balance import hour_balance
    from timbalans.figures.overtime import overtime
    from timbalans.figures.savings import savings

    return {
        "hour-balance": hour_balance,
        "coverage": coverage,
        "capacity": capacity,
        "overtime": overtime,
        "absence": absence,
        "absence-employees": absence_employees,
        "case-economics": case_economics,
        "savings": savings,
    }


FIGURE_NAMES = (
    "hour-balance",
    "coverage",
    "capacity",
    "overtime",
    "absence",
    "absence-employees",
    "case-economics",
    "savings",
)
