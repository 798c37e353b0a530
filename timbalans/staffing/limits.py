"""The working-time act's hour caps for staffing, with the rule objects of the ``limits`` table.

One definition of every cap: :class:`timbalans.core.working_time.HoursCap`, with its values from
:class:`~timbalans.staffing.instance.Config`. A candidate's existing overtime and additional
time (``Candidate.capped_work``) is a work frame; what a proposal adds is the overtime and
mertid minutes of its shifts by the cheapest split of the month's room
(:func:`timbalans.staffing.tiers.allocate`), each as an interval at the shift's own time.
A proposal breaks a cap when :meth:`HoursCap.reached` says the cap's breach appears or grows.

For the CP-SAT model the same rule objects give each cap's headroom: the hours a candidate may
still add in a month, a year (up to each month's end) or a four-week window before the rule is
reached (0 when already past it).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import polars as pl

from timbalans.core.working_time import (
    ADDITIONAL_TYPES,
    WORK_SCHEMA,
    HoursCap,
    WorkingTimeLimits,
)
from timbalans.staffing.instance import TIER_ADDITIONAL, TIER_OVERTIME, Config
from timbalans.staffing.prepared import ZONE, PCandidate, Prepared, PShift
from timbalans.staffing.tiers import allocate, tier_totals

OVERTIME_TYPE = "overtime_simple"  # the time type new overtime minutes are counted as
ADDITIONAL_TYPE = ADDITIONAL_TYPES[0]
_TIER_TYPE = {TIER_OVERTIME: OVERTIME_TYPE, TIER_ADDITIONAL: ADDITIONAL_TYPE}


def limits_of(config: Config) -> WorkingTimeLimits:
    return WorkingTimeLimits(
        overtime_4w_hours=config.overtime_4w_hours,
        overtime_month_hours=config.overtime_month_hours,
        overtime_year_hours=config.overtime_year_hours,
        additional_year_hours=config.additional_year_hours,
        daily_rest_hours=config.daily_rest_hours,
        weekly_rest_hours=config.weekly_rest_hours,
    )


def cap(config: Config, code: str) -> HoursCap:
    """The hour cap with this code (``overtime_4w``, ``overtime_month``, ``overtime_year``,
    ``additional_year``)."""
    return next(c for c in limits_of(config).hour_caps() if c.code == code)


def existing_work(prepared: Prepared, c: PCandidate) -> pl.DataFrame:
    """The candidate's overtime and additional time as a work frame (cached)."""
    cache = prepared.cache.setdefault("capped_work", {})
    found = cache.get(c.index)
    if found is None:
        rows = c.candidate.capped_work
        found = pl.DataFrame(
            {
                "employee_id": [c.candidate.employee_id] * len(rows),
                "start": [w.start for w in rows],
                "end": [w.end for w in rows],
                "hours": [w.hours for w in rows],
                "time_type": [w.time_type for w in rows],
                "date": [w.start.astimezone(ZONE).date() for w in rows],
            },
            schema=WORK_SCHEMA,
        )
        cache[c.index] = found
    return found


def _new_rows(prepared: Prepared, c: PCandidate, shifts: Iterable[int]) -> dict[str, list]:
    # The four caps ask about the same candidate and shifts one after the other: keep the
    # last answer (one entry, so memory stays flat).
    key = (c.index, tuple(shifts))
    last = prepared.cache.setdefault("new_rows", {})
    if last.get("key") == key:
        return last["rows"]
    rows = _split_rows(prepared, c, key[1])
    last["key"], last["rows"] = key, rows
    return rows


def _split_rows(prepared: Prepared, c: PCandidate, shifts: Iterable[int]) -> dict[str, list]:
    split = allocate(prepared, [(c.index, s) for s in shifts])
    rows: dict[str, list] = {name: [] for name in WORK_SCHEMA}
    for (_, s), minutes in split.items():
        shift = prepared.shifts[s]
        for tier, time_type in _TIER_TYPE.items():
            m = minutes.get(tier, 0)
            if m > 0:
                rows["employee_id"].append(c.candidate.employee_id)
                rows["start"].append(shift.shift.start)
                rows["end"].append(shift.shift.end)
                rows["hours"].append(m / 60)
                rows["time_type"].append(time_type)
                rows["date"].append(shift.date)
    return rows


def new_work(prepared: Prepared, c: PCandidate, shifts: Iterable[int]) -> pl.DataFrame:
    """The overtime and mertid the candidate would work taking ``shifts`` (indices), split by
    :func:`~timbalans.staffing.tiers.allocate`: one row per shift and time type, at the
    shift's own time."""
    return pl.DataFrame(_new_rows(prepared, c, shifts), schema=WORK_SCHEMA)


