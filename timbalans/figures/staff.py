"""Staff time and cost rules shared by the capacity, overtime and absence tables.

One place for every rule the three tables have in common (spec/figures.md, "capacity",
"overtime", "absence"), so that "as in capacity" means the same code:

* **Employment in force on a day.** An employment row is valid from ``valid_from`` to
  ``valid_to`` inclusive (null = open). Monthly forms are ``monthly_permanent`` and
  ``monthly_temporary``. When several rows are in force on one day, the monthly one wins, then
  the one with the latest ``valid_from`` (:func:`employment_on`).
* **A monthly and an hourly employment at once** (data.md): worked ``ordinary`` time is paid
  by the monthly employment up to its planned or contracted time that day and by the hourly
  one beyond it; ``additional`` and overtime types stay with the monthly one
  (:func:`concurrent_split`). "Planned time that day" is the employee's planned assistance
  hours starting that local day (all cases); when there are none, the contracted time per
  calendar day (rate/100 × full-time hours per week / 7). The day's ordinary pieces fill the
  monthly share in order of start; the piece that crosses it is cut at the instant where
  the share is reached (break in proportion).
* **Contracted hours** of an employee in a month (:func:`contracted_by_month`) =
  Σ over the monthly rows of employment_rate/100 × full_time_hours_per_week × days employed in
  the month / 7. The month's **hourly cost basis** is the day-weighted mean over those rows of
  monthly_salary / (full_time_hours_per_week × 52 / 12) (one row: simply its basis).
* **Absence hours** per absence row and day (:func:`absence_day_hours`), the rule of
  capacity's ``absence_hours``:

  1. ``hours`` given: those hours, shared over the row's days in proportion to elapsed time;
  2. else, when the employee has at least one planned ``assistance`` shift overlapping the
     row: the planned hours inside the absence (break in proportion) × extent;
  3. else: contracted hours per calendar day (Σ rate/100 × full_time_hours_per_week / 7 of the
     monthly rows in force that day; 0 on a day without one) × days × extent, where a part of a
     day counts as its wall-clock fraction of 24 h (06:00–12:00 = 0.25 day).

  Which branch applies is decided once per absence row, over the whole row.
* **Worked time by category** (:func:`worked_classified`): every worked piece (split at months
  and D 24:00) falls in exactly one category, by the employment in force on the piece's start
  date and its time type: ``hourly`` (any time type of an hourly-paid employee), ``ordinary``
  (monthly-paid, type ordinary), ``additional``, ``overtime`` (simple or qualified, not
  hourly-paid), ``other`` (on call/standby of the monthly-paid, ordinary time with no
  employment in force). So an hour is never counted both as hourly staff and as overtime.
  Its cost, before social fees: additional = basis × hours; overtime = basis × hours × the
  type's factor; hourly = hourly_wage × (1 + holiday pay rate) × counted hours (on call and
  standby at their counting factor). Time with no employment in force has no cost basis.

Everything is vectorised: intervals of two frames are matched through the local days they
touch (an equi-join on key and day), never by a Python loop or an unrestricted cross join.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import overload

import polars as pl

from timbalans.core.intervals import (
    cut_off_after,
    cut_off_before,
    hours_expr,
    local_date,
    local_dates,
    local_midnight,
    midnight_after,
    split_at_days,
    split_months_fast,
)
from timbalans.core.rates import with_overtime_factor
from timbalans.core.runs import shift_in_runs
from timbalans.figures.common import (
    OVERTIME_TYPES,
    counting_factor,
    hourly_cost_basis,
    month_first_last,
    month_labels,
    taken_up_to,
)
from timbalans.figures.frames import Frames
from timbalans.figures.settings import FigureSettings
from timbalans.ingest.schema import MONTHLY_FORMS, TIME_TYPES, TIMESTAMP

FAR_FUTURE = dt.date(9999, 12, 31)
#: The categories of worked time, in the order :func:`worked_categories` decides them.
CATEGORIES = pl.Series("category", ["hourly", "ordinary", "additional", "overtime", "other"])
_US_PER_HOUR = 3_600_000_000


# --------------------------------------------------------------------------- small helpers


def months_frame(months: Sequence[str]) -> pl.DataFrame:
    """``month`` (YYYY-MM), ``first`` and ``last`` (inclusive ``pl.Date``) of each month."""
    bounds = [month_first_last(m) for m in months]
    return pl.DataFrame(
        {
            "month": list(months),
            "first": [b[0] for b in bounds],
            "last": [b[1] for b in bounds],
        },
        schema={"month": pl.String, "first": pl.Date, "last": pl.Date},
    )


def midnight(day: dt.date) -> pl.Expr:
    """Literal: local midnight at the start of ``day``."""
    return local_midnight(pl.lit(day, pl.Date))


def overlapping(frame: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Rows of an interval frame that overlap the local days ``first``..``last``."""
    return frame.filter(
        (pl.col("start") < midnight(last + dt.timedelta(days=1)))
        & (pl.col("end") > midnight(first))
    )


def _days_between(first: pl.Expr, last: pl.Expr) -> pl.Expr:
    """Inclusive count of days from ``first`` to ``last``; 0 when ``last < first``."""
    n = (last - first).dt.total_days() + 1
    return pl.when(n > 0).then(n).otherwise(0)


