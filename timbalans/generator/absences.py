"""Absences: sick spells, vacation, vab and parental leave, as whole-day ranges.

Spells are placed category by category in priority order (long-term sick leave, parental leave,
repeated short sick leave, vacation, ordinary sick spells, vab); a spell is dropped when it would
overlap or touch an absence already placed for the employee, or fall outside the employment.
So sick spells are always separate occasions, and every row is a day range inside an
employment. Sick leave is a fact and ends by ``until``; vacation and parental leave may be
planned into the future.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from timbalans.generator import config
from timbalans.generator.structure import CAT_FULL, CAT_HOURLY, CAT_PART, Structure

TYPES = ("sick", "child_care", "vacation", "parental", "leave", "other")
SICK, CHILD_CARE, VACATION, PARENTAL = 0, 1, 2, 3


@dataclass
class Absences:
    emp: np.ndarray
    start: np.ndarray  # day, inclusive
    end: np.ndarray  # day, inclusive
    type: np.ndarray  # index into TYPES
    absent: np.ndarray  # (n_emp, grid_days) bool
    employed: np.ndarray  # (n_emp, grid_days) bool


def employed_matrix(s: Structure) -> np.ndarray:
    g = s.cal.grid_days
    diff = np.zeros((s.n_emp, g + 1), dtype=np.int16)
    for row in s.employments:
        a = max(row["from"], 0)
        b = g - 1 if row["to"] is None else min(row["to"], g - 1)
        if b >= a:
            diff[row["emp"], a] += 1
            diff[row["emp"], b + 1] -= 1
    return np.cumsum(diff, axis=1)[:, :g] > 0


class _Placer:
    def __init__(self, n_emp: int, g: int, employed: np.ndarray):
        self.g = g
        self.occ = np.zeros((n_emp, g), dtype=bool)
        self.emp_cum = np.zeros((n_emp, g + 1), dtype=np.int32)
        np.cumsum(employed, axis=1, out=self.emp_cum[:, 1:])
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def place(self, emp: np.ndarray, start: np.ndarray, end: np.ndarray, typ: int) -> int:
        keep = (start <= end) & (start >= 0) & (end < self.g)
        emp, start, end = emp[keep], start[keep], end[keep]
        if len(emp) == 0:
            return 0
        order = np.lexsort((start, emp))
        emp, start, end = emp[order], start[order], end[order]
        # Within the batch: drop a spell touching an earlier one of the same employee.
        key_end = emp.astype(np.int64) * (1 << 32) + end
        prev = np.maximum.accumulate(key_end)
        prev = np.r_[np.int64(-1), prev[:-1]]
        same = (prev >> 32) == emp
        ok = ~(same & ((prev & 0xFFFFFFFF) + 1 >= start))
        emp, start, end = emp[ok], start[ok], end[ok]
        # Against what is placed: no overlap and no touching; employed on every day.
        occ_cum = np.zeros((self.occ.shape[0], self.g + 1), dtype=np.int32)
        np.cumsum(self.occ, axis=1, out=occ_cum[:, 1:])
        lo = np.maximum(start - 1, 0)
        hi = np.minimum(end + 2, self.g)
        free = occ_cum[emp, hi] - occ_cum[emp, lo] == 0
        worked = self.emp_cum[emp, end + 1] - self.emp_cum[emp, start] == end - start + 1
        ok = free & worked
        emp, start, end = emp[ok], start[ok], end[ok]
        n = end - start + 1
        rep = np.repeat(np.arange(len(emp)), n)
        day = start[rep] + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
        self.occ[emp[rep], day] = True
        self.rows.append((emp, start, end, np.full(len(emp), typ, dtype=np.int8)))
        return len(emp)


def _durations_short(rng: np.random.Generator, n: int) -> np.ndarray:
    d = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.30, 0.26, 0.21, 0.13, 0.10])
    longer = rng.random(n) < 0.08
    d[longer] = rng.integers(6, 15, size=longer.sum())
    return d


def generate(s: Structure, rng: np.random.Generator) -> Absences:
    cal = s.cal
    g = cal.grid_days
    employed = employed_matrix(s)
    cat = np.array(s.emp_cat)
    case = np.array(s.emp_case)
    sick_mult = s.case_sick[case]
    monthly = np.flatnonzero((cat == CAT_PART) | (cat == CAT_FULL))
    hourly = np.flatnonzero(cat == CAT_HOURLY)
    until = cal.until_day
    years = (until + 1) / 365.0
    P = _Placer(s.n_emp, g, employed)

    # 1. Long-term sick leave (>= 60 days), at least one; a spell may have begun before the
    # data (it is then cut at the data's first day) and runs on to until at the latest.
    n_long = min(len(monthly), max(1, round(config.SICK_LONG_PER_YEAR * years * len(monthly))))
    emp = rng.choice(monthly, size=n_long, replace=False)
    start = rng.integers(-120, max(until - 30, 1), size=n_long)
    end = np.minimum(start + rng.integers(60, 300, size=n_long), until)
    P.place(emp, np.maximum(start, 0), end, SICK)

    # 1b. Medium sick spells (15-59 days).
    n_med = round(config.SICK_MEDIUM_PER_YEAR * years * len(monthly))
    emp = rng.choice(monthly, size=n_med, replace=True)
    start = rng.integers(0, until + 1, size=n_med)
    end = np.minimum(start + rng.integers(14, 59, size=n_med), until)
    P.place(emp, start, end, SICK)

    # 2. Parental leave (may continue into the plan).
    n_par = round(0.015 * len(monthly))
    emp = rng.choice(monthly, size=n_par, replace=False)
    start = rng.integers(0, max(until - 30, 1), size=n_par)
    end = np.minimum(start + rng.integers(90, 270, size=n_par), cal.n_days - 1)
    P.place(emp, start, end, PARENTAL)

    # 3. Repeated short sick leave: 7-9 occasions in the 12 months ending until.
    lo = max(until - 364, 0)
    span = until - lo + 1
    full_year = employed[monthly, lo : until + 1].all(axis=1) & ~P.occ[monthly, lo : until + 1].any(
        axis=1
    )
    cand = monthly[full_year]
    n_rep = min(len(cand), max(4, round(0.035 * len(monthly))))
    reps = rng.choice(cand, size=n_rep, replace=False)
    k = rng.integers(7, 10, size=n_rep)
    emp = np.repeat(reps, k)
    i = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
    gap = span / np.repeat(k, k)
    start = (lo + (i + rng.uniform(0.05, 0.55, size=len(i))) * gap).astype(np.int64)
    end = np.minimum(start + rng.integers(0, 3, size=len(i)), until)
    P.place(emp, start, end, SICK)

    # 4. Vacation: a summer block of 3-5 weeks; a Christmas week for some.
    rows_e, rows_s, rows_d = [], [], []
    for year in range(cal.start.year, cal.plan_end.year + 1):
        first = date(year, 6, 16)
        mon = (first - cal.start).days + (7 - first.weekday()) % 7
        st = mon + 7 * rng.integers(0, 6, size=len(monthly))
        dur = 7 * rng.choice([3, 4, 5], size=len(monthly), p=[0.3, 0.5, 0.2])
        rows_e.append(monthly)
        rows_s.append(st)
        rows_d.append(dur)
        xmas = (date(year, 12, 22) - cal.start).days
        who = monthly[rng.random(len(monthly)) < 0.3]
        rows_e.append(who)
        rows_s.append(np.full(len(who), xmas))
        rows_d.append(np.full(len(who), 11))
    emp = np.concatenate(rows_e)
    start = np.concatenate(rows_s)
    end = start + np.concatenate(rows_d) - 1
    keep = (end < cal.n_days) & (start >= 0)
    P.place(emp[keep], start[keep], end[keep], VACATION)

    # 5. Ordinary sick spells, Poisson per employee with a gamma-distributed rate.
    lam = np.zeros(s.n_emp)
    mean = config.SICK_SHORT_SPELLS_PER_YEAR
    lam[monthly] = rng.gamma(1.3, mean / 1.3, size=len(monthly)) * sick_mult[monthly]
    lam[hourly] = rng.gamma(1.3, 0.5 / 1.3, size=len(hourly)) * sick_mult[hourly]
    n = rng.poisson(lam * years)
    emp = np.repeat(np.arange(s.n_emp), n)
    start = rng.integers(0, until + 1, size=len(emp))
    end = np.minimum(start + _durations_short(rng, len(emp)) - 1, until)
    P.place(emp, start, end, SICK)

    # 6. Vab: a third of the monthly staff, 1-2 days, starting on weekdays.
    parents = monthly[rng.random(len(monthly)) < 0.33]
    n = rng.poisson(2.5 * years, size=len(parents))
    emp = np.repeat(parents, n)
    start = rng.integers(0, until + 1, size=len(emp))
    start = start + np.where(cal.weekday[start] >= 5, 7 - cal.weekday[start], 0)
    end = np.minimum(start + rng.integers(0, 2, size=len(emp)), until)
    P.place(emp, start, end, CHILD_CARE)

    emp = np.concatenate([r[0] for r in P.rows])
    start = np.concatenate([r[1] for r in P.rows])
    end = np.concatenate([r[2] for r in P.rows])
    typ = np.concatenate([r[3] for r in P.rows])
    order = np.lexsort((start, emp))
    return Absences(emp[order], start[order], end[order], typ[order], P.occ, employed)
