"""The figure tables by name, and the request every figure function receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from importlib import import_module

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

    @property
    def horizon(self) -> date:
        """The day open-ended decisions run to the settlement period of (data.md): the later
        of D and the end of the dates asked for."""
        return max(self.as_of, self.date_to)


FigureFunction = Callable[[Frames, FigureRequest], pl.DataFrame]


# name -> (module, function): a table's module is imported when the table is first asked for,
# so that one table (the command line, a page) does not import what the others need.
_FUNCTIONS = {
    "hour-balance": ("timbalans.figures.hour_balance", "hour_balance"),
    "coverage": ("timbalans.figures.coverage", "coverage"),
    "capacity": ("timbalans.figures.capacity", "capacity"),
    "overtime": ("timbalans.figures.overtime", "overtime"),
    "absence": ("timbalans.figures.absence", "absence"),
    "absence-employees": ("timbalans.figures.absence", "absence_employees"),
    "case-economics": ("timbalans.figures.case_economics", "case_economics"),
    "savings": ("timbalans.figures.savings", "savings"),
    # issue 14: the payer's time reports, schedule deviations, sick leave per case, limits
    "fk-check": ("timbalans.figures.fk_check", "fk_check"),
    "deviations": ("timbalans.figures.deviations", "deviations"),
    "absence-cases": ("timbalans.figures.absence_cases", "absence_cases"),
    "limits": ("timbalans.figures.limits", "limits"),
    "forecast": ("timbalans.figures.forecast", "forecast"),
    # issue 19: what the staffing priority order would have saved
    "staffing-backtest": ("timbalans.figures.backtest", "staffing_backtest"),
    "continuity": ("timbalans.figures.continuity", "continuity"),
    "staffing-structure": ("timbalans.figures.structure", "staffing_structure"),
}
FIGURE_NAMES = tuple(_FUNCTIONS)


def figure_function(name: str) -> FigureFunction:
    """The figure table ``name`` of spec/figures.md (KeyError for an unknown name)."""
    module, function = _FUNCTIONS[name]
    found: FigureFunction = getattr(import_module(module), function)
    return found