def _day_key(code: pl.Expr, day: pl.Expr) -> pl.Expr:
    """A code (an employee's, a row's: below 2**40) and a date in one integer that sorts as
    (code, date): a join or a search on one integer column is several times as fast as on
    the two. A date of 1900-9999 lies within 2**22 days of 1970."""
    return code.cast(pl.Int64) * (1 << 23) + day.cast(pl.Int32).cast(pl.Int64) + (1 << 22)


@overload
def positions(values: pl.Expr, keys: pl.Series) -> pl.Expr: ...
@overload
def positions(values: pl.Series, keys: pl.Series) -> pl.Series: ...
def positions(values: pl.Expr | pl.Series, keys: pl.Series) -> pl.Expr | pl.Series:
    """The position of each of ``values`` among ``keys`` (distinct strings), null for a value
    not among them: a cast to an Enum of the keys, several times as fast as a
    ``replace_strict`` or a join on the strings (national: 0.4 s for 10 million values).
    An Enum series (:func:`as_enum`) is looked up once per category and its values gathered
    by their category (national employees: 0.06 s where a cast takes 0.26 s)."""
    if isinstance(values, pl.Series) and isinstance(values.dtype, pl.Enum):
        categories = pl.Series(values.name, values.dtype.categories)
        return positions(categories, keys).gather(values.to_physical())
    return values.cast(pl.Enum(keys), strict=False).to_physical().cast(pl.UInt32)


def as_enum(values: pl.Series) -> pl.Series:
    """``values`` (strings) as an Enum of the distinct values, in sorted order: one to four
    bytes a row where a string is a 16-byte view, and it sorts, compares with strings and
    casts back to the same strings (national worked codes: 0.2-0.5 s of CPU each). The
    distinct values are gathered at the first position of each (``arg_unique``: half the CPU
    of ``unique``, which builds the strings while it hashes them)."""
    distinct = values.gather(values.arg_unique()).drop_nulls().sort()
    return values.cast(pl.Enum(distinct))


