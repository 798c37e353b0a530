"""Settlement periods (avräkningsperioder) and granted hours, from the decisions frame.

Input: a decisions frame as parsed (``timbalans.ingest.schema``): ``case_id``, ``payer``
(``FK``/``KOMMUN``), ``hours_per_week``, ``double_hours_per_week`` (null = 0), ``valid_from``,
``valid_to`` (inclusive), ``period_start``, ``period_months`` (null = 6); ``hourly_rate`` is
carried along where present. Dates are ``pl.Date``.

**Granted hours** (spec, figures.md): a period's granted hours are the sum over the case's
decisions of ``hours_per_week × (days of the decision's validity inside the period) / 7``; the
same with ``double_hours_per_week`` for granted double hours. :func:`granted_hours_by_month`
applies the same days/7 rule to calendar months. Because the rule is additive over days, the
granted hours of consecutive periods (or months) add up to the granted hours of their union,
exactly.

**Validity as the spec reads it (data.md, decisions)**, applied once in
:func:`normalize_decisions`, so every table sees the same decisions:

* *Supersession.* Of two decisions of the same case and payer, the newer one (later
  ``valid_from``) supersedes the older from its ``valid_from``: the older one ends the day
  before. So granted hours are never summed over overlapping decisions of one payer (an FK and
  a KOMMUN decision of one case are two grants and both count). The importer reports each
  supersession as a notice.
* *Open-ended decisions* (``valid_to`` empty, tills vidare) run on through the settlement
  period that contains the *horizon* (the later of D and the end of the dates asked for, or
  the decision's own ``valid_from`` when that is later): their ``valid_to`` becomes that
  period's end. The periods are computed twice for it: once with a provisional end far enough
  out that the period containing the horizon is whole, then with the end found.

**The period chain: the rules chosen here.** The spec says settlement periods of a decision run
from ``period_start`` in steps of ``period_months`` calendar months. A case can have several
decisions, each with its own ``period_start``/``period_months``; the case's periods are:

1. *Grid.* Decision *i* defines the grid of dates ``period_start + k × period_months`` months,
   for every integer *k* (so the grid also extends backwards). Months are added to the anchor
   with the day clamped to the month's length (2025-01-31 + 1 month = 2025-02-28, + 2 months =
   2025-03-31), always counted from the anchor.
2. *Same chain continues.* A decision whose grid is the grid of the decision before it (same
   ``period_months``, and each ``period_start`` lies on the other's grid) does not start
   anything: the periods run on across the change of decision, and a period with two decisions
   gets the sum of their day-weighted parts. This is the ordinary case of a decision changing
   the hours mid-period.
3. *A new chain begins* when a decision's grid differs from the previous decision's. It takes
   over at its *begin*: its own ``period_start`` if that is on or after its ``valid_from`` (the
   days in between still belong to the running period of the old chain, which is extended or
   clipped to end the day before); otherwise the last grid date on or before its
   ``valid_from`` (its period containing ``valid_from``; the old chain's running period is
   clipped to end the day before). A begin is never earlier than the previous chain's begin (if
   it would be, the previous chain is superseded entirely and the new chain's first period
   starts at the previous begin).
4. *Coverage.* A case's periods cover the days from its first decision's ``valid_from`` to
   the end of the period that contains its last ``valid_to`` (the maximum): the first period
   starts at the first ``valid_from`` (clipped if the grid started earlier, a short first
   period if the grid starts later), and the last period keeps its real end on the grid of
   its chain even when the decision ends mid-period (spec, data.md): its granted hours end
   with the decision, while the row, and the work done in it, stays visible to its end.
   Gaps between decisions stay inside their periods (with no granted days for the gap); a
   period with no decision day at all (only possible inside a
   long gap) is kept with granted 0 and payer null, so work done in it is not lost.

So every period is one period of the grid in force, possibly clipped; no period is longer than
``period_months`` of its chain; the periods of a case are contiguous and never overlap.

**Payer** of a period: the payer of the decisions with at least one valid day in it, or
``mixed`` when they differ (null when there are none).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.runs import latest_date_before_in_runs, run_starts, shift_in_runs

FK = "FK"
KOMMUN = "KOMMUN"
MIXED = "mixed"
DEFAULT_PERIOD_MONTHS = 6

PERIOD_SCHEMA = {
    "case_id": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "payer": pl.String(),
    "granted_hours": pl.Float64(),
    "granted_double_hours": pl.Float64(),
}


# --------------------------------------------------------------------------- date arithmetic


def month_index(date: pl.Expr) -> pl.Expr:
    """Expression: months since year 0 (``year × 12 + month − 1``), Int64."""
    return date.dt.year().cast(pl.Int64) * 12 + date.dt.month().cast(pl.Int64) - 1


def add_months(date: pl.Expr, months: pl.Expr) -> pl.Expr:
    """Expression: ``date`` plus ``months`` calendar months, the day clamped to the month end.

    Always computed from ``date`` (2025-01-31 + 1 = 2025-02-28, 2025-01-31 + 2 = 2025-03-31):
    polars's ``offset_by`` by ``"<n>mo"``, which clamps the day so (one operation where the
    year, month and day arithmetic took a dozen, each repeated wherever the result is used).
    """
    return date.dt.offset_by(pl.format("{}mo", months))


def _on_grid(anchor: pl.Expr, step: pl.Expr, x: pl.Expr) -> pl.Expr:
    n = month_index(x) - month_index(anchor)
    return ((n % step) == 0) & (add_months(anchor, n) == x)


def _days_between(first: pl.Expr, last: pl.Expr) -> pl.Expr:
    """Inclusive count of days from ``first`` to ``last`` (0 when last < first)."""
    n = (last - first).dt.total_days() + 1
    return pl.when(n > 0).then(n).otherwise(0)


# --------------------------------------------------------------------------- decisions


def normalize_decisions(decisions: pl.DataFrame, *, horizon: dt.date | None = None) -> pl.DataFrame:
    """Decisions with defaults applied, superseded ends cut, open ends resolved, sorted by
    case and ``valid_from``.

    ``period_months`` null -> 6, ``double_hours_per_week`` null/absent -> 0.0; optional
    ``hourly_rate`` added as null when absent. An older decision of the same case and payer
    ends the day before a newer one's ``valid_from``; an open-ended decision runs through the
    period containing ``horizon`` (module docstring). Raises ``ValueError`` for a decision
    whose ``valid_to`` is before its ``valid_from``, whose ``period_months`` is not positive,
    or that is open-ended when no ``horizon`` is given.
    """
    d = decisions
    if "double_hours_per_week" not in d.columns:
        d = d.with_columns(double_hours_per_week=pl.lit(None, pl.Float64))
    if "period_months" not in d.columns:
        d = d.with_columns(period_months=pl.lit(None, pl.Int64))
    if "hourly_rate" not in d.columns:
        d = d.with_columns(hourly_rate=pl.lit(None, pl.Float64))
    d = d.with_columns(
        pl.col("case_id").cast(pl.String),
        pl.col("payer").cast(pl.String),
        pl.col("hours_per_week").cast(pl.Float64),
        pl.col("double_hours_per_week").cast(pl.Float64).fill_null(0.0),
        pl.col("valid_from").cast(pl.Date),
        pl.col("valid_to").cast(pl.Date),
        pl.col("period_start").cast(pl.Date),
        pl.col("period_months").cast(pl.Int64).fill_null(DEFAULT_PERIOD_MONTHS),
        pl.col("hourly_rate").cast(pl.Float64),
    ).sort("case_id", "valid_from")
    bad = d.filter((pl.col("valid_to") < pl.col("valid_from")) | (pl.col("period_months") < 1))
    if bad.height:
        rows = ", ".join(f"{r['case_id']} {r['valid_from']}" for r in bad.head(5).to_dicts())
        raise ValueError(f"decisions with valid_to before valid_from or period_months < 1: {rows}")
    d = _superseded_ends(d)
    return _open_ends_resolved(d, horizon)


def _superseded_ends(d: pl.DataFrame) -> pl.DataFrame:
    """``valid_to`` cut to the day before the next decision of the same case and payer."""
    d = _with_next_from(d)
    next_from = pl.col("__next_from")
    cut = next_from - pl.duration(days=1)
    return d.with_columns(
        valid_to=pl.when(
            next_from.is_not_null() & (pl.col("valid_to").is_null() | (pl.col("valid_to") > cut))
        )
        .then(cut)
        .otherwise(pl.col("valid_to"))
    ).drop("__next_from")


def _with_next_from(d: pl.DataFrame) -> pl.DataFrame:
    """``d`` with ``__next_from``: the ``valid_from`` of the next decision of the same case and
    payer (null for the last), rows in their order. Found in the frame sorted by case, payer
    and start (:mod:`timbalans.core.runs`; a window ordered by ``valid_from`` took 5 ms of
    485 decisions)."""
    runs = ["case_id", "payer"]
    return (
        d.with_row_index("__at")
        .sort(*runs, "valid_from")
        .with_columns(__next_from=shift_in_runs(pl.col("valid_from"), runs, -1))
        .sort("__at")
        .drop("__at")
    )


def superseded_decisions(decisions: pl.DataFrame) -> pl.DataFrame:
    """The decisions a newer one of the same case and payer supersedes (for the import notice).

    ``case_id``, ``payer``, ``valid_from``, ``valid_to`` (as given, null = open),
    ``new_valid_from`` (the newer decision's start) and ``new_valid_to`` (the day before it),
    one row per older decision whose validity reached the newer one's start; sorted.
    """
    d = decisions.select(
        pl.col("case_id").cast(pl.String),
        pl.col("payer").cast(pl.String),
        pl.col("valid_from").cast(pl.Date),
        pl.col("valid_to").cast(pl.Date),
    ).drop_nulls(["case_id", "payer", "valid_from"])
    return (
        _with_next_from(d)
        .rename({"__next_from": "new_valid_from"})
        .filter(
            pl.col("new_valid_from").is_not_null()
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("new_valid_from")))
        )
        .with_columns(new_valid_to=pl.col("new_valid_from") - pl.duration(days=1))
        .sort("case_id", "payer", "valid_from")
    )


def _open_ends_resolved(d: pl.DataFrame, horizon: dt.date | None) -> pl.DataFrame:
    open_end = pl.col("valid_to").is_null()
    if not d.select(open_end.any()).item():
        return d
    if horizon is None:
        raise ValueError("open-ended decisions (valid_to empty) need a horizon")
    # Per case, the day whose period the open decisions run through.
    reach = pl.max_horizontal(pl.lit(horizon, pl.Date), pl.col("valid_from"))
    d = d.with_columns(
        __reach=pl.when(open_end).then(reach).max().over("case_id"),
        __open=open_end,
    )
    provisional = d.with_columns(
        valid_to=pl.when(open_end)
        .then(add_months(pl.col("__reach"), pl.col("period_months")))
        .otherwise(pl.col("valid_to"))
    )
    reach_by_case = d.filter("__open").group_by("case_id").agg(pl.col("__reach").first())
    ends = (
        _period_frame(provisional.drop("__reach", "__open"))
        .join(reach_by_case, on="case_id", how="inner")
        .filter(
            (pl.col("period_start") <= pl.col("__reach"))
            & (pl.col("__reach") <= pl.col("period_end"))
        )
        .select("case_id", pl.col("period_end").alias("__end"))
    )
    return (
        d.join(ends, on="case_id", how="left")
        .with_columns(
            valid_to=pl.when("__open")
            .then(pl.max_horizontal("__end", "valid_from"))
            .otherwise(pl.col("valid_to"))
        )
        .drop("__reach", "__open", "__end")
        .sort("case_id", "valid_from")
    )


def period_boundaries(decisions: pl.DataFrame, *, horizon: dt.date | None = None) -> pl.DataFrame:
    """Per case the sorted distinct boundary dates: ``case_id``, ``boundary`` (``pl.Date``).

    Each period starts at a boundary and ends the day before the next one; the last boundary
    is the first day after the period that contains the case's last ``valid_to``. See the
    module docstring for the rules.
    """
    d = normalize_decisions(decisions, horizon=horizon)
    a, m, vf = pl.col("period_start"), pl.col("period_months"), pl.col("valid_from")
    # The case's previous decision, as columns: the rules below read it a dozen times, and a
    # window expression in them would be computed again each time (30 ms of the 40 ms of a
    # municipality's periods).
    d = d.with_columns(
        __prev_a=shift_in_runs(a, "case_id"),
        __prev_m=shift_in_runs(m, "case_id"),
        __first=run_starts("case_id"),
    )
    prev_a, prev_m, first_of_case = pl.col("__prev_a"), pl.col("__prev_m"), pl.col("__first")
    same_chain = (m == prev_m) & _on_grid(prev_a, m, a) & _on_grid(a, m, prev_a)
    k = (month_index(vf) - month_index(a)) // m
    grid_at_k = add_months(a, k * m)
    last_grid_le_vf = pl.when(grid_at_k <= vf).then(grid_at_k).otherwise(add_months(a, (k - 1) * m))
    raw_begin = pl.when(first_of_case).then(vf).when(a >= vf).then(a).otherwise(last_grid_le_vf)
    # Lazily, so that the month arithmetic's common parts are computed once (an eager
    # ``with_columns`` repeats every copy of them: 9 of its 10 ms).
    d = (
        d.lazy()
        .with_columns(
            coverage_end=pl.col("valid_to").max().over("case_id") + pl.duration(days=1),
            new_chain=first_of_case | ~same_chain.fill_null(False),
            raw_begin=raw_begin,
        )
        .drop("__prev_a", "__prev_m", "__first")
        .collect()
    )
    segments = (
        d.filter("new_chain")
        .with_columns(
            begin=pl.max_horizontal(
                "raw_begin", latest_date_before_in_runs(pl.col("raw_begin"), "case_id")
            )
        )
        .with_columns(
            seg_end=shift_in_runs(pl.col("begin"), "case_id", -1).fill_null(pl.col("coverage_end"))
        )
        .with_columns(seg_end=pl.min_horizontal("seg_end", "coverage_end"))
        .filter(pl.col("begin") < pl.col("seg_end"))
    )
    k_lo = (month_index(pl.col("begin")) - month_index(a)) // m
    k_hi = (month_index(pl.col("seg_end")) - month_index(a)) // m + 1
    grid = (
        segments.select(
            "case_id",
            "period_start",
            "period_months",
            "begin",
            "seg_end",
            pl.int_ranges(k_lo, k_hi + 1).alias("k"),
        )
        .explode("k")
        .select("case_id", "begin", "seg_end", add_months(a, pl.col("k") * m).alias("boundary"))
        .filter((pl.col("boundary") > pl.col("begin")) & (pl.col("boundary") < pl.col("seg_end")))
    )
    return (
        pl.concat(
            [
                segments.select("case_id", pl.col("begin").alias("boundary")),
                grid.select("case_id", "boundary"),
                _real_ends(segments),
            ]
        )
        .unique()
        .sort("case_id", "boundary")
    )


def _real_ends(segments: pl.DataFrame) -> pl.DataFrame:
    """Per case the last boundary: the first date on the last chain's grid on or after the
    day after the last ``valid_to`` (the end of the period containing it, plus one day)."""
    a, m, end = pl.col("period_start"), pl.col("period_months"), pl.col("coverage_end")
    k = (month_index(end) - month_index(a)) // m
    at_k = add_months(a, k * m)
    real = pl.when(at_k >= end).then(at_k).otherwise(add_months(a, (k + 1) * m))
    # The segments are in order of begin within each case (``period_boundaries``).
    return (
        segments.lazy()
        .group_by("case_id")
        .agg(pl.all().last())
        .select("case_id", real.alias("boundary"))
        .collect()
    )


def _period_frame(decisions: pl.DataFrame) -> pl.DataFrame:
    return (
        period_boundaries(decisions)
        .with_columns(
            period_end=shift_in_runs(pl.col("boundary"), "case_id", -1) - pl.duration(days=1)
        )
        .drop_nulls("period_end")
        .select("case_id", pl.col("boundary").alias("period_start"), "period_end")
    )


def period_decisions(decisions: pl.DataFrame, *, horizon: dt.date | None = None) -> pl.DataFrame:
    """Each decision's part of each settlement period of its case.

    One row per (period, decision) with at least one valid day in the period: ``case_id``,
    ``period_start``, ``period_end``, ``valid_from`` (the decision's key), ``payer``,
    ``hourly_rate``, ``days`` (the decision's valid days inside the period), ``granted_hours``
    (``hours_per_week × days / 7``) and ``granted_double_hours``. Sorted by case, period,
    decision. Summing it per period gives :func:`settlement_periods`' granted columns.
    """
    d = normalize_decisions(decisions, horizon=horizon)
    periods = _period_frame(d)
    return _decision_parts(periods, d)


def _decision_parts(periods: pl.DataFrame, d: pl.DataFrame) -> pl.DataFrame:
    days = _days_between(
        pl.max_horizontal("period_start", "valid_from"),
        pl.min_horizontal("period_end", "valid_to"),
    )
    return (
        periods.join(
            d.select(
                "case_id",
                "valid_from",
                "valid_to",
                "payer",
                "hourly_rate",
                "hours_per_week",
                "double_hours_per_week",
            ),
            on="case_id",
            how="inner",
        )
        .with_columns(days=days)
        .filter(pl.col("days") > 0)
        .select(
            "case_id",
            "period_start",
            "period_end",
            "valid_from",
            "payer",
            "hourly_rate",
            "days",
            (pl.col("hours_per_week") * pl.col("days") / 7).alias("granted_hours"),
            (pl.col("double_hours_per_week") * pl.col("days") / 7).alias("granted_double_hours"),
        )
        .sort("case_id", "period_start", "valid_from")
    )


def _payer_agg() -> pl.Expr:
    n = pl.col("payer").drop_nulls().n_unique()
    return (
        pl.when(n == 1)
        .then(pl.col("payer").drop_nulls().first())
        .when(n > 1)
        .then(pl.lit(MIXED))
        .otherwise(pl.lit(None, pl.String))
        .alias("payer")
    )


def settlement_periods(decisions: pl.DataFrame, *, horizon: dt.date | None = None) -> pl.DataFrame:
    """The settlement periods of every case, with payer and granted hours.

    Returns ``case_id``, ``period_start``, ``period_end`` (inclusive), ``payer`` (``FK``,
    ``KOMMUN``, ``mixed``; null without decision days), ``granted_hours``,
    ``granted_double_hours`` (``Float64``), sorted by case and period. Periods follow the chain
    rules of the module docstring.
    """
    d = normalize_decisions(decisions, horizon=horizon)
    periods = _period_frame(d)
    parts = _decision_parts(periods, d)
    agg = parts.group_by("case_id", "period_start").agg(
        _payer_agg(),
        pl.col("granted_hours").sum(),
        pl.col("granted_double_hours").sum(),
    )
    return (
        periods.join(agg, on=["case_id", "period_start"], how="left")
        .with_columns(pl.col("granted_hours", "granted_double_hours").fill_null(0.0))
        .select(list(PERIOD_SCHEMA))
        .cast(PERIOD_SCHEMA)  # type: ignore[arg-type]
        .sort("case_id", "period_start")
    )


def granted_hours_by_month(
    decisions: pl.DataFrame, *, horizon: dt.date | None = None
) -> pl.DataFrame:
    """Granted hours per case and calendar month by the days/7 rule.

    Returns ``case_id``, ``month`` (``YYYY-MM``), ``payer`` (as for periods), ``granted_hours``,
    ``granted_double_hours``: one row per case and month with at least one valid day, sorted.
    """
    d = normalize_decisions(decisions, horizon=horizon)
    months = (
        d.with_columns(
            month_start=pl.date_ranges(
                pl.col("valid_from").dt.month_start(),
                pl.col("valid_to").dt.month_start(),
                interval="1mo",
            )
        )
        .explode("month_start")
        .with_columns(
            days=_days_between(
                pl.max_horizontal("month_start", "valid_from"),
                pl.min_horizontal(pl.col("month_start").dt.month_end(), "valid_to"),
            )
        )
        .filter(pl.col("days") > 0)
    )
    return (
        months.group_by("case_id", "month_start")
        .agg(
            _payer_agg(),
            (pl.col("hours_per_week") * pl.col("days") / 7).sum().alias("granted_hours"),
            (pl.col("double_hours_per_week") * pl.col("days") / 7)
            .sum()
            .alias("granted_double_hours"),
        )
        .sort("case_id", "month_start")
        .select(
            "case_id",
            pl.col("month_start").dt.strftime("%Y-%m").alias("month"),
            "payer",
            "granted_hours",
            "granted_double_hours",
        )
    )


def periods_overlapping(periods: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    """The periods that overlap the date range ``[first, last]`` (inclusive dates).

    The spec's row selection for period tables: by default ``first = last = D``, the periods
    that contain D.
    """
    return periods.filter(
        (pl.col("period_start") <= pl.lit(last, pl.Date))
        & (pl.col("period_end") >= pl.lit(first, pl.Date))
    )


__all__ = [
    "FK",
    "KOMMUN",
    "MIXED",
    "add_months",
    "granted_hours_by_month",
    "month_index",
    "normalize_decisions",
    "period_boundaries",
    "period_decisions",
    "periods_overlapping",
    "settlement_periods",
    "superseded_decisions",
]
