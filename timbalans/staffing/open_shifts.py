"""Open shifts from the canonical frames.

An open shift is a planned shift (any kind) that starts after D 24:00 (only plans can still
be staffed) and either

* has no employee (``reason = "unassigned"``), or
* has an employee with a full absence (extent 100 %, any type) overlapping it
  (``reason = "absent_employee"``; a partial absence, e.g. 50 % sick leave, is usually
  planned around and does not open the shift).

Its ``id`` is the source's ``shift_id`` when that is given and unique, else
``<case_id>-<YYYYMMDDHHMM of the local start>`` with ``-2``, ``-3``... for further shifts of the
same case starting at the same time (ordered by end, then employee). The id is stable from
one run to the next as long as the plan is.

Each shift carries the OB it would pay (SEK, before social fees: its hours in each OB
category of :mod:`timbalans.core.ob` × the category's amount on that day) and the rates of its
date (:func:`timbalans.staffing.cost.shift_rates`); the share of its hours in the night,
weekend and storhelg windows is the share that would be qualified overtime.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.intervals import TZ, local_date, local_midnight, midnight_after
from timbalans.core.ob import ob_split, with_ob_amount
from timbalans.figures.frames import Frames
from timbalans.figures.settings import FigureSettings
from timbalans.figures.staff import interval_pairs
from timbalans.staffing.cost import shift_rates
from timbalans.staffing.instance import OpenShift, ShiftRates

#: OB categories whose hours would be qualified overtime (the rest is simple overtime).
QUALIFIED_CATEGORIES = ("weekday_night", "weekend", "storhelg", "storhelg_night")

OPEN_SCHEMA = {
    "id": pl.String(),
    "shift_id": pl.String(),
    "case_id": pl.String(),
    "unit_id": pl.String(),
    "department": pl.String(),
    "employee_id": pl.String(),
    "start": pl.Datetime("us", TZ),
    "end": pl.Datetime("us", TZ),
    "break_minutes": pl.Int64(),
    "kind": pl.String(),
    "reason": pl.String(),
}


def planned_with_ids(frames: Frames) -> pl.DataFrame:
    """Every planned shift with its stable ``id`` and its case's ``unit_id``/``department``."""
    s = frames.shifts.with_row_index("__row")
    stamp = pl.col("case_id") + pl.lit("-") + pl.col("start").dt.strftime("%Y%m%d%H%M")
    s = s.sort("case_id", "start", "end", "employee_id", "__row", nulls_last=True)
    s = s.with_columns(
        pl.col("shift_id").count().over("shift_id").alias("__dup"),
        stamp.alias("__stamp"),
    ).with_columns(pl.int_range(1, pl.len() + 1).over("__stamp").alias("__n"))
    synthetic = (
        pl.when(pl.col("__n") == 1)
        .then(pl.col("__stamp"))
        .otherwise(pl.col("__stamp") + pl.lit("-") + pl.col("__n").cast(pl.String))
    )
    s = s.with_columns(
        pl.when(pl.col("shift_id").is_not_null() & (pl.col("__dup") == 1))
        .then(pl.col("shift_id"))
        .otherwise(synthetic)
        .alias("id")
    )
    units = frames.units.select("unit_id", "department")
    cases = frames.cases.select("case_id", "unit_id").join(units, on="unit_id", how="left")
    return s.join(cases, on="case_id", how="left").sort("__row").drop("__dup", "__stamp", "__n")


