"""The columns of staffing-backtest (:mod:`timbalans.figures.backtest`), apart from its
computation: the pages name them when their module is imported, and the computation imports
the staffing core (numpy, the candidates' models), which a process that only warms the
overview after an import does not need (a fifth of a second of each such process)."""

from __future__ import annotations

COLUMNS = (
    "unit_id",
    "month",
    "bought_hours",
    "actual_cost",
    "tier1_hours",
    "tier2_hours",
    "remaining_bought_hours",
    "backtest_cost",
    "saving_sek",
    "saving_pct",
)

__all__ = ["COLUMNS"]
