"""Sick spells, sick-pay periods, day numbers and occasions, from the absences frame.

Input: the parsed absences frame (``timbalans.ingest.schema``): ``employee_id``, ``start`` and
``end`` (``Datetime("us", "Europe/Stockholm")``, half-open: a whole-day row ends at 00:00 the
day after its last day), ``type``. Only rows of the sick types (default ``("sick",)``) count;
extent and hours do not matter here (a 25 % sick day is a sick day).

Rules (spec figures.md "absence"; sjuklönelagen):

* **Calendar days of a row.** A row covers the local dates from the date of ``start`` to the
  date of its last instant (``end`` − 1 µs); a row inside one day (e.g. 13:00–16:00) covers
  that date.
* **Spells.** Rows of one employee are merged into one spell when they overlap or touch by date:
  a row starting on or before the day after the running spell's last day joins it. A spell has
  ``start`` and ``end`` (inclusive dates). Every spell is one sick **occasion**.
* **Sick-pay periods.** A spell starting within ``continuation_days`` (5) days of the previous
  spell's end (``start − previous end ≤ 5`` days, i.e. at most 4 healthy days in between)
  continues the previous spell's sick-pay period: it is a new occasion, but its days are
  numbered on from where the previous spell stopped. A later start begins a new sick-pay
  period, numbered from 1. Day numbers count sick calendar days only (the healthy days in
  between are not numbered).
* **Day numbers** (1..n per sick-pay period) are what the figures use to split sick hours into
  days 1–14 (short), day 15 on (long) and day 60 on. :func:`sick_days` gives one row per sick
  calendar day with its number; :func:`day_number_cuts` gives the dates where a given day
  number begins, to cut absence intervals there with :func:`timbalans.core.intervals.split_at`.

Everything is computed with steps over the employees' runs of the sorted frame
(:mod:`timbalans.core.runs`); no Python loop over rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from timbalans.core.intervals import last_local_date, local_date
from timbalans.core.runs import cum_sum_in_runs, latest_date_before_in_runs, shift_in_runs

SICK_TYPES = ("sick",)
CONTINUATION_DAYS = 5

SPELL_SCHEMA = {
    "employee_id": pl.String(),
    "spell_no": pl.Int64(),
    "start": pl.Date(),
    "end": pl.Date(),
    "days": pl.Int64(),
    "new_occasion": pl.Boolean(),
    "new_sick_period": pl.Boolean(),
    "sick_period_no": pl.Int64(),
    "first_day_number": pl.Int64(),
    "last_day_number": pl.Int64(),
}


def _row_dates(absences: pl.DataFrame | pl.LazyFrame, types: Sequence[str]) -> pl.LazyFrame:
    lf = absences.lazy()
    if "type" in lf.collect_schema().names():
        lf = lf.filter(pl.col("type").is_in(list(types)))
    schema = lf.collect_schema()
    start, end = pl.col("start"), pl.col("end")
    if schema["start"] == pl.Date:
        # Already dates: ``end`` is then taken as the inclusive last day.
        first, last = start, end
    else:
        first, last = local_date(start), last_local_date(end)
    return (
        lf.select(
            pl.col("employee_id").cast(pl.String),
            first.alias("first"),
            last.alias("last"),
        )
        .drop_nulls()
        .with_columns(pl.max_horizontal("first", "last").alias("last"))
    )


def sick_spells(
    absences: pl.DataFrame | pl.LazyFrame,
    *,
    types: Sequence[str] = SICK_TYPES,
    continuation_days: int = CONTINUATION_DAYS,
) -> pl.DataFrame:
    """Merge sick absence rows into spells and number their days.

    Returns one row per spell, sorted by ``employee_id`` and ``start``:
    ``employee_id``, ``spell_no`` (1.. per employee), ``start``, ``end`` (inclusive dates),
    ``days`` (calendar days in the spell), ``new_occasion`` (True: every spell is an
    occasion), ``new_sick_period`` (False when the spell continues the previous one's sick-pay
    period by the 5-day rule), ``sick_period_no`` (1.. per employee), ``first_day_number`` and
    ``last_day_number`` (the day numbers of its first and last day in its sick-pay period).

    ``absences`` may also carry ``start``/``end`` as ``pl.Date`` with an inclusive end.
    """
    rows = _row_dates(absences, types).sort("employee_id", "first", "last")
    emp = "employee_id"
    prev_last = latest_date_before_in_runs(pl.col("last"), emp)
    merged = (
        rows.with_columns(
            new_spell=(prev_last.is_null() | (pl.col("first") > prev_last + pl.duration(days=1)))
        )
        .with_columns(spell_no=cum_sum_in_runs(pl.col("new_spell"), emp))
        .group_by("employee_id", "spell_no")
        .agg(pl.col("first").min().alias("start"), pl.col("last").max().alias("end"))
        .sort("employee_id", "start")
        .with_columns(days=(pl.col("end") - pl.col("start")).dt.total_days() + 1)
    )
    prev_end = shift_in_runs(pl.col("end"), emp)
    gap = (pl.col("start") - prev_end).dt.total_days()
    out = (
        merged.with_columns(
            new_occasion=pl.lit(True),
            new_sick_period=(prev_end.is_null() | (gap > continuation_days)),
        )
        .with_columns(sick_period_no=cum_sum_in_runs(pl.col("new_sick_period"), emp))
        .with_columns(last_day_number=cum_sum_in_runs(pl.col("days"), [emp, "sick_period_no"]))
        .with_columns(first_day_number=pl.col("last_day_number") - pl.col("days") + 1)
        .select(list(SPELL_SCHEMA))
        .collect()
    )
    return out.cast(SPELL_SCHEMA)  # type: ignore[arg-type]


def sick_days(spells: pl.DataFrame) -> pl.DataFrame:
    """One row per employee and sick calendar day, with its day number in the sick-pay period.

    Columns: ``employee_id``, ``date``, ``spell_no``, ``sick_period_no``, ``day_number``.
    """
    return (
        spells.select(
            "employee_id",
            "spell_no",
            "sick_period_no",
            "start",
            "first_day_number",
            pl.date_ranges("start", "end", interval="1d").alias("date"),
        )
        .explode("date")
        .select(
            "employee_id",
            "date",
            "spell_no",
            "sick_period_no",
            (pl.col("first_day_number") + (pl.col("date") - pl.col("start")).dt.total_days()).alias(
                "day_number"
            ),
        )
    )


def day_number_cuts(spells: pl.DataFrame, day_numbers: Sequence[int] = (15, 60)) -> pl.DataFrame:
    """The dates on which each of ``day_numbers`` falls, per employee.

    Columns ``employee_id``, ``day_number``, ``at`` (``pl.Date``): sick day ``day_number`` of
    a sick-pay period is the date ``at``. Cutting an employee's absence intervals at local
    midnight of these dates (``split_at(absences, cuts.select("employee_id", "at"),
    by="employee_id")``) leaves every piece wholly before or from that day number.
    """
    parts = [
        spells.filter((pl.col("first_day_number") <= n) & (pl.col("last_day_number") >= n)).select(
            "employee_id",
            pl.lit(n, pl.Int64).alias("day_number"),
            (pl.col("start") + pl.duration(days=n - pl.col("first_day_number"))).alias("at"),
        )
        for n in day_numbers
    ]
    if not parts:
        return pl.DataFrame(
            schema={"employee_id": pl.String, "day_number": pl.Int64, "at": pl.Date}
        )
    return pl.concat(parts).sort("employee_id", "at")


def occasions_in_window(
    spells: pl.DataFrame, start_date: dt.date, end_date: dt.date
) -> pl.DataFrame:
    """Sick occasions (spells) starting in ``[start_date, end_date]`` (inclusive), per employee.

    Columns ``employee_id``, ``occasions`` (Int64); employees with none are not listed.
    """
    return (
        spells.filter(
            (pl.col("start") >= pl.lit(start_date, pl.Date))
            & (pl.col("start") <= pl.lit(end_date, pl.Date))
        )
        .group_by("employee_id")
        .agg(pl.len().cast(pl.Int64).alias("occasions"))
        .sort("employee_id")
    )


def twelve_months_ending(day: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months ending on ``day``: (same date a year earlier + 1 day, ``day``).

    2025-06-30 -> (2024-07-01, 2025-06-30); 2024-02-29 -> (2023-03-01, 2024-02-29).
    """
    try:
        year_before = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        year_before = day.replace(year=day.year - 1, day=28)
    return year_before + dt.timedelta(days=1), day


__all__ = [
    "CONTINUATION_DAYS",
    "SICK_TYPES",
    "day_number_cuts",
    "occasions_in_window",
    "sick_days",
    "sick_spells",
    "twelve_months_ending",
]