def open_shift_frame(
    frames: Frames,
    *,
    as_of: dt.date,
    first: dt.date | None = None,
    last: dt.date | None = None,
    units: set[str] | None = None,
) -> pl.DataFrame:
    """The open shifts starting after D and in the local days ``first``..``last``.

    Columns of :data:`OPEN_SCHEMA`; ``employee_id`` is the absent employee (null when the
    shift is unassigned). ``units``: only shifts of those units' cases (None: all).
    """
    planned = planned_with_ids(frames).filter(pl.col("start") >= midnight_after(as_of))
    if first is not None:
        planned = planned.filter(pl.col("start") >= local_midnight(pl.lit(first, pl.Date)))
    if last is not None:
        end = local_midnight(pl.lit(last + dt.timedelta(days=1), pl.Date))
        planned = planned.filter(pl.col("start") < end)
    if units is not None:
        planned = planned.filter(pl.col("unit_id").is_in(sorted(units)))
    booked = planned.filter(pl.col("employee_id").is_not_null())
    full = frames.absences.filter(pl.col("extent_percent") >= 100).with_row_index("__abs")
    absent = interval_pairs(
        booked, full, on=["employee_id"], left_id="__row", right_id="__abs"
    ).select("__row")
    out = planned.with_columns(
        pl.when(pl.col("employee_id").is_null())
        .then(pl.lit("unassigned"))
        .when(pl.col("__row").is_in(absent["__row"].implode()))
        .then(pl.lit("absent_employee"))
        .alias("reason")
    ).filter(pl.col("reason").is_not_null())
    return out.sort("start", "id").select([pl.col(c).cast(t) for c, t in OPEN_SCHEMA.items()])


def _ob_by_shift(frame: pl.DataFrame, settings: FigureSettings) -> dict[str, tuple[float, float]]:
    """id -> (OB SEK before social fees, share of hours in qualified-overtime windows)."""
    assistance = frame.filter(pl.col("kind") == "assistance").select(
        "id", "start", "end", "break_minutes"
    )
    if assistance.height == 0:
        return {}
    pieces = with_ob_amount(
        ob_split(assistance, settings.rates.ob_windows), settings.rates, alias="ob_amount"
    )
    per = pieces.group_by("id").agg(
        (pl.col("hours") * pl.col("ob_amount")).sum().alias("ob"),
        pl.col("hours").filter(pl.col("ob_category").is_in(QUALIFIED_CATEGORIES)).sum().alias("q"),
        pl.col("hours").sum().alias("h"),
    )
    return {
        row["id"]: (row["ob"], row["q"] / row["h"] if row["h"] > 0 else 0.0)
        for row in per.iter_rows(named=True)
    }


def open_shifts_from_frame(frame: pl.DataFrame, settings: FigureSettings) -> list[OpenShift]:
    """:class:`OpenShift` models of an :func:`open_shift_frame`, with OB and rates."""
    ob = _ob_by_shift(frame, settings)
    dates = frame.select(local_date("start").alias("d"))["d"].to_list()
    rates: dict[tuple[dt.date, float], ShiftRates] = {}  # most shifts share a day's rates
    out = []
    for row, day in zip(frame.iter_rows(named=True), dates, strict=True):
        amount, qualified = ob.get(row["id"], (0.0, 0.0))
        if (day, qualified) not in rates:
            rates[(day, qualified)] = shift_rates(
                settings.rates,
                day,
                qualified_share=qualified,
                on_call_factor=settings.on_call_factor,
                standby_factor=settings.standby_factor,
            )
        out.append(
            OpenShift(
                id=row["id"],
                shift_id=row["shift_id"],
                case_id=row["case_id"],
                unit_id=row["unit_id"],
                department=row["department"],
                start=row["start"],
                end=row["end"],
                break_minutes=row["break_minutes"] or 0,
                kind=row["kind"],
                reason=row["reason"],
                absent_employee_id=row["employee_id"],
                ob_sek=round(amount, 2),
                rates=rates[(day, qualified)],
            )
        )
    return out


def open_shifts(
    frames: Frames,
    *,
    as_of: dt.date,
    settings: FigureSettings,
    first: dt.date | None = None,
    last: dt.date | None = None,
    units: set[str] | None = None,
) -> list[OpenShift]:
    """The open shifts of :func:`open_shift_frame` as models, with OB and rates."""
    frame = open_shift_frame(frames, as_of=as_of, first=first, last=last, units=units)
    return open_shifts_from_frame(frame, settings)


__all__ = [
    "OPEN_SCHEMA",
    "QUALIFIED_CATEGORIES",
    "open_shift_frame",
    "open_shifts",
    "open_shifts_from_frame",
    "planned_with_ids",
]