def interval_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    on: Sequence[str],
    left_id: str,
    right_id: str,
) -> pl.DataFrame:
    """Pairs of overlapping intervals with equal ``on`` keys, and their overlap.

    Both frames have ``start``/``end`` (``TIMESTAMP``, half-open) and their id column. Returns
    ``left_id``, ``right_id``, ``ov_start``, ``ov_end`` for every pair whose overlap is not
    empty. The smaller frame is sorted by (keys, start) and every row of the larger one finds
    its candidates there by two binary searches, so nothing is joined or hashed per day and
    a row without a candidate (most of them) costs two searches: the keys become one integer
    (a string key is its position among the smaller frame's values, an integer key a code
    from 0 already; a row of the larger frame whose keys that frame lacks is dropped), beside
    the time in whole ``unit`` seconds
    (:func:`_pair_candidates`); the candidates are then checked on the exact instants.
    """
    small, big = (left, right) if left.height <= right.height else (right, left)
    code_s = code_b = pl.lit(0, pl.Int64)
    for k in on:
        code: pl.Expr
        if small.schema[k].is_integer():  # already a code: an integer from 0
            radix = int(small[k].max() or 0) + 1  # type: ignore[arg-type]
            code = pl.when(pl.col(k) < radix).then(pl.col(k).cast(pl.Int64))
        else:
            values = small[k].drop_nulls().unique()
            radix, code = values.len(), positions(pl.col(k), values)
        code_s = code_s * radix + code
        code_b = code_b * radix + code
    s_id, b_id = (left_id, right_id) if small is left else (right_id, left_id)
    s = small.select(
        code_s.alias("__k"), pl.col(s_id).alias("__i"), pl.col("start"), pl.col("end")
    ).drop_nulls()
    b = big.select(
        code_b.alias("__k"), pl.col(b_id).alias("__i"), pl.col("start"), pl.col("end")
    ).drop_nulls()
    schema = {left_id: left.schema[left_id], right_id: right.schema[right_id]}
    if s.height == 0 or b.height == 0:
        return pl.DataFrame(schema={**schema, "ov_start": TIMESTAMP, "ov_end": TIMESTAMP})
    bounds = pl.concat([s.select("start", "end"), b.select("start", "end")])
    t0, t1 = bounds.select(
        pl.min_horizontal("start", "end").min().alias("t0"),
        pl.max_horizontal("start", "end").max().alias("t1"),
    ).row(0)
    span = int((t1 - t0).total_seconds())
    codes = int(s["__k"].max()) + 1  # type: ignore[arg-type]
    # The code in the high bits, the time since t0 in the low ones, in units of seconds
    # coarse enough for both to fit: coarser only narrows the search less, never wrongly.
    unit = 1
    while codes.bit_length() + (span // unit + 1).bit_length() > 62:
        unit *= 2
    shift = (span // unit + 1).bit_length()

    def key(time: str) -> pl.Expr:
        seconds = (pl.col(time) - pl.lit(t0)).dt.total_seconds() // unit
        return pl.col("__k") * (1 << shift) + seconds

    s = s.with_columns(key("start").alias("__a"), key("end").alias("__b")).sort("__a")
    lo = s["__b"].cum_max().search_sorted(b.select(key("start")).to_series(), side="left")
    hi = s["__a"].search_sorted(b.select(key("end")).to_series(), side="right")
    found = (
        b.select("__i", "start", "end", pl.int_ranges(lo, hi).alias("__j"))
        .filter(hi > lo)
        .explode("__j")
    )
    at = found["__j"]
    pairs = found.select(
        pl.col("__i").alias(b_id),
        s["__i"].gather(at).alias(s_id),
        pl.max_horizontal("start", s["start"].gather(at)).alias("ov_start"),
        pl.min_horizontal("end", s["end"].gather(at)).alias("ov_end"),
    )
    return pairs.filter(pl.col("ov_end") > pl.col("ov_start")).select(
        left_id, right_id, "ov_start", "ov_end"
    )


def kept(frame: pl.DataFrame, keep: pl.Expr) -> pl.DataFrame:
    """``frame.filter(keep)``, and ``frame`` itself when every row is kept: a filter copies
    every column of a frame whose columns are in different chunks, even when it drops
    nothing (national: 0.5 s and 850 MB for the worked pieces)."""
    return frame if frame.select(keep.all()).item() else frame.filter(keep)


def _share(start: str, end: str, whole_start: str, whole_end: str) -> pl.Expr:
    """Elapsed time of [start, end) as a share of [whole_start, whole_end)."""
    part = (pl.col(end) - pl.col(start)).dt.total_microseconds().cast(pl.Float64)
    whole = (pl.col(whole_end) - pl.col(whole_start)).dt.total_microseconds().cast(pl.Float64)
    return pl.when(whole > 0).then(part / whole).otherwise(0.0)


# --------------------------------------------------------------------------- employments


def employments(frames: Frames) -> pl.DataFrame:
    """Employment rows with ``valid_to`` filled (open = far future) and derived columns.

    Adds ``is_monthly``, ``cost_basis`` (hourly cost basis, monthly rows only) and
    ``contracted_per_day`` (rate/100 × full-time hours per week / 7, monthly rows only).
    """
    e = frames.employments
    monthly = pl.col("form").is_in(list(MONTHLY_FORMS))
    return e.with_columns(
        pl.col("valid_to").fill_null(FAR_FUTURE),
        pl.col("full_time_hours_per_week").fill_null(40.0),
    ).with_columns(
        monthly.alias("is_monthly"),
        pl.when(monthly).then(hourly_cost_basis()).alias("cost_basis"),
        pl.when(monthly)
        .then(
            pl.col("employment_rate").fill_null(0.0) / 100 * pl.col("full_time_hours_per_week") / 7
        )
        .otherwise(0.0)
        .alias("contracted_per_day"),
    )


_EMPLOYMENT_COLUMNS = (
    "form_class",
    "cost_basis",
    "hourly_wage",
    "employment_rate",
    "full_time_hours_per_week",
    "structural",
)


def employment_segments(frames: Frames) -> pl.DataFrame:
    """The employment in force per employee over time, as non-overlapping segments.

    ``employee_id``, ``seg_from``, ``seg_to`` (inclusive dates) and the chosen employment's
    ``form_class`` (``monthly``/``hourly``), ``cost_basis``, ``hourly_wage``,
    ``employment_rate``, ``full_time_hours_per_week``, ``structural`` (a status other than
    ``ordinary``: work training, reassignment, rehabilitation). The segments are cut at every
    ``valid_from`` and day after ``valid_to``, so each lies wholly inside or outside each
    employment row; where several rows are in force the monthly one wins, then the latest
    ``valid_from``. Days with no row in force have no segment.
    """

    def compute() -> pl.DataFrame:
        e = employments(frames)
        bounds = (
            pl.concat(
                [
                    e.select("employee_id", pl.col("valid_from").alias("at")),
                    e.select("employee_id", (pl.col("valid_to") + pl.duration(days=1)).alias("at")),
                ]
            )
            .unique()
            .sort("employee_id", "at")
            .with_columns(shift_in_runs(pl.col("at"), "employee_id", -1).alias("next"))
            .drop_nulls("next")
            .select(
                "employee_id",
                pl.col("at").alias("seg_from"),
                (pl.col("next") - pl.duration(days=1)).alias("seg_to"),
            )
        )
        return (
            bounds.join(e, on="employee_id")
            .filter(
                (pl.col("valid_from") <= pl.col("seg_from"))
                & (pl.col("seg_to") <= pl.col("valid_to"))
            )
            .sort(
                "employee_id",
                "seg_from",
                "is_monthly",
                "valid_from",
                descending=[False, False, True, True],
            )
            .unique(["employee_id", "seg_from"], keep="first", maintain_order=True)
            .select(
                "employee_id",
                "seg_from",
                "seg_to",
                pl.when(pl.col("is_monthly"))
                .then(pl.lit("monthly"))
                .otherwise(pl.lit("hourly"))
                .alias("form_class"),
                "cost_basis",
                "hourly_wage",
                "employment_rate",
                "full_time_hours_per_week",
                (pl.col("status").fill_null("ordinary") != "ordinary").alias("structural"),
            )
        )

    return frames.derived(("employment_segments",), compute)


def _segment_lookup(frames: Frames) -> tuple[pl.Series, pl.Series, pl.DataFrame, pl.Series]:
    """What :func:`employment_on` searches: the employees with a segment (``ids``, their
    code = position), the segments' :func:`_day_key` of ``seg_from`` (ascending), the
    segments in that order, and per code the position of the employee's first segment when
    it is their only one (null when they have several)."""

    def compute() -> tuple[pl.Series, pl.Series, pl.DataFrame, pl.Series]:
        segments = employment_segments(frames).sort("employee_id", "seg_from")
        ids = segments["employee_id"].unique(maintain_order=True)
        segments = segments.with_columns(positions(pl.col("employee_id"), ids).alias("__code"))
        keys = segments.select(_day_key(pl.col("__code"), pl.col("seg_from"))).to_series()
        only = (
            segments.with_row_index("__at")
            .group_by("__code", maintain_order=True)
            .agg(pl.when(pl.len() == 1).then(pl.col("__at").first()).alias("only"))
            .get_column("only")
        )
        return ids, keys, segments, only

    return frames.derived(("segment_lookup",), compute)


def employment_on(frames: Frames, frame: pl.DataFrame, *, date_col: str = "date") -> pl.DataFrame:
    """``frame`` (with ``employee_id`` and a ``pl.Date`` column) with the employment in force.

    Adds ``form_class`` (``monthly``/``hourly``, null when no row is in force), ``cost_basis``,
    ``hourly_wage``, ``employment_rate``, ``full_time_hours_per_week``, ``structural``. One
    employment per row of ``frame``: the monthly one first, then the latest ``valid_from``
    (:func:`employment_segments`). Row order kept.
    """
    ids, keys, segments, only = _segment_lookup(frames)
    # Each row's segment: an employee's only segment by their code (most employees have
    # one), else by one binary search among the segments' (employee, seg_from), the last one
    # starting on or before the row's date (a search of 10 million rows in no order takes a
    # second). It is in force when it is the row's employee's, has begun and has not ended.
    # The employee is an integer code (no join on strings), and the attributes are gathered
    # by position beside the frame's own columns, never copied.
    if segments.height == 0:
        at = pl.Series([None] * frame.height, dtype=pl.UInt32)
    else:
        wanted = pl.DataFrame(
            [
                positions(frame["employee_id"], ids).alias("code"),
                frame[date_col].alias("date"),
            ]
        )
        found = only.gather(wanted["code"]).cast(pl.Int64)
        several = (found.is_null() & wanted["code"].is_not_null()).arg_true()
        if several.len():
            key = wanted[several].select(_day_key(pl.col("code"), pl.col("date"))).to_series()
            searched = (keys.search_sorted(key, side="right").cast(pl.Int64) - 1).clip(0)
            found = found.scatter(several, searched)
        at = wanted.select(
            pl.when(
                (pl.lit(segments["__code"]).gather(found) == pl.col("code"))
                & (pl.lit(segments["seg_from"]).gather(found) <= pl.col("date"))
                & (pl.lit(segments["seg_to"]).gather(found) >= pl.col("date"))
            ).then(found.cast(pl.UInt32))
        ).to_series()
        del wanted, found  # not alive beside the columns gathered (national: 250 MB)
    attrs = [segments[c].gather(at).alias(c) for c in _EMPLOYMENT_COLUMNS]
    drop = [c for c in _EMPLOYMENT_COLUMNS if c in frame.columns]
    # Columns put side by side as they are: ``drop`` (lazy) would copy the frame whole.
    kept = [frame.get_column(c) for c in frame.columns if c not in drop]
    return pl.DataFrame([*kept, *attrs])


def contracted_by_month(
    frames: Frames, months: Sequence[str], *, until: dt.date | None = None
) -> pl.DataFrame:
    """Contracted hours and cost basis per monthly-paid employee and month.

    Returns ``employee_id``, ``month``, ``employed_days``, ``contracted_hours``,
    ``cost_basis`` (day-weighted mean over the month's monthly rows). ``until``: count only
    days up to and including that date (facts up to D). Only employee-months with at least one
    day counted are listed.
    """
    e = employments(frames).filter(pl.col("is_monthly"))
    m = months_frame(months)
    if until is not None:
        m = m.with_columns(pl.min_horizontal("last", pl.lit(until, pl.Date)).alias("last"))
    parts = (
        e.join(m, how="cross")
        .with_columns(
            _days_between(
                pl.max_horizontal("first", "valid_from"), pl.min_horizontal("last", "valid_to")
            ).alias("days")
        )
        .filter(pl.col("days") > 0)
    )
    return (
        parts.group_by("employee_id", "month")
        .agg(
            pl.col("days").sum().alias("employed_days"),
            (pl.col("contracted_per_day") * pl.col("days")).sum().alias("contracted_hours"),
            ((pl.col("cost_basis") * pl.col("days")).sum() / pl.col("days").sum()).alias(
                "cost_basis"
            ),
        )
        .sort("employee_id", "month")
    )


def employee_months(
    frames: Frames, months: Sequence[str], *, until: dt.date | None = None
) -> pl.DataFrame:
    """The monthly-paid employees of the visible units, per month they are employed in.

    :func:`contracted_by_month` with the employee's home ``unit_id``, limited to the units of
    ``frames.units`` (an employee of another unit who worked in a visible case is not listed).
    """
    units = frames.units["unit_id"].implode()
    home = frames.employees.select("employee_id", "unit_id").filter(pl.col("unit_id").is_in(units))
    return contracted_by_month(frames, months, until=until).join(
        home, on="employee_id", how="inner"
    )


# --------------------------------------------------------------------------- absences


ABSENCE_DAY_SCHEMA = {
    "employee_id": pl.String(),
    "absence_row": pl.UInt32(),
    "type": pl.String(),
    "date": pl.Date(),
    "month": pl.String(),
    "start": TIMESTAMP,
    "end": TIMESTAMP,
    "rule": pl.String(),
    "hours": pl.Float64(),
}


def absence_day_hours(
    frames: Frames,
    first: dt.date,
    last: dt.date,
    *,
    types: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Absence hours per absence row and local day, for the days ``first``..``last``.

    One row per piece of an absence row inside one local day: ``employee_id``,
    ``absence_row`` (the row's position in ``frames.absences``), ``type``, ``date``, ``month``,
    ``start``/``end`` of the piece, ``rule`` (``given``, ``planned`` or ``contracted``: the
    branch of the module docstring's rule that applied to the row) and ``hours``. ``types``
    limits the absence types (None: all).

    The rule is decided per row over the whole row, so a day's hours do not depend on the
    window asked for: every row's days are computed once per set of frames and filtered here.
    """
    if last < first:
        return pl.DataFrame(schema=ABSENCE_DAY_SCHEMA)
    days = frames.derived(("absence_day_hours",), lambda: _absence_day_hours_all(frames))
    keep = (pl.col("date") >= pl.lit(first, pl.Date)) & (pl.col("date") <= pl.lit(last, pl.Date))
    if types is not None:
        keep = keep & pl.col("type").is_in(list(types))
    return days.filter(keep)


def share_absence_days(source: Frames, target: Frames) -> None:
    """Let ``target`` (frames with the same absences, planned shifts and employments as
    ``source``, e.g. other worked rows) use ``source``'s absence hours per day: computed once
    for both."""
    target.derived(
        ("absence_day_hours",),
        lambda: source.derived(("absence_day_hours",), lambda: _absence_day_hours_all(source)),
    )


def assistance_shifts(frames: Frames) -> pl.LazyFrame:
    """Booked planned ``assistance`` shifts: ``shift_row`` (their position in
    ``frames.shifts``), ``case_id``, ``employee_id``, ``start``, ``end``, ``break_minutes``.

    Lazy, and not kept: each use reads the columns it needs (national: 12 million shifts,
    700 MB as a frame of their own)."""
    return (
        frames.shifts.lazy()
        .with_row_index("shift_row")
        .filter((pl.col("kind") == "assistance") & pl.col("employee_id").is_not_null())
        .select("shift_row", "case_id", "employee_id", "start", "end", "break_minutes")
    )


def shift_columns(frames: Frames, pairs: pl.DataFrame, *columns: pl.Expr) -> pl.DataFrame:
    """``pairs`` (with ``shift_row`` of :func:`assistance_shifts`) beside ``columns`` of their
    shifts, taken by position: a join on ``shift_row`` would hash every shift (national: 12
    million) for a few of them."""
    at = pairs["shift_row"]
    return pairs.hstack(frames.shifts.select(c.gather(at) for c in columns))


def absence_shift_pairs(frames: Frames) -> pl.DataFrame:
    """Every absence row (``absence_row``: its position in ``frames.absences``) against the
    employee's booked assistance shifts (``shift_row`` of :func:`assistance_shifts`) that
    overlap it: ``absence_row``, ``shift_row``, ``ov_start``, ``ov_end``."""

    def compute() -> pl.DataFrame:
        absences = frames.absences.with_row_index("absence_row").filter(
            pl.col("end") > pl.col("start")
        )
        # The employee as a code among those with an absence, so the shifts taken out of the
        # 12 million (those of an absent employee) carry no strings.
        absent = positions(pl.col("employee_id"), absences["employee_id"].unique())
        return interval_pairs(
            absences.select("absence_row", absent.alias("__e"), "start", "end"),
            assistance_shifts(frames)
            .select("shift_row", absent.alias("__e"), "start", "end")
            .drop_nulls("__e")
            .collect(),
            on=["__e"],
            left_id="absence_row",
            right_id="shift_row",
        )

    return frames.derived(("absence_shift_pairs",), compute)


def _absence_day_hours_all(frames: Frames) -> pl.DataFrame:
    absences = frames.absences.with_row_index("absence_row").filter(pl.col("end") > pl.col("start"))
    if absences.height == 0:
        return pl.DataFrame(schema=ABSENCE_DAY_SCHEMA)

    # Branch 2: the employee's planned assistance shifts inside each absence row.
    pairs = absence_shift_pairs(frames)
    inside = (
        shift_columns(
            frames,
            pairs,
            pl.col("start").alias("s_start"),
            pl.col("end").alias("s_end"),
            pl.col("break_minutes").cast(pl.Float64).fill_null(0.0),
        )
        .with_columns(
            (pl.col("break_minutes") * _share("ov_start", "ov_end", "s_start", "s_end")).alias(
                "break_minutes"
            )
        )
        .select(
            "absence_row",
            pl.col("ov_start").alias("start"),
            pl.col("ov_end").alias("end"),
            "break_minutes",
        )
    )
    with_plan = inside.select("absence_row").unique().with_columns(pl.lit(True).alias("has_plan"))
    planned = (
        split_at_days(inside)
        .group_by(_day_key(pl.col("absence_row"), pl.col("date")).alias("__row_day"))
        .agg(pl.col("hours").sum().alias("planned_hours"))
    )

    # Every absence row cut into its days; given hours shared in proportion to elapsed time.
    pieces = split_at_days(
        absences.select(
            "employee_id",
            "absence_row",
            "type",
            "start",
            "end",
            pl.col("extent_percent").fill_null(100.0),
            pl.col("hours").alias("given_hours"),
        ),
        break_col=None,
        proportional=["given_hours"],
        hours_col="elapsed_hours",
    )

    # Branch 3: contracted hours per calendar day of the monthly rows in force that day. A
    # row's pieces are one per day, so a piece (``__piece``) is its row and day.
    pieces = pieces.with_row_index("__piece")
    e = employments(frames).filter(pl.col("is_monthly"))
    per_day = (
        pieces.select("__piece", "employee_id", "date")
        .join(
            e.select("employee_id", "valid_from", "valid_to", "contracted_per_day"),
            on="employee_id",
        )
        .filter((pl.col("valid_from") <= pl.col("date")) & (pl.col("date") <= pl.col("valid_to")))
        .group_by("__piece")
        .agg(pl.col("contracted_per_day").sum())
    )
    wall_days = (
        pl.col("end").dt.replace_time_zone(None) - pl.col("start").dt.replace_time_zone(None)
    ).dt.total_microseconds().cast(pl.Float64) / (24 * _US_PER_HOUR)
    extent = pl.col("extent_percent") / 100
    out = (
        pieces.with_columns(
            _day_key(pl.col("absence_row"), pl.col("date")).alias("__row_day"),
            month_labels(pieces["date"]).alias("month"),
        )
        .join(with_plan, on="absence_row", how="left")
        .join(planned, on="__row_day", how="left")
        .join(per_day, on="__piece", how="left")
        .with_columns(
            pl.when(pl.col("given_hours").is_not_null())
            .then(pl.lit("given"))
            .when(pl.col("has_plan").fill_null(False))
            .then(pl.lit("planned"))
            .otherwise(pl.lit("contracted"))
            .alias("rule")
        )
        .with_columns(
            pl.when(pl.col("rule") == "given")
            .then(pl.col("given_hours"))
            .when(pl.col("rule") == "planned")
            .then(pl.col("planned_hours").fill_null(0.0) * extent)
            .otherwise(pl.col("contracted_per_day").fill_null(0.0) * wall_days * extent)
            .alias("hours"),
        )
    )
    return out.select(list(ABSENCE_DAY_SCHEMA)).cast(ABSENCE_DAY_SCHEMA)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- worked time


def _concurrent_stretches(frames: Frames) -> pl.DataFrame:
    """Where an employee's monthly and hourly employments overlap: ``employee_id``,
    ``c_from``, ``c_to`` (inclusive) and the hourly one's ``h_wage``, ``h_structural``."""

    def compute() -> pl.DataFrame:
        e = employments(frames)
        monthly = e.filter("is_monthly").select("employee_id", "valid_from", "valid_to")
        hourly = e.filter(~pl.col("is_monthly")).select(
            "employee_id",
            pl.col("valid_from").alias("h_from"),
            pl.col("valid_to").alias("h_to"),
            pl.col("hourly_wage").alias("h_wage"),
            (pl.col("status").fill_null("ordinary") != "ordinary").alias("h_structural"),
        )
        return (
            monthly.join(hourly, on="employee_id")
            .with_columns(
                pl.max_horizontal("valid_from", "h_from").alias("c_from"),
                pl.min_horizontal("valid_to", "h_to").alias("c_to"),
            )
            .filter(pl.col("c_from") <= pl.col("c_to"))
            .select("employee_id", "c_from", "c_to", "h_wage", "h_structural")
        )

    return frames.derived(("concurrent_stretches",), compute)


def _planned_by_day(frames: Frames, employees: pl.Series) -> pl.DataFrame:
    """Planned assistance hours per employee and local start day, for ``employees``."""
    shifts = assistance_shifts(frames).filter(pl.col("employee_id").is_in(employees.implode()))
    return (
        shifts.with_columns(
            local_date("start").alias("date"), hours_expr("start", "end").alias("h")
        )
        .group_by("employee_id", "date")
        .agg(pl.col("h").sum().alias("planned_day"))
        .collect()
    )


def concurrent_split(frames: Frames, pieces: pl.DataFrame) -> pl.DataFrame:
    """Worked pieces (with ``employee_id``, ``date``, ``start``, ``end``, ``time_type``,
    ``hours`` and the columns of :func:`employment_on`) with the concurrent-employment rule.

    An ordinary piece on a day the employee holds a monthly and an hourly employment is paid
    by the monthly one up to the day's planned (else contracted) hours, by the hourly one
    beyond (module docstring): the part beyond becomes a piece of its own with
    ``form_class = "hourly"``, the hourly wage and no cost basis. ``hours`` and, where
    present, ``counted_hours`` and ``break_minutes`` are shared in proportion. Pieces of
    nobody with two employments are returned as they are (same rows, same order).
    """
    stretches = _concurrent_stretches(frames)
    if stretches.height == 0 or pieces.height == 0:
        return pieces
    key = "__piece"
    indexed = pieces.with_row_index(key)
    candidates = (
        indexed.filter(
            (pl.col("time_type") == "ordinary")
            & (pl.col("form_class") == "monthly")
            & pl.col("employee_id").is_in(stretches["employee_id"].unique().implode())
        )
        .with_columns(pl.col("employee_id").cast(pl.String))  # the pieces may hold an Enum
        .join(stretches, on="employee_id")
        .filter((pl.col("c_from") <= pl.col("date")) & (pl.col("date") <= pl.col("c_to")))
        .unique(key, keep="first")
    )
    if candidates.height == 0:
        return pieces
    planned = _planned_by_day(frames, candidates["employee_id"].unique())
    share = pl.coalesce(
        pl.col("planned_day"),
        pl.col("employment_rate").fill_null(0.0) / 100 * pl.col("full_time_hours_per_week") / 7,
    )
    parts = (
        candidates.join(planned, on=["employee_id", "date"], how="left")
        .sort("employee_id", "date", "start")
        .with_columns(
            share.alias("__share"),
        )
        .with_columns(taken_up_to("hours", "__share", over=["employee_id", "date"]).alias("__m"))
        .filter(pl.col("__m") < pl.col("hours"))
        .select(key, "__m", "h_wage", "h_structural")
    )
    if parts.height == 0:
        return pieces
    scaled = [c for c in ("hours", "counted_hours", "break_minutes") if c in pieces.columns]
    split = indexed.join(parts, on=key, how="inner")
    fraction = pl.when(pl.col("hours") > 0).then(pl.col("__m") / pl.col("hours")).otherwise(0.0)
    cut = pl.col("start") + (pl.col("end") - pl.col("start")) * fraction
    monthly_part = split.with_columns(
        *[(pl.col(c).cast(pl.Float64) * fraction).alias(c) for c in scaled],
        cut.alias("end"),
    )
    hourly_part = split.with_columns(
        *[(pl.col(c).cast(pl.Float64) * (1 - fraction)).alias(c) for c in scaled],
        cut.alias("start"),
        pl.lit("hourly").alias("form_class"),
        pl.lit(None, pl.Float64).alias("cost_basis"),
        pl.col("h_wage").alias("hourly_wage"),
        pl.lit(None, pl.Float64).alias("employment_rate"),
        pl.col("h_structural").alias("structural"),
    )
    columns = indexed.columns
    kept = indexed.join(parts.select(key), on=key, how="anti")
    return (
        pl.concat(
            [
                kept,
                monthly_part.filter(pl.col("hours") > 0).select(columns),
                hourly_part.select(columns),
            ],
            how="vertical_relaxed",
        )
        .sort(key, "start")
        .drop(key)
    )


def worked_classified(
    frames: Frames,
    as_of: dt.date,
    settings: FigureSettings,
    first: dt.date,
    last: dt.date,
) -> pl.LazyFrame:
    """Worked pieces up to D 24:00 in the days ``first``..``last``, by category, with cost.

    One row per piece (split at months and D 24:00): the worked columns, ``month``, ``date``
    (local date of the piece's start), ``hours``, ``counted_hours``, ``case_unit_id`` (the
    case's unit), ``form_class``, ``cost_basis``, ``hourly_wage``, ``category``
    (``ordinary``/``additional``/``overtime``/``hourly``/``other``) and ``cost`` (before
    social fees; null for ``ordinary``/``other`` and without a cost basis or wage).
    ``case_id``, ``employee_id``, ``time_type``, ``form_class``, ``category``,
    ``case_unit_id`` and ``month`` are ``pl.Enum`` columns (as :func:`_worked_pieces` keeps
    them; national: 130-160 MB less a column): compare them with strings, cast what is
    taken out of them (a key grouped or joined on) back to strings.

    Lazy: ``counted_hours`` and ``cost`` are computed by each reader for the rows and
    columns it reads, after its own filters (national: 10.8 million pieces, 260 MB and more
    for each reader that made them for every piece and read a part).
    """
    pieces = kept(
        _worked_pieces(frames, as_of),
        (pl.col("date") >= pl.lit(first, pl.Date)) & (pl.col("date") <= pl.lit(last, pl.Date)),
    )
    cost = (
        pl.when(pl.col("category") == "additional")
        .then(pl.col("cost_basis") * pl.col("hours"))
        .when(pl.col("category") == "overtime")
        .then(pl.col("cost_basis") * pl.col("hours") * pl.col("__ot"))
        .when(pl.col("category") == "hourly")
        .then(pl.col("hourly_wage") * (1 + settings.holiday_pay_rate) * pl.col("counted_hours"))
        .otherwise(pl.lit(None, pl.Float64))
    )
    counted = (pl.col("hours") * counting_factor(settings)).alias("counted_hours")
    # Overtime pay by the rates valid on each piece's date (core.rates.with_overtime_factor),
    # found for the overtime pieces only (national: 0.5 % of them; the rates' columns for every
    # piece were 400 MB) and null elsewhere, as that function gives it.
    rows = pieces.select(pl.col("time_type").is_in(list(OVERTIME_TYPES)).arg_true()).to_series()
    found = with_overtime_factor(
        pieces.select(pl.col("time_type", "full_time_hours_per_week", "date").gather(rows)),
        settings.rates,
        alias="__ot",
    ).get_column("__ot")
    factor = pl.Series("__ot", dtype=pl.Float64).extend_constant(None, pieces.height)
    factor = factor.scatter(rows, found)
    pieces = pieces.with_columns(_months(pieces["date"]).alias("month"), factor)
    return pieces.lazy().with_columns(counted).with_columns(cost.alias("cost")).drop("__ot")


#: The columns of :func:`employment_on` that :func:`worked_categories` reads and does not keep.
_DECIDING_ONLY = ("employment_rate", "structural")
#: The kept pieces' columns of a few values, as Enums: one byte a row where a string is a
#: 16-byte view (national: 10.8 million pieces, 160 MB a column).
_ENUMS = {
    "time_type": pl.Enum(TIME_TYPES),
    "form_class": pl.Enum(["monthly", "hourly"]),
    "category": pl.Enum(CATEGORIES),
}


def _months(dates: pl.Series) -> pl.Series:
    """:func:`month_labels` as an Enum of the months there are."""
    distinct = dates.drop_nulls().unique()
    labels = distinct.dt.strftime("%Y-%m")
    months = pl.Enum(labels.unique().sort())
    return dates.replace_strict(distinct, labels.cast(months), default=None, return_dtype=months)


def worked_categories(frames: Frames, as_of: dt.date) -> pl.DataFrame:
    """Every worked piece up to D 24:00, split at months, by category (no settings needed).

    What :func:`worked_classified` filters by days and prices: the worked columns (the break
    in proportion), ``hours``, ``month``, ``date``, ``form_class``, ``cost_basis``,
    ``hourly_wage`` and ``full_time_hours_per_week`` of :func:`employment_on`,
    ``case_unit_id`` and ``category``. Computed once per set of frames
    and D: the part after D 24:00 of a row crossing it is cut off (its break in proportion),
    which is what splitting there and keeping the earlier piece gives.
    """
    pieces = _worked_pieces(frames, as_of)
    columns = [
        c.cast(pl.String) if isinstance(c.dtype, pl.Enum) else c for c in pieces.get_columns()
    ]
    at = pieces.columns.index("hours") + 1
    return pl.DataFrame([*columns[:at], month_labels(pieces["date"]).alias("month"), *columns[at:]])


def _worked_pieces(frames: Frames, as_of: dt.date) -> pl.DataFrame:
    """:func:`worked_categories` as it is kept, once per set of frames and D: without
    ``month`` (the date's), and ``_ENUMS``, ``case_unit_id``, ``case_id`` and
    ``employee_id`` as Enums (national: 10.8 million pieces, 1.1 GB less than strings)."""

    def compute() -> pl.DataFrame:
        # The codes as Enums before anything is cut or copied, so that every copy of the
        # worked rows' size below carries one to four bytes a code, not a 16-byte view.
        worked = frames.worked
        coded = pl.DataFrame(
            [
                as_enum(c) if c.name in ("case_id", "employee_id") else c
                for c in worked.get_columns()
            ]
        ).with_columns(pl.col("time_type").cast(_ENUMS["time_type"]))
        # One frame of the worked rows' size alive at a time (national: 10 million rows).
        # Without the month (a string a piece, national: 170 MB in each copy): it is the
        # date's, as an Enum where it is read (worked_classified).
        pieces = split_months_fast(cut_off_after(coded, midnight_after(as_of)), month=False)
        del coded
        pieces = pieces.with_columns(local_dates(pieces["start"]).alias("date"))
        pieces = concurrent_split(frames, employment_on(frames, pieces))
        # The case's unit by a lookup beside the pieces (a join would copy them all).
        cases = frames.cases
        units = pl.Enum(cases["unit_id"].drop_nulls().unique().sort())
        pieces = pieces.with_columns(
            pl.lit(cases["unit_id"].cast(units))
            .gather(positions(pieces["case_id"], cases["case_id"]))
            .alias("case_unit_id")
        )
        t = pl.col("time_type")
        form = pl.col("form_class")
        # The category's position among CATEGORIES, then its name by position: a chain of
        # string literals would make every branch a column of strings (national: 1 s, 1 GB).
        category = (
            pl.when(form == "hourly")
            .then(0)
            .when((t == "ordinary") & (form == "monthly"))
            .then(1)
            .when(t == "additional")
            .then(2)
            .when(t.is_in(list(OVERTIME_TYPES)))
            .then(3)
            .otherwise(4)
        )
        categories = CATEGORIES.cast(_ENUMS["category"])
        pieces = pieces.with_columns(
            pl.col("form_class").cast(_ENUMS["form_class"]),
            pl.lit(categories).gather(category).alias("category"),
        )
        # Kept without the employment columns only the concurrent split reads (national: 100
        # MB), side by side as they are (``drop`` may copy them).
        return pl.DataFrame([pieces[c] for c in pieces.columns if c not in _DECIDING_ONLY])

    return frames.derived(("worked_pieces", as_of), compute)


def planned_after_as_of(
    frames: Frames, as_of: dt.date, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """Booked planned ``assistance`` hours after D 24:00 per employee and month.

    ``employee_id``, ``month``, ``planned_hours`` (only days ``first``..``last``, whole
    months: ``first`` a month's first day, ``last`` a month's last).

    The pieces :func:`planned_pieces` makes after D 24:00 in those months: each shift cut
    off at the later of D 24:00 and ``first`` 00:00 and at ``last`` 24:00 (a month's start,
    so the same cut as splitting at the months), then split at the months between, its
    break in proportion throughout.
    """
    if first.day != 1 or (last + dt.timedelta(days=1)).day != 1:
        raise ValueError(f"planned_after_as_of takes whole months, not {first}..{last}")
    lo = max(midnight_after(as_of), midnight_after(first - dt.timedelta(days=1)))
    hi = midnight_after(last)
    shifts = (
        assistance_shifts(frames)
        .filter((pl.col("end") > lo) & (pl.col("start") < hi))
        .select("employee_id", "start", "end", "break_minutes")
        .collect()
    )
    pieces = split_months_fast(cut_off_before(cut_off_after(shifts, hi), lo))
    return pieces.group_by("employee_id", "month").agg(pl.col("hours").sum().alias("planned_hours"))


def unit_month_grid(frames: Frames, months: Sequence[str]) -> pl.DataFrame:
    """Every visible unit × every requested month: ``unit_id``, ``month``."""
    return (
        frames.units.select("unit_id")
        .unique()
        .join(pl.DataFrame({"month": list(months)}, schema={"month": pl.String}), how="cross")
        .sort("unit_id", "month")
    )


__all__ = [
    "absence_day_hours",
    "concurrent_split",
    "contracted_by_month",
    "employee_months",
    "employment_on",
    "employments",
    "interval_pairs",
    "months_frame",
    "overlapping",
    "planned_after_as_of",
    "share_absence_days",
    "unit_month_grid",
    "worked_classified",
]
