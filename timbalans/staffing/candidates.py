"""Candidates' state from the canonical frames, and the whole instance.

For every employee in the pool of the open shifts (:attr:`Config.pool`: the shifts' units,
their departments, or everyone; plus anyone who worked or is booked in one of the shifts'
cases within the case's continuity window) :func:`candidates_from_frames` collects:

* **employments**: every row, with the hourly cost basis of monthly rows
  (monthly_salary / (full-time hours per week × 52 / 12)) and the hourly wage of hourly rows;
* **commitments** around the shifts (from the Monday of the first week less two days to the
  Sunday of the last week plus two days): worked time up to D (facts), and booked planned
  shifts after D 24:00 (plans; a shift during the person's full absence is left out: it is an
  open shift). Worked types on_call/standby are on-call/standby time, the rest is work;
* **absences** overlapping that window;
* per month of a shift start: **contracted** hours (as in the capacity figure), **full-time**
  hours (the same at 100 %), **absence** hours (the capacity rule), **worked ordinary** and
  **additional** hours up to D, and **planned** assistance hours after D (as above);
* per case of the shifts: the **last day worked** there up to D, the hours worked there in the
  ``continuity_days`` before D, and the days **booked** there after D;
* **capped work** for the working-time caps: overtime and additional time worked up to D from
  1 January of the first shift's year (or four weeks before its week, if earlier).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from typing import Any

import polars as pl

from timbalans.core.intervals import local_date, local_midnight, midnight_after
from timbalans.core.working_time import ADDITIONAL_TYPES, OVERTIME_TYPES, work_frame
from timbalans.figures.common import (
    hourly_cost_basis,
    month_first_last,
    planned_pieces,
    worked_pieces,
)
from timbalans.figures.frames import Frames
from timbalans.figures.settings import FigureSettings
from timbalans.figures.staff import absence_day_hours, contracted_by_month, interval_pairs
from timbalans.ingest.schema import MONTHLY_FORMS
from timbalans.staffing.instance import (
    Absence,
    Candidate,
    CappedWork,
    CaseHistory,
    Config,
    Employment,
    Instance,
    Interval,
    MonthState,
    OpenShift,
)
from timbalans.staffing.open_shifts import open_shift_frame, open_shifts_from_frame
from timbalans.staffing.prepared import week_start_of

_KIND_OF_TIME_TYPE = {"on_call": "on_call", "standby": "standby"}


def _staff(frames: Frames) -> pl.DataFrame:
    """``employee_id``, ``unit_id``, ``department`` (of the home unit) of every employee."""
    units = frames.units.select("unit_id", "department")
    return frames.employees.select("employee_id", "unit_id").join(units, on="unit_id", how="left")


def _pool_employees(frames: Frames, shifts: list[OpenShift], config: Config) -> pl.DataFrame:
    """``employee_id``, ``unit_id``, ``department`` of everyone in the shifts' pool."""
    staff = _staff(frames)
    if config.pool == "all":
        return staff
    shift_units = {s.unit_id for s in shifts}
    keep = pl.col("unit_id").is_in(sorted(shift_units))
    if config.pool == "department":
        departments = {s.department for s in shifts if s.department is not None}
        keep = keep | pl.col("department").is_in(sorted(departments))
    return staff.filter(keep)


def narrow(frames: Frames, ids: pl.Series) -> Frames:
    """The frames of the employees ``ids`` only (their employments, absences, worked and
    planned rows). The frames themselves when that is everyone (what they remember kept)."""
    if frames.employees["employee_id"].is_in(ids.implode()).all():
        return frames
    keep = pl.col("employee_id").is_in(ids.implode())
    return replace(
        frames,
        employees=frames.employees.filter(keep),
        employments=frames.employments.filter(keep),
        absences=frames.absences.filter(keep),
        worked=frames.worked.filter(keep),
        shifts=frames.shifts.filter(keep),
    )


def _booked_after(frames: Frames, as_of: dt.date) -> pl.DataFrame:
    """Booked planned shifts ending after D 24:00, without those during a full absence."""
    cut = midnight_after(as_of)
    booked = frames.shifts.filter(
        pl.col("employee_id").is_not_null() & (pl.col("end") > cut)
    ).with_row_index("__row")
    full = frames.absences.filter(pl.col("extent_percent") >= 100).with_row_index("__abs")
    absent = interval_pairs(booked, full, on=["employee_id"], left_id="__row", right_id="__abs")
    return booked.filter(~pl.col("__row").is_in(absent["__row"].implode())).drop("__row")


