"""Window steps over runs: in a frame sorted by a key, the rows of one key value (a run) lie
together, and a step within each run (the row before, a running total, the latest value
before) is an expression over the whole column, the runs' edges found by comparing each
row's key with its neighbour's.

The one way such steps are written on a sorted frame. Polars's ``.over(key)`` gives the same
values but evaluates a step such as ``shift`` or ``cum_max`` group by group, about 2 µs a
group: 3 ms for 5,000 absence rows of 1,800 employees, 0.2–0.3 s for 300,000 rows of 150,000
groups, where these take 0.1 and 2 ms. The frame must be sorted so that each run's rows are
together and in the order the step reads them; a null key is a value like any other (as in
``.over``).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def _keys(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def same_run(by: str | Sequence[str], n: int = 1) -> pl.Expr:
    """True where the row ``n`` rows earlier (``n`` < 0: later) is in the same run."""
    rows = pl.int_range(pl.len())
    inside = rows >= n if n >= 0 else rows < pl.len() + n
    return pl.all_horizontal(inside, *(pl.col(c).eq_missing(pl.col(c).shift(n)) for c in _keys(by)))


def run_starts(by: str | Sequence[str]) -> pl.Expr:
    """True on the first row of each run."""
    return ~same_run(by)


def shift_in_runs(expr: pl.Expr, by: str | Sequence[str], n: int = 1) -> pl.Expr:
    """``expr.shift(n).over(by)``: the value ``n`` rows earlier (``n`` < 0: later) in the
    same run, null where the run has no such row."""
    return pl.when(same_run(by, n)).then(expr.shift(n))


def cum_sum_in_runs(expr: pl.Expr, by: str | Sequence[str]) -> pl.Expr:
    """``expr.cum_sum().over(by)`` for integers (or booleans, counted) without nulls: the
    running total of the whole column less its total before the run, exact for integers."""
    value = expr.cast(pl.Int64)
    total = value.cum_sum()
    before = pl.when(run_starts(by)).then(total - value).forward_fill()
    return total - before


def latest_date_before_in_runs(date: pl.Expr, by: str | Sequence[str]) -> pl.Expr:
    """``date.cum_max().shift(1).over(by)`` for a ``pl.Date`` expression: the latest date of
    the run's earlier rows, null on a run's first row. A null date is skipped (where polars's
    running maximum is null on the row after a null).

    One running maximum over the whole column of (run number, date) packed in one integer,
    the run number in the high bits: a run's values all exceed every earlier run's, so the
    running maximum restarts at each run. A date is 32 bits, and a frame has fewer than 2³¹
    runs, so it always fits."""
    run = run_starts(by).cast(pl.Int64).cum_sum()
    day = date.cast(pl.Int32).cast(pl.Int64) + (1 << 31)
    packed = pl.when(date.is_not_null()).then(run * (1 << 32) + day).otherwise(run * (1 << 32))
    latest = packed.cum_max().shift(1)
    found = (latest % (1 << 32)) - (1 << 31)
    # The earlier row's maximum is of this run and was a date (not the run's bare number).
    return (
        pl.when(same_run(by) & (latest % (1 << 32) != 0))
        .then(found.cast(pl.Int32).cast(pl.Date))
        .otherwise(None)
    )


__all__ = [
    "cum_sum_in_runs",
    "latest_date_before_in_runs",
    "run_starts",
    "same_run",
    "shift_in_runs",
]