def breaks_cap(prepared: Prepared, rule: HoursCap, c: PCandidate, shifts: Iterable[int]) -> bool:
    """Whether taking ``shifts`` makes a breach of ``rule`` appear or grow for ``c``."""
    shifts = tuple(shifts)
    # The split's totals by month first (cheap), for the shortcuts below decided before
    # splitting shift by shift: no new hours of the cap's types, or clearly within the limit
    # with all there are, and the rule cannot be reached; all new overtime and mertid in one
    # month and clearly over the limit there, and it is. (The extra margin is far above the
    # rounding of hours summed shift by shift, far below a minute.) The four caps ask about
    # the same candidate and shifts one after the other: the last answer is kept.
    last = prepared.cache.setdefault("tier_totals", {})
    if last.get("key") != (c.index, shifts):
        last["key"], last["totals"] = (c.index, shifts), tier_totals(prepared, c.index, shifts)
    by_month: dict[str, dict[int, int]] = last["totals"]
    new_minutes = sum(
        m
        for totals in by_month.values()
        for tier, m in totals.items()
        if _TIER_TYPE.get(tier) in rule.time_types
    )
    if new_minutes == 0:
        return False
    existing = _existing_total(prepared, c, rule)
    if existing + new_minutes / 60 <= rule.limit_hours - 1e-6:
        return False
    busy = [m for m, t in by_month.items() if t[TIER_ADDITIONAL] + t[TIER_OVERTIME] > 0]
    if (
        rule.span != "4w"
        and existing + new_minutes / 60 > rule.limit_hours + 1e-9
        and len(busy) == 1
        and _value_before(prepared, c, rule, busy[0]) + new_minutes / 60
        > rule.limit_hours + 1e-6 + 1e-9
    ):
        return True
    rows = _new_rows(prepared, c, shifts)
    added = sum(
        h for h, t in zip(rows["hours"], rows["time_type"], strict=True) if t in rule.time_types
    )
    if added == 0:
        return False  # no hours of the cap's types: nothing to ask the rule
    # Every month, year or four weeks holds at most all the hours there are: within the
    # limit, the rule cannot be reached (a shortcut, not a second definition).
    if _existing_total(prepared, c, rule) + added <= rule.limit_hours:
        return False
    # All new hours in one month M: the rule's own value for M rises by them, so a clear
    # excess over the limit there is a breach that appears or grows (the other shortcut; the
    # margin is far above rounding and far below a minute).
    months = {day.strftime("%Y-%m") for day in rows["date"]}
    if (
        rule.span != "4w"
        and len(months) == 1
        and _value_before(prepared, c, rule, months.pop()) + added > rule.limit_hours + 1e-6
    ):
        return True
    new = pl.DataFrame(rows, schema=WORK_SCHEMA).filter(
        pl.col("time_type").is_in(list(rule.time_types))
    )
    return rule.reached(existing_work(prepared, c), new)


def _value_before(prepared: Prepared, c: PCandidate, rule: HoursCap, month: str) -> float:
    """The rule's value (month, or year to the month's end) of the candidate's existing work."""
    cache = prepared.cache.setdefault("capped_value", {})
    key = (c.index, rule.code, month)
    if key not in cache:
        grid = pl.DataFrame({"employee_id": [c.candidate.employee_id], "month": [month]})
        cache[key] = float(rule.values(existing_work(prepared, c), grid)["value"][0])
    return float(cache[key])


def _existing_total(prepared: Prepared, c: PCandidate, rule: HoursCap) -> float:
    cache = prepared.cache.setdefault("capped_total", {})
    key = (c.index, rule.time_types)
    if key not in cache:
        cache[key] = sum(w.hours for w in c.candidate.capped_work if w.time_type in rule.time_types)
    return float(cache[key])


def _minutes(hours: float) -> int:
    # Whole minutes left, rounding down (a cap is breached above it, not at it).
    return max(0, math.floor(hours * 60 + 1e-6))


def headrooms(
    prepared: Prepared, rule: HoursCap, c: PCandidate, shifts: list[PShift]
) -> list[tuple[list[int], int]]:
    """Groups of ``shifts`` (indices) whose new hours of the rule's time types together may be
    at most the given minutes: one per month, per month of the year to its end, or per
    four-week window the shifts touch."""
    if not shifts:
        return []
    work = existing_work(prepared, c)
    emp = c.candidate.employee_id
    out: list[tuple[list[int], int]] = []
    if rule.span == "4w":
        windows = rule.windows(work)
        existing = dict(zip(windows["key"], windows["value"], strict=True))
        ends: set[dt.date] = set()
        for s in shifts:
            monday = s.date - dt.timedelta(days=s.date.weekday())
            ends.update(monday + dt.timedelta(days=7 * k) for k in range(4))
        for end in sorted(ends):
            inside = [
                s.index
                for s in shifts
                if end - dt.timedelta(days=21) <= s.date <= end + dt.timedelta(days=6)
            ]
            key = end.strftime("%G-W%V")
            out.append((inside, _minutes(rule.limit_hours - existing.get(key, 0.0))))
        return out
    months = sorted({s.month for s in shifts})
    if rule.span == "year":
        years = sorted({m[:4] for m in months})
        months = [
            f"{y}-{k:02d}" for y in years for k in range(1, 13) if f"{y}-{k:02d}" >= months[0]
        ]
    grid = pl.DataFrame({"employee_id": [emp] * len(months), "month": months})
    values = rule.values(work, grid)
    existing = dict(zip(values["month"], values["value"], strict=True))
    for month in months:
        if rule.span == "month":
            inside = [s.index for s in shifts if s.month == month]
        else:
            inside = [s.index for s in shifts if s.month[:4] == month[:4] and s.month <= month]
        if inside:
            out.append((inside, _minutes(rule.limit_hours - existing[month])))
    return out


__all__ = ["breaks_cap", "cap", "existing_work", "headrooms", "limits_of", "new_work"]