def candidates_from_frames(
    frames: Frames,
    shifts: list[OpenShift],
    *,
    as_of: dt.date,
    settings: FigureSettings,
    config: Config,
) -> list[Candidate]:
    """The candidates for ``shifts`` with the state the rules and costs need."""
    if not shifts:
        return []
    cut = midnight_after(as_of)
    first_day = min(s.start for s in shifts).astimezone(cut.tzinfo).date()
    last_day = max(s.end for s in shifts).astimezone(cut.tzinfo).date()
    lo = local_midnight(pl.lit(week_start_of(first_day) - dt.timedelta(days=2), pl.Date))
    hi = local_midnight(pl.lit(week_start_of(last_day) + dt.timedelta(days=9), pl.Date))
    months = sorted({s.start.astimezone(cut.tzinfo).strftime("%Y-%m") for s in shifts})
    cases = sorted({s.case_id for s in shifts})
    longest = max(config.window_days(c) for c in cases)

    # Who: the pool, and staff known to the shifts' cases.
    since = cut - dt.timedelta(days=longest)
    known_worked = frames.worked.filter(
        pl.col("case_id").is_in(cases) & (pl.col("start") >= since) & (pl.col("start") < cut)
    )
    booked_all = _booked_after(frames, as_of)
    known_planned = booked_all.filter(pl.col("case_id").is_in(cases) & (pl.col("start") < hi))
    pool = _pool_employees(frames, shifts, config)
    ids = pl.concat(
        [pool["employee_id"], known_worked["employee_id"], known_planned["employee_id"]]
    ).unique()
    f = narrow(frames, ids)
    booked = booked_all.filter(pl.col("employee_id").is_in(ids.implode()))

    # Employments.
    employments: dict[str, list[Employment]] = defaultdict(list)
    e = f.employments.with_columns(pl.col("full_time_hours_per_week").fill_null(40.0))
    e = e.with_columns(hourly_cost_basis().alias("basis"))
    for row in e.iter_rows(named=True):
        monthly = row["form"] in MONTHLY_FORMS
        employments[row["employee_id"]].append(
            Employment(
                form="monthly" if monthly else "hourly",
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
                employment_rate=row["employment_rate"] if monthly else None,
                full_time_hours_per_week=row["full_time_hours_per_week"],
                hourly_cost_basis=row["basis"] if monthly else None,
                hourly_wage=None if monthly else row["hourly_wage"],
            )
        )

    # Commitments and absences around the shifts. The frames' rows are typed already: the
    # intervals (tens of thousands a month at municipality scale) are not validated again.
    busy: dict[str, list[Interval]] = defaultdict(list)
    worked = f.worked.filter(
        (pl.col("start") < cut) & (pl.col("end") > lo) & (pl.col("start") < hi)
    )
    columns = ("employee_id", "start", "end", "time_type", "case_id")
    for emp, start, end, time_type, case_id in worked.select(columns).iter_rows():
        busy[emp].append(
            Interval.model_construct(
                start=start,
                end=end,
                kind=_KIND_OF_TIME_TYPE.get(time_type, "assistance"),
                case_id=case_id,
                source="worked",
            )
        )
    planned = booked.filter((pl.col("end") > lo) & (pl.col("start") < hi))
    columns = ("employee_id", "start", "end", "kind", "case_id")
    for emp, start, end, kind, case_id in planned.select(columns).iter_rows():
        busy[emp].append(
            Interval.model_construct(
                start=max(start, cut), end=end, kind=kind, case_id=case_id, source="planned"
            )
        )
    absences: dict[str, list[Absence]] = defaultdict(list)
    for row in f.absences.filter((pl.col("end") > lo) & (pl.col("start") < hi)).iter_rows(
        named=True
    ):
        absences[row["employee_id"]].append(
            Absence(
                start=row["start"],
                end=row["end"],
                type=row["type"],
                extent_percent=row["extent_percent"] or 100.0,
            )
        )

    capped: dict[str, list[CappedWork]] = defaultdict(list)
    since_cap = local_midnight(
        pl.lit(min(dt.date(first_day.year, 1, 1), week_start_of(first_day) - dt.timedelta(days=21)))
    )
    capped_rows = work_frame(
        f.worked.filter(
            pl.col("time_type").is_in([*OVERTIME_TYPES, *ADDITIONAL_TYPES])
            & (pl.col("start") >= since_cap)
            & (pl.col("start") < cut)
        )
    )
    columns = ("employee_id", "start", "end", "hours", "time_type")
    for emp, start, end, hours, time_type in capped_rows.select(columns).iter_rows():
        capped[emp].append(CappedWork(start=start, end=end, hours=hours, time_type=time_type))

    month_state = _months(f, booked, months, as_of=as_of, settings=settings)
    history = _history(f, booked, shifts, as_of=as_of, config=config)

    out = []
    for row in _staff(f).iter_rows(named=True):
        emp = row["employee_id"]
        out.append(
            Candidate(
                employee_id=emp,
                unit_id=row["unit_id"],
                department=row["department"],
                employments=employments.get(emp, []),
                months=month_state.get(emp, {}),
                busy=busy.get(emp, []),
                absences=absences.get(emp, []),
                cases=history.get(emp, {}),
                capped_work=capped.get(emp, []),
            )
        )
    out.sort(key=lambda c: c.employee_id)
    return out


