"""absence (sjukfrånvaro): one row per unit and month; absence-employees: one row per employee.

spec/figures.md "absence". Facts up to D 24:00 only: sick time, worked time and contracted
time after D do not count (a month after D has zeros). The hour rules shared with capacity
are in :mod:`timbalans.figures.staff`; spells, sick-pay day numbers (5-day rule) and occasions
come from :mod:`timbalans.core.spells`.

Unit rows (the unit's monthly-paid employees, by home unit):

* ordinary_hours = contracted hours (Σ rate/100 × full-time h/week × days employed / 7), over
  the days up to D, so the rate of the month in progress compares like with like;
* sick_hours = Σ sick absence hours up to D by capacity's rule (hours given; else planned
  hours inside × extent; else contracted hours per calendar day × days × extent);
* sick_rate_pct = 100 × sick_hours / ordinary_hours;
* short / long / long60: the sick hours of each day by the day's number in its sick-pay
  period (1–14 / 15 on / 60 on). Day numbers follow the 5-day rule: a spell starting within 5
  days of the previous one's end continues its numbering (``core.spells``);
* replacement_*_hours: worked time of other employees in the same case during the sick
  employees' lost planned shifts, i.e. their planned ``assistance`` shifts ∩ their sick
  absence, up to D. Lost intervals of the unit's sick employees in one case are merged first,
  so one worked hour is counted once even when two colleagues are sick on the same shift; the
  work of the sick employees themselves in that merged interval does not count. By the
  worker's category that day (``staff.worked_classified``): monthly-paid ordinary time →
  ``replacement_ordinary_hours``; any time of hourly-paid staff (counted hours) →
  ``replacement_hourly_hours``; overtime or additional hours → ``replacement_overtime_hours``.
  On call / standby of the monthly-paid is not replacement. The row is the sick employee's
  home unit's, whatever unit the worker or the case belongs to;
* sick_pay_cost = Σ over the unit's monthly-paid employees of their sick pay days 1–14 with
  social fees, by :func:`sick_pay_pieces`, the one rule case-economics uses too: the dated
  ``sick_pay_share`` (80 %) × (hourly cost basis + the OB of the lost hour) × the sick hours
  of the day, less the qualifying deduction; each amount's fees at the rate of its date.

**Qualifying deduction** (karensavdrag), once per sick-pay period (a spell continuing the
previous period by the 5-day rule has none of its own):
deduction = ``qualifying_deduction_pct_of_week``/100 × an average week's sick pay
= 20 % × 0.8 × hourly cost basis × employment_rate/100 × full_time_hours_per_week,
with the employment in force on the period's first lost hour (the OB of a week is not in
it). It is taken from the period's sick pay day by day in date order until used up, never
more than the period's sick pay (so a one-day spell often costs nothing). The cost basis of
each day is that of the employment in force that day. The law's cap of 10 deductions per 12
months is not applied.

absence-employees (restricted: health data): every employee of the visible units with a sick
spell in the window of ``window_months`` (12) months ending D. ``sick_hours_12m`` by the rule
above (all employment forms; an hourly-paid employee's sick hours come from planned shifts or
given hours); ``occasions_12m`` = spells starting in the window; ``flag_repeated`` =
occasions_12m ≥ ``repeated_occasions`` (6); ``current_spell_days`` = calendar days from the
start of the spell that covers D through D (0 when none does; the spell, not the sick-pay
period).

Where the spec is silent, also: overlapping sick rows each count their own hours (the spec's
rule is per absence row), while spells merge them; partial sick leave loses the whole planned
shift for replacement purposes (the spec's "during the planned shifts").
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.ob import ob_split, with_ob_amount
from timbalans.core.rates import RateSet
from timbalans.core.runs import cum_sum_in_runs
from timbalans.core.spells import occasions_in_window, sick_days, sick_spells
from timbalans.figures.common import month_first_last, months_between, pct, taken_up_to
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import (
    absence_day_hours,
    absence_shift_pairs,
    employee_months,
    employment_on,
    interval_pairs,
    midnight,
    shift_columns,
    unit_month_grid,
    worked_classified,
)

COLUMNS = (
    "unit_id",
    "month",
    "ordinary_hours",
    "sick_hours",
    "sick_rate_pct",
    "short_sick_hours",
    "long_sick_hours",
    "long60_sick_hours",
    "replacement_ordinary_hours",
    "replacement_hourly_hours",
    "replacement_overtime_hours",
    "sick_pay_cost",
)
EMPLOYEE_COLUMNS = (
    "employee_id",
    "unit_id",
    "sick_hours_12m",
    "occasions_12m",
    "flag_repeated",
    "current_spell_days",
)
KEY = ["unit_id", "month"]
EMP_KEY = ["employee_id", "month"]
SICK = ("sick",)
SICK_PAY_DAYS = 14
#: The hourly-paid's qualifying deduction is a share of the sick pay of these first days.
HOURLY_DEDUCTION_WEEK_DAYS = 7
#: ``case_id`` of sick pay not from a planned shift: the unit's row in case-economics.
UNALLOCATED_CASE = ""
LONG_FROM_DAY = 15
LONG60_FROM_DAY = 60
_PERIOD = ["employee_id", "sick_period_no"]
_REPLACEMENT = {
    "ordinary": "replacement_ordinary_hours",
    "hourly": "replacement_hourly_hours",
    "additional": "replacement_overtime_hours",
    "overtime": "replacement_overtime_hours",
}
REPLACEMENT_COLUMNS = tuple(dict.fromkeys(_REPLACEMENT.values()))


def spells_up_to(frames: Frames, as_of: dt.date) -> pl.DataFrame:
    """Sick spells from the sick rows that started by D 24:00 (``core.spells.sick_spells``).

    Computed once per set of frames and D: absence, absence-employees and case-economics'
    sick pay all ask for them.
    """

    def compute() -> pl.DataFrame:
        rows = frames.absences.filter(
            pl.col("type").is_in(list(SICK))
            & (pl.col("start") < midnight(as_of + dt.timedelta(days=1)))
        )
        return sick_spells(rows)

    return frames.derived(("spells_up_to", as_of), compute)


def sick_day_hours(
    frames: Frames, days: pl.DataFrame, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """Sick hours per absence row and day (``staff.absence_day_hours``) with day numbers."""
    return absence_day_hours(frames, first, last, types=SICK).join(
        days.select("employee_id", "date", "sick_period_no", "day_number"),
        on=["employee_id", "date"],
        how="left",
    )


SICK_PAY_SCHEMA = {
    "employee_id": pl.String(),
    "case_id": pl.String(),
    "date": pl.Date(),
    "month": pl.String(),
    "hours": pl.Float64(),
    "amount": pl.Float64(),
    "fee_amount": pl.Float64(),
    "structural": pl.Boolean(),
}


def sick_pay_pieces(
    frames: Frames, *, rates: RateSet, as_of: dt.date, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """Sick pay days 1–14 after the qualifying deduction: the one rule that absence,
    case-economics and the sick-leave saving all use (spec "case-economics", sick pay).

    One row per piece of lost time in ``first``..``min(last, D)`` (:data:`SICK_PAY_SCHEMA`):
    ``case_id`` is the case of the lost planned shift, "" when the hours are not from a
    planned shift (given hours, or contracted hours per day: the unit's row); ``hours`` the
    lost hours (× extent); ``amount`` = ``sick_pay_share`` (dated) × (the hourly pay + the OB
    amount of the lost hour's OB category) × hours, less the qualifying deduction taken in date
    order; ``fee_amount`` = amount × the social fee rate of the piece's date.

    Hours per absence row and day by capacity's rule (:func:`staff.absence_day_hours`); for a
    row with planned shifts inside, the shifts' pieces (so each has its case and OB). Hourly
    pay: the cost basis (monthly-paid), else hourly_wage × (1 + holiday pay rate). Deduction
    once per sick-pay period, with the rates and employment of its first lost piece:
    ``qualifying_deduction_pct_of_week`` % of a week's sick pay (monthly: share × cost basis ×
    rate/100 × full-time h/week; hourly-paid: the sick pay of the period's days 1–7), never
    more than the period's sick pay. The deduction counts the whole period, also its days
    before ``first``.
    """
    empty = pl.DataFrame(schema=SICK_PAY_SCHEMA)
    last = min(last, as_of)
    days = sick_days(spells_up_to(frames, as_of)).filter(pl.col("day_number") <= SICK_PAY_DAYS)
    inside = (pl.col("date") >= pl.lit(first, pl.Date)) & (pl.col("date") <= pl.lit(last, pl.Date))
    periods = days.filter(inside).select(_PERIOD).unique()
    if last < first or periods.height == 0:
        return empty
    period_days = days.join(periods, on=_PERIOD, how="semi")
    pay_first = period_days["date"].min()
    assert isinstance(pay_first, dt.date)
    day_cols = ["employee_id", "date", "sick_period_no", "day_number"]
    rows = absence_day_hours(frames, pay_first, last, types=SICK).join(
        period_days.select(day_cols), on=["employee_id", "date"], how="inner"
    )
    # Rows with planned shifts inside: the shifts' pieces, each with its case and OB category.
    planned_rows = rows.filter(pl.col("rule") == "planned").select("absence_row").unique()
    whole = (pl.col("s_end") - pl.col("s_start")).dt.total_microseconds().cast(pl.Float64)
    lost = (
        shift_columns(
            frames,
            absence_shift_pairs(frames).join(planned_rows, on="absence_row", how="semi"),
            pl.col("case_id"),
            pl.col("start").alias("s_start"),
            pl.col("end").alias("s_end"),
            pl.col("break_minutes").cast(pl.Float64).fill_null(0.0),
        )
        .join(
            frames.absences.with_row_index("absence_row").select(
                "absence_row", "employee_id", pl.col("extent_percent").fill_null(100.0)
            ),
            on="absence_row",
        )
        .with_columns(
            (
                pl.col("break_minutes")
                * (pl.col("ov_end") - pl.col("ov_start")).dt.total_microseconds().cast(pl.Float64)
                / whole
            ).alias("break_minutes")
        )
        .select(
            "employee_id",
            "absence_row",
            "case_id",
            pl.col("ov_start").alias("start"),
            pl.col("ov_end").alias("end"),
            "break_minutes",
            "extent_percent",
        )
    )
    shift_pieces = (
        ob_split(lost, rates.ob_windows)  # cut at midnight and the OB edges: one date each
        .join(period_days.select(day_cols), on=["employee_id", "date"], how="inner")
        .filter((pl.col("date") >= pl.lit(pay_first, pl.Date)) & (pl.col("date") <= last))
        .select(
            "employee_id",
            "absence_row",
            "case_id",
            "date",
            "start",
            "sick_period_no",
            "day_number",
            (pl.col("hours") * pl.col("extent_percent") / 100).alias("hours"),
            "ob_category",
        )
    )
    other_pieces = rows.filter(pl.col("rule") != "planned").select(
        "employee_id",
        "absence_row",
        pl.lit(UNALLOCATED_CASE).alias("case_id"),
        "date",
        "start",
        "sick_period_no",
        "day_number",
        "hours",
        pl.lit("none").alias("ob_category"),
    )
    pieces = pl.concat([shift_pieces, other_pieces.cast(shift_pieces.schema)])
    pieces = with_ob_amount(employment_on(frames, pieces), rates)
    pieces = rates.join(
        pieces,
        {
            "__share": "sick_pay_share",
            "__hp": "holiday_pay_rate",
            "__pct": "qualifying_deduction_pct_of_week",
            "__fee": "social_fee_rate",
        },
    )
    hourly_pay = (
        pl.when(pl.col("form_class") == "monthly")
        .then(pl.col("cost_basis"))
        .otherwise(pl.col("hourly_wage") * (1 + pl.col("__hp")))
    )
    pieces = pieces.with_columns(
        (pl.col("__share") * (hourly_pay + pl.col("ob_amount")) * pl.col("hours"))
        .fill_null(0.0)
        .alias("pay")
    ).sort([*_PERIOD, "date", "absence_row", "start"])
    week = pl.col("__share") * pl.col("cost_basis") * pl.col("employment_rate") / 100
    deduction = (
        pieces.group_by(_PERIOD, maintain_order=True)
        .agg(
            pl.col("form_class").first(),
            (week * pl.col("full_time_hours_per_week")).first().alias("monthly_week"),
            pl.col("__pct").first(),
            pl.col("pay")
            .filter(pl.col("day_number") <= HOURLY_DEDUCTION_WEEK_DAYS)
            .sum()
            .alias("hourly_week"),
        )
        .select(
            *_PERIOD,
            (
                pl.col("__pct")
                / 100
                * pl.when(pl.col("form_class") == "monthly")
                .then(pl.col("monthly_week"))
                .otherwise(pl.col("hourly_week"))
            )
            .fill_null(0.0)
            .alias("deduction"),
        )
    )
    taken = taken_up_to("pay", "deduction", over=_PERIOD)
    net = (
        pieces.join(deduction, on=_PERIOD, how="left")
        .with_columns((pl.col("pay") - taken).alias("amount"))
        .filter(pl.col("date") >= pl.lit(first, pl.Date))
    )
    return net.select(
        "employee_id",
        "case_id",
        "date",
        pl.col("date").dt.strftime("%Y-%m").alias("month"),
        "hours",
        "amount",
        (pl.col("amount") * pl.col("__fee")).alias("fee_amount"),
        pl.col("structural").fill_null(False),
    ).cast(SICK_PAY_SCHEMA)  # type: ignore[arg-type]


def lost_shift_blocks(
    frames: Frames, staff: pl.DataFrame, first: dt.date, last: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The sick employees' lost planned time, merged per (home unit, case).

    Returns ``blocks`` (``block``, ``unit_id``, ``case_id``, ``start``, ``end``) and
    ``members`` (``block``, ``employee_id``: the sick employees whose lost time is in it).
    ``staff``: the employee-months of the monthly-paid (``employee_id``, ``month``,
    ``unit_id``); lost time counts in the month it starts.
    """
    sick_rows = (
        frames.absences.with_row_index("absence_row")
        .filter(pl.col("type").is_in(list(SICK)))
        .get_column("absence_row")
    )
    lo, hi = midnight(first), midnight(last + dt.timedelta(days=1))
    lost = (
        shift_columns(
            frames,
            absence_shift_pairs(frames).filter(pl.col("absence_row").is_in(sick_rows.implode())),
            pl.col("employee_id"),
            pl.col("case_id"),
        )
        .with_columns(
            pl.when(pl.col("ov_start") < lo).then(lo).otherwise(pl.col("ov_start")).alias("start"),
            pl.when(pl.col("ov_end") > hi).then(hi).otherwise(pl.col("ov_end")).alias("end"),
        )
        .filter(pl.col("end") > pl.col("start"))
        .with_columns(pl.col("start").dt.strftime("%Y-%m").alias("month"))
        .join(staff.select("employee_id", "month", "unit_id"), on=EMP_KEY, how="inner")
        .sort("unit_id", "case_id", "start")
    )
    group = ["unit_id", "case_id"]
    prev_end = pl.col("end").cum_max().shift(1).over(group)
    lost = lost.with_columns(
        (prev_end.is_null() | (pl.col("start") > prev_end)).cast(pl.Int64).alias("new")
    ).with_columns(cum_sum_in_runs(pl.col("new"), group).alias("block_no"))
    blocks = (
        lost.group_by(*group, "block_no")
        .agg(pl.col("start").min(), pl.col("end").max())
        .sort(*group, "block_no")
        .with_row_index("block")
    )
    members = (
        lost.join(blocks.select("block", *group, "block_no"), on=[*group, "block_no"])
        .select("block", "employee_id")
        .unique()
    )
    blocks = blocks.select("block", *group, "start", "end")
    return blocks, members


def replacement_pieces(
    frames: Frames,
    staff: pl.DataFrame,
    worked: pl.LazyFrame,
    first: dt.date,
    last: dt.date,
) -> pl.DataFrame:
    """Every piece of replacement work: a worked piece (``worked_classified``) of another
    employee in the same case inside a block of lost time (``lost_shift_blocks``).

    ``unit_id`` (the block's: the sick employees' unit), ``case_id``, ``employee_id``,
    ``time_type``, ``month`` (the worked piece's), ``start``/``end`` (the part inside the
    block), ``break_minutes`` (the piece's break in proportion), ``column`` (the replacement
    column it counts in) and ``hours`` (counted hours in proportion).
    """
    blocks, members = lost_shift_blocks(frames, staff, first, last)
    pieces = (
        worked.filter(
            pl.col("category").is_in(list(_REPLACEMENT))
            & pl.col("case_id").is_in(blocks["case_id"].unique().implode())
        )
        .with_row_index("piece")
        .select(
            "piece",
            pl.col("case_id", "employee_id").cast(pl.String),
            "time_type",
            "start",
            "end",
            "break_minutes",
            "month",
            "category",
            "counted_hours",
        )
        .collect()
    )
    pairs = interval_pairs(pieces, blocks, on=["case_id"], left_id="piece", right_id="block")
    share = (pl.col("ov_end") - pl.col("ov_start")).dt.total_microseconds().cast(pl.Float64) / (
        pl.col("end") - pl.col("start")
    ).dt.total_microseconds().cast(pl.Float64)
    return (
        pairs.join(pieces, on="piece")
        .join(members, on=["block", "employee_id"], how="anti")
        .join(blocks.select("block", "unit_id"), on="block")
        .select(
            "unit_id",
            "case_id",
            "employee_id",
            pl.col("time_type", "month").cast(pl.String),
            pl.col("ov_start").alias("start"),
            pl.col("ov_end").alias("end"),
            (pl.col("break_minutes").cast(pl.Float64).fill_null(0.0) * share).alias(
                "break_minutes"
            ),
            pl.col("category").cast(pl.String).replace_strict(_REPLACEMENT).alias("column"),
            (pl.col("counted_hours") * share).alias("hours"),
        )
    )


def replacement_hours(
    frames: Frames,
    staff: pl.DataFrame,
    worked: pl.LazyFrame,
    first: dt.date,
    last: dt.date,
) -> pl.DataFrame:
    """Replacement hours per (sick employee's) unit and month, by category."""
    return (
        replacement_pieces(frames, staff, worked, first, last)
        .group_by(KEY)
        .agg(
            [
                pl.col("hours").filter(pl.col("column") == name).sum().alias(name)
                for name in REPLACEMENT_COLUMNS
            ]
        )
    )


def absence(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    s = req.settings
    months = months_between(req.date_from, req.date_to)
    first = month_first_last(months[0])[0]
    last = min(month_first_last(months[-1])[1], req.as_of)  # facts up to D
    staff = employee_months(frames, months, until=req.as_of)
    ordinary = staff.group_by(KEY).agg(pl.col("contracted_hours").sum().alias("ordinary_hours"))
    grid = unit_month_grid(frames, months)
    table = grid.join(ordinary, on=KEY, how="left")
    if last >= first:
        days = sick_days(spells_up_to(frames, req.as_of))
        n = pl.col("day_number")
        sick = (
            sick_day_hours(frames, days, first, last)
            .join(staff.select(*EMP_KEY, "unit_id"), on=EMP_KEY, how="inner")
            .group_by(KEY)
            .agg(
                pl.col("hours").sum().alias("sick_hours"),
                pl.col("hours").filter(n < LONG_FROM_DAY).sum().alias("short_sick_hours"),
                pl.col("hours").filter(n >= LONG_FROM_DAY).sum().alias("long_sick_hours"),
                pl.col("hours").filter(n >= LONG60_FROM_DAY).sum().alias("long60_sick_hours"),
            )
        )
        pay = (
            sick_pay_pieces(frames, rates=s.rates, as_of=req.as_of, first=first, last=last)
            .join(staff.select(*EMP_KEY, "unit_id"), on=EMP_KEY, how="inner")
            .group_by(KEY)
            .agg((pl.col("amount") + pl.col("fee_amount")).sum().alias("sick_pay_cost"))
        )
        worked = worked_classified(frames, req.as_of, s, first, last)
        replaced = replacement_hours(frames, staff, worked, first, last)
        table = (
            table.join(sick, on=KEY, how="left")
            .join(replaced, on=KEY, how="left")
            .join(pay, on=KEY, how="left")
        )
    missing = [c for c in COLUMNS if c not in table.columns and c != "sick_rate_pct"]
    table = table.with_columns(pl.lit(0.0).alias(c) for c in missing)
    filled = [c for c in COLUMNS if c not in KEY and c != "sick_rate_pct"]
    return (
        table.with_columns(pl.col(filled).fill_null(0.0))
        .with_columns(pct(pl.col("sick_hours"), pl.col("ordinary_hours")).alias("sick_rate_pct"))
        .select(COLUMNS)
        .sort(KEY)
    )


def window_start(as_of: dt.date, months: int) -> dt.date:
    """First day of the ``months`` months ending D: (D − months, day clamped) + 1 day."""
    index = as_of.year * 12 + as_of.month - 1 - months
    year, month = divmod(index, 12)
    last = month_first_last(f"{year:04d}-{month + 1:02d}")[1]
    return dt.date(year, month + 1, min(as_of.day, last.day)) + dt.timedelta(days=1)


def absence_employees(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    s = req.settings
    d = req.as_of
    first = window_start(d, s.window_months)
    spells = spells_up_to(frames, d)
    units = frames.units["unit_id"].implode()
    home = frames.employees.select("employee_id", "unit_id").filter(pl.col("unit_id").is_in(units))
    in_window = (
        spells.filter(
            (pl.col("end") >= pl.lit(first, pl.Date)) & (pl.col("start") <= pl.lit(d, pl.Date))
        )
        .select("employee_id")
        .unique()
    )
    hours = (
        absence_day_hours(frames, first, d, types=SICK)
        .group_by("employee_id")
        .agg(pl.col("hours").sum().alias("sick_hours_12m"))
    )
    occasions = occasions_in_window(spells, first, d).rename({"occasions": "occasions_12m"})
    current = spells.filter(
        (pl.col("start") <= pl.lit(d, pl.Date)) & (pl.col("end") >= pl.lit(d, pl.Date))
    ).select(
        "employee_id",
        ((pl.lit(d, pl.Date) - pl.col("start")).dt.total_days() + 1).alias("current_spell_days"),
    )
    return (
        home.join(in_window, on="employee_id", how="semi")
        .join(hours, on="employee_id", how="left")
        .join(occasions, on="employee_id", how="left")
        .join(current, on="employee_id", how="left")
        .with_columns(
            pl.col("sick_hours_12m").fill_null(0.0),
            pl.col("occasions_12m").fill_null(0).cast(pl.Int64),
            pl.col("current_spell_days").fill_null(0).cast(pl.Int64),
        )
        .with_columns((pl.col("occasions_12m") >= s.repeated_occasions).alias("flag_repeated"))
        .select(EMPLOYEE_COLUMNS)
        .sort("unit_id", "employee_id")
    )


__all__ = ["COLUMNS", "EMPLOYEE_COLUMNS", "absence", "absence_employees"]