def _months(
    f: Frames,
    booked: pl.DataFrame,
    months: list[str],
    *,
    as_of: dt.date,
    settings: FigureSettings,
) -> dict[str, dict[str, MonthState]]:
    """employee -> month -> MonthState."""
    values: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)

    def put(frame: pl.DataFrame, column: str, alias: str) -> None:
        for emp, month, value in frame.select("employee_id", "month", column).iter_rows():
            values[(emp, month)][alias] = float(value or 0.0)

    put(contracted_by_month(f, months), "contracted_hours", "contracted_hours")
    full = replace(
        f, employments=f.employments.with_columns(pl.lit(100.0).alias("employment_rate"))
    )
    put(contracted_by_month(full, months), "contracted_hours", "full_time_hours")
    first = month_first_last(months[0])[0]
    last = month_first_last(months[-1])[1]
    absent = (
        absence_day_hours(f, first, last)
        .group_by("employee_id", "month")
        .agg(pl.col("hours").sum())
        .filter(pl.col("month").is_in(months))
    )
    put(absent, "hours", "absence_hours")
    lo = local_midnight(pl.lit(first, pl.Date))
    hi = local_midnight(pl.lit(last + dt.timedelta(days=1), pl.Date))
    worked = worked_pieces(
        f.worked.filter((pl.col("end") > lo) & (pl.col("start") < hi)), as_of, settings
    ).filter(pl.col("month").is_in(months))
    for time_type, alias in (
        ("ordinary", "worked_ordinary_hours"),
        ("additional", "additional_hours"),
    ):
        put(
            worked.filter(pl.col("time_type") == time_type)
            .group_by("employee_id", "month")
            .agg(pl.col("hours").sum()),
            "hours",
            alias,
        )
    plan = planned_pieces(booked.filter((pl.col("end") > lo) & (pl.col("start") < hi)), as_of)
    put(
        plan.filter(pl.col("after_as_of") & pl.col("month").is_in(months))
        .group_by("employee_id", "month")
        .agg(pl.col("hours").sum()),
        "hours",
        "planned_hours",
    )
    out: dict[str, dict[str, MonthState]] = defaultdict(dict)
    for (emp, month), fields in values.items():
        out[emp][month] = MonthState(month=month, **fields)
    return out


def _history(
    f: Frames,
    booked: pl.DataFrame,
    shifts: list[OpenShift],
    *,
    as_of: dt.date,
    config: Config,
) -> dict[str, dict[str, CaseHistory]]:
    """employee -> case -> CaseHistory, for the shifts' cases, within each case's window."""
    cut = midnight_after(as_of)
    cases = sorted({s.case_id for s in shifts})
    windows = pl.DataFrame(
        {"case_id": cases, "window": [config.window_days(c) for c in cases]},
        schema={"case_id": pl.String, "window": pl.Int64},
    )
    first_day = min(s.start for s in shifts).astimezone(cut.tzinfo).date()
    last_day = max(s.start for s in shifts).astimezone(cut.tzinfo).date()
    worked = (
        f.worked.filter(pl.col("case_id").is_in(cases) & (pl.col("start") < cut))
        .join(windows, on="case_id")
        .with_columns(
            local_date("start").alias("day"),
            ((pl.col("end") - pl.col("start")).dt.total_minutes() - pl.col("break_minutes"))
            .cast(pl.Float64)
            .alias("minutes"),
        )
        .filter(pl.col("day") >= pl.lit(first_day, pl.Date) - pl.duration(days=pl.col("window")))
    )
    recent = pl.lit(as_of, pl.Date) - pl.duration(days=config.continuity_days)
    per = worked.group_by("employee_id", "case_id").agg(
        pl.col("day").max().alias("last"),
        (pl.col("minutes").filter(pl.col("day") > recent).sum() / 60).alias("hours"),
    )
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    for emp, case, last, hours in per.iter_rows():
        out[emp][case] = {"last_worked": last, "worked_hours": hours}
    plan = (
        booked.filter(pl.col("case_id").is_in(cases))
        .with_columns(local_date("start").alias("day"))
        .filter(pl.col("day") <= pl.lit(last_day, pl.Date))
        .group_by("employee_id", "case_id")
        .agg(pl.col("day").unique().sort())
    )
    for emp, case, days in plan.iter_rows():
        out[emp].setdefault(case, {})["planned_dates"] = days
    return {
        emp: {case: CaseHistory(case_id=case, **fields) for case, fields in per_case.items()}
        for emp, per_case in out.items()
    }


def instance_from_frames(
    frames: Frames,
    *,
    as_of: dt.date,
    settings: FigureSettings,
    config: Config,
    first: dt.date | None = None,
    last: dt.date | None = None,
    units: set[str] | None = None,
    shift_ids: set[str] | None = None,
) -> Instance:
    """The open shifts of ``units`` in ``first``..``last`` (after D) and their candidates.

    ``shift_ids`` keeps only those shifts (one shift's ranking).
    """
    frame = open_shift_frame(frames, as_of=as_of, first=first, last=last, units=units)
    if shift_ids is not None:
        frame = frame.filter(pl.col("id").is_in(sorted(shift_ids)))
    shifts = open_shifts_from_frame(frame, settings)
    candidates = candidates_from_frames(
        frames, shifts, as_of=as_of, settings=settings, config=config
    )
    return Instance(as_of=as_of, shifts=shifts, candidates=candidates)


__all__ = ["candidates_from_frames", "instance_from_frames", "narrow"]
