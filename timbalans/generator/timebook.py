"""Planned shifts and worked time, vectorised over all cases at once.

Planned shifts are the segments of every schedule line expanded to days, each booked on the
seat the line's rota gives for that day and the employee holding that seat then. Worked time
follows the plan up to ``until`` 24:00; a shift whose booked employee is absent (or not
employed, or an open shift) is taken by a replacement from the case's staff group who is off
that day (hourly staff as ordinary time, part-timers as mertid, full-timers as overtime, staff
with unscheduled contracted time as ordinary time), or stays unworked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from timbalans.generator import config
from timbalans.generator.absences import PARENTAL, VACATION, Absences
from timbalans.generator.calendar import MIN_PER_DAY
from timbalans.generator.structure import (
    CAT_FULL,
    CAT_HOURLY,
    CAT_PART,
    CAT_STRUCTURAL,
    KIND_ASSISTANCE,
    KIND_ON_CALL,
    KIND_STANDBY,
    Structure,
)

TIME_TYPES = (
    "ordinary",
    "additional",
    "overtime_simple",
    "overtime_qualified",
    "on_call",
    "standby",
)
T_ORD, T_ADD, T_OT_S, T_OT_Q, T_ON_CALL, T_STANDBY = range(6)
HOLD_SHIFT = 21


@dataclass
class Planned:
    case: np.ndarray
    line: np.ndarray
    emp: np.ndarray  # -1 = open
    day: np.ndarray
    start: np.ndarray  # wall-clock minute
    end: np.ndarray
    brk: np.ndarray
    kind: np.ndarray
    intro: np.ndarray


@dataclass
class Worked:
    case: np.ndarray
    emp: np.ndarray
    start: np.ndarray
    end: np.ndarray
    brk: np.ndarray
    type: np.ndarray


class _Lookup:
    """Seat holder at a day, and whether an employee is busy on their own line."""

    def __init__(self, s: Structure):
        self.hold_key = np.array(s.hold_seat, dtype=np.int64) << HOLD_SHIFT
        self.hold_key += np.maximum(np.array(s.hold_from, dtype=np.int64), -1) + 1
        order = np.argsort(self.hold_key, kind="stable")
        self.hold_key = self.hold_key[order]
        self.hold_emp = np.array(s.hold_emp, dtype=np.int64)[order]
        self.rota = s.rota
        self.phase = np.array(s.line_phase, dtype=np.int64)
        self.seat_line = np.array(s.seat_line, dtype=np.int64)
        g = {k: np.array(v, dtype=np.int64) for k, v in s.seg.items()}
        order = np.lexsort((g["frm"], g["line"]))
        self.seg = {k: v[order] for k, v in g.items()}
        self.seg_key = (self.seg["line"] << HOLD_SHIFT) + self.seg["frm"]
        self.weekday = s.cal.weekday

    def shift_at(
        self, line: np.ndarray, day: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Start, end and existence of the line's shift on a day."""
        g = self.seg
        j = np.searchsorted(self.seg_key, (line << HOLD_SHIFT) + day, side="right") - 1
        j = np.clip(j, 0, None)
        active = (g["line"][j] == line) & (g["frm"][j] <= day) & (g["to"][j] >= day)
        active &= ((g["mask"][j] >> self.weekday[day]) & 1).astype(bool)
        st = day * MIN_PER_DAY + g["start"][j]
        return st, st + g["dur"][j], active

    def holder(self, seat: np.ndarray, day: np.ndarray) -> np.ndarray:
        q = (seat.astype(np.int64) << HOLD_SHIFT) + day + 1
        return self.hold_emp[np.searchsorted(self.hold_key, q, side="right") - 1]

    def rota_seat(self, line: np.ndarray, day: np.ndarray) -> np.ndarray:
        block = ((day + self.phase[line]) % config.ROTA_CYCLE_DAYS) // config.ROTA_BLOCK_DAYS
        return self.rota[line, block]


def overtime_multiplier(s: Structure, day: np.ndarray, case: np.ndarray) -> np.ndarray:
    cal = s.cal
    d = np.clip(day, 0, cal.grid_days - 1)
    year = cal.year[d]
    lo, hi = config.OVERTIME_2025
    m = np.where(year <= 2025, lo + (hi - lo) * cal.year_fraction(d), config.OVERTIME_2026)
    after = d >= cal.day_of(config.MEASURES_START)
    return np.where(after & (s.case_q[case] > 0.5), m * 0.8, m)


def expand(s: Structure, rng: np.random.Generator) -> Planned:
    cal = s.cal
    look = _Lookup(s)
    g = look.seg
    nd = g["to"] - g["frm"] + 1
    idx = np.repeat(np.arange(len(nd)), nd)
    day = g["frm"][idx] + (np.arange(nd.sum()) - np.repeat(np.cumsum(nd) - nd, nd))
    keep = ((g["mask"][idx] >> cal.weekday[day]) & 1).astype(bool)
    idx, day = idx[keep], day[keep]
    line = g["line"][idx]
    seat = look.rota_seat(line, day)
    emp = look.holder(seat, day)
    # Introduction shifts (bredvidgång): the week before a new employee takes over a seat.
    intro = np.array(s.intro, dtype=np.int64).reshape(-1, 3)
    i_line = np.repeat(intro[:, 0], 7)
    i_emp = np.repeat(intro[:, 1], 7)
    i_day = np.repeat(intro[:, 2], 7) - np.tile(np.arange(7, 0, -1), len(intro))
    j = np.searchsorted(look.seg_key, (i_line << HOLD_SHIFT) + i_day, side="right") - 1
    ok = (j >= 0) & (i_day >= 0)
    j = np.clip(j, 0, None)
    ok &= (g["line"][j] == i_line) & (g["to"][j] >= i_day)
    ok &= ((g["mask"][j] >> cal.weekday[np.clip(i_day, 0, None)]) & 1).astype(bool)
    ok &= rng.random(len(ok)) < config.P_INTRO_SHIFT
    i_idx, i_line, i_emp, i_day = j[ok], i_line[ok], i_emp[ok], i_day[ok]

    n_main = len(idx)
    idx = np.concatenate([idx, i_idx])
    line = np.concatenate([line, i_line])
    day = np.concatenate([day, i_day])
    emp = np.concatenate([emp, i_emp])
    is_intro = np.r_[np.zeros(n_main, dtype=bool), np.ones(len(i_idx), dtype=bool)]
    start = day * MIN_PER_DAY + g["start"][idx]
    end = start + g["dur"][idx]
    line_case = np.array(s.line_case, dtype=np.int64)
    line_kind = np.array(s.line_kind, dtype=np.int8)
    # Open shifts: a few in the past, more towards the plan's horizon.
    future = np.clip((day - cal.until_day) / config.PLAN_DAYS_AFTER_UNTIL, 0, 1)
    p_open = np.where(day > cal.until_day, 0.02 + config.P_OPEN_FUTURE * future, config.P_OPEN_PAST)
    emp = np.where(~is_intro & (rng.random(len(emp)) < p_open), -1, emp)
    # int32 is enough for every index and minute and halves the memory at national scale.
    i32 = np.int32
    return Planned(
        case=line_case[line].astype(i32),
        line=line.astype(i32),
        emp=emp.astype(i32),
        day=day.astype(i32),
        start=start.astype(i32),
        end=end.astype(i32),
        brk=g["brk"][idx].astype(i32),
        kind=line_kind[line],
        intro=is_intro,
    )


def _available(ab: Absences, emp: np.ndarray, day: np.ndarray, end_day: np.ndarray) -> np.ndarray:
    e = np.clip(emp, 0, None)
    return (
        (emp >= 0)
        & ab.employed[e, day]
        & ab.employed[e, end_day]
        & ~ab.absent[e, day]
        & ~ab.absent[e, end_day]
    )


def _planned_absence(ab: Absences, emp: np.ndarray, day: np.ndarray) -> np.ndarray:
    key = (ab.emp.astype(np.int64) << HOLD_SHIFT) + ab.start
    i = (
        np.searchsorted(
            key, (np.clip(emp, 0, None).astype(np.int64) << HOLD_SHIFT) + day, side="right"
        )
        - 1
    )
    ok = (i >= 0) & (emp >= 0)
    i = np.clip(i, 0, None)
    ok &= (ab.emp[i] == emp) & (ab.end[i] >= day)
    long = (ab.end[i] - ab.start[i] >= 14) & (day - ab.start[i] >= 3)
    return ok & ((ab.type[i] == VACATION) | (ab.type[i] == PARENTAL) | long)


def _overtime_type(s: Structure, start: np.ndarray) -> np.ndarray:
    day = start // MIN_PER_DAY
    hour = (start % MIN_PER_DAY) // 60
    qualified = s.cal.red_day[day] | (hour >= 20) | (hour < 6)
    return np.where(qualified, T_OT_Q, T_OT_S)


def work(s: Structure, p: Planned, ab: Absences, rng: np.random.Generator) -> Worked:
    cal = s.cal
    cutoff = (cal.until_day + 1) * MIN_PER_DAY
    past = np.flatnonzero(p.start < cutoff)
    case, emp, day = p.case[past], p.emp[past], p.day[past]
    start, end, brk, kind, intro = (
        p.start[past],
        p.end[past],
        p.brk[past],
        p.kind[past],
        p.intro[past],
    )
    end_day = (end - 1) // MIN_PER_DAY
    ok = _available(ab, emp, day, end_day)
    cat = np.array(s.emp_cat, dtype=np.int8)
    slack = np.array(s.emp_slack)

    performer = np.where(ok, emp, -1)
    replaced = np.zeros(len(emp), dtype=bool)
    need = np.flatnonzero(~ok & ~intro & (rng.random(len(emp)) >= config.P_UNFILLED))
    # Replacement policy for each need.
    m = overtime_multiplier(s, day[need], case[need])
    p_ot = np.minimum(0.8, s.case_p_ot[case[need]] * m)
    # Absences known in advance (vacation, parental leave, a long sick leave after its first
    # days) are mostly covered by planned substitutes, not by overtime.
    p_ot = np.where(_planned_absence(ab, emp[need], day[need]), p_ot * 0.3, p_ot)
    p_add = np.where(cal.year[day[need]] <= 2025, 0.22, 0.32)
    u = rng.random(len(need))
    desired = np.where(u < p_ot, CAT_FULL, np.where(u < p_ot + p_add, CAT_PART, CAT_HOURLY))

    look = _Lookup(s)
    seat_case = np.array(s.line_case, dtype=np.int64)[look.seat_line]
    seat_cat = np.array(s.seat_cat, dtype=np.int64)
    # Seats of each case, and of each (case, category), as contiguous ranges.
    ptr = np.searchsorted(seat_case, np.arange(s.n_cases + 1))
    by_cat = np.lexsort((seat_cat, seat_case))
    cc_key = seat_case[by_cat] * 4 + seat_cat[by_cat]
    taken = np.zeros(0, dtype=np.int64)
    todo = np.arange(len(need))
    # Staff in work training or reassignment are paid whatever they do: a case's first of
    # them is always asked first (the priority order's paid-but-unused time). Only in their
    # own case, where the ledger charges the hours they work.
    struct_seat = np.full(s.n_cases, -1, dtype=np.int64)
    for seat in np.flatnonzero(seat_cat == CAT_STRUCTURAL)[::-1]:
        struct_seat[seat_case[seat]] = seat
    n_pref, n_any = 4, 3
    attempts = n_pref + n_any + 1
    for _round in range(3):
        if len(todo) == 0:
            break
        ni = need[todo]
        c = case[ni]
        d = day[ni]
        ed = end_day[ni]
        n_c = ptr[c + 1] - ptr[c]
        any_seat = ptr[c][:, None] + (rng.random((len(ni), n_any)) * n_c[:, None]).astype(np.int64)
        want = c * 4 + desired[todo]
        lo = np.searchsorted(cc_key, want)
        n_w = np.searchsorted(cc_key, want, side="right") - lo
        j = lo[:, None] + (rng.random((len(ni), n_pref)) * n_w[:, None]).astype(np.int64)
        pref_seat = np.where(
            n_w[:, None] > 0, by_cat[np.clip(j, 0, len(by_cat) - 1)], any_seat[:, :1]
        )
        own_struct = struct_seat[c][:, None]
        struct = np.where(own_struct >= 0, own_struct, any_seat[:, :1])
        cand_seat = np.concatenate([pref_seat, any_seat, struct], axis=1)
        dd = np.repeat(d[:, None], attempts, axis=1)
        h = look.holder(cand_seat, dd)
        avail = _available(ab, h, dd, np.repeat(ed[:, None], attempts, axis=1))
        avail &= h != emp[ni][:, None]
        # Busy: their own line's shift the day before, that day or the day after overlaps the
        # need (a shift that only touches it is fine: a double shift, often overtime).
        own = look.seat_line[cand_seat]
        ns = start[ni][:, None]
        ne = end[ni][:, None]
        for off in (-1, 0, 1):
            x = np.clip(dd + off, 0, cal.grid_days - 1)
            o_s, o_e, active = look.shift_at(own, x)
            mine = active & (look.rota_seat(own, x) == cand_seat)
            avail &= ~(mine & (o_s < ne) & (ns < o_e))
        # The wanted kind of replacement first; otherwise anyone but a full-timer on overtime
        # (the staffing priority order); a full-timer as the last resort.
        match = avail & (cat[h] == desired[todo][:, None])
        paid_anyway = cat[h] == CAT_STRUCTURAL
        score = avail * (1 + 2 * (cat[h] != CAT_FULL) + 4 * match + 8 * paid_anyway)
        pick = score.argmax(axis=1)
        got = avail[np.arange(len(ni)), pick]
        chosen = h[np.arange(len(ni)), pick]
        # One replacement per employee and day.
        key = chosen * (1 << 20) + d
        first = np.zeros(len(ni), dtype=bool)
        cand_idx = np.flatnonzero(got)
        _, first_pos = np.unique(key[cand_idx], return_index=True)
        first[cand_idx[first_pos]] = True
        first &= ~np.isin(key, taken)
        performer[ni[first]] = chosen[first]
        replaced[ni[first]] = True
        taken = np.r_[taken, key[first]]
        todo = todo[got & ~first]

    done = performer >= 0
    idx = np.flatnonzero(done)
    w_case, w_emp = case[idx], performer[idx]
    w_start, w_end, w_brk = start[idx].copy(), end[idx].copy(), brk[idx].copy()
    w_kind, w_rep, w_day = kind[idx], replaced[idx], day[idx]
    w_cat = cat[w_emp]
    # Time type.
    t = np.full(len(idx), T_ORD, dtype=np.int8)
    monthly = (w_cat == CAT_PART) | (w_cat == CAT_FULL)
    extended = w_rep & monthly & (rng.random(len(idx)) >= np.minimum(1.0, 2.5 * slack[w_emp]))
    t[extended & (w_cat == CAT_PART)] = T_ADD
    ot = extended & (w_cat == CAT_FULL)
    t[ot] = _overtime_type(s, w_start[ot])
    t[w_kind == KIND_ON_CALL] = T_ON_CALL
    t[w_kind == KIND_STANDBY] = T_STANDBY
    # Small deviations from the plan.
    n = len(idx)
    js = rng.random(n) < 0.07
    w_start[js] += rng.choice([-15, -10, -5, 5, 10, 15], size=js.sum())
    je = rng.random(n) < 0.09
    w_end[je] += rng.choice([-30, -20, -15, -10, -5, 5, 10, 15, 20, 30], size=je.sum())
    w_end = np.maximum(w_end, w_start + 60)
    # Late relief: the shift is extended, as overtime for monthly staff.
    m = overtime_multiplier(s, w_day, w_case)
    p_ext = s.case_p_ext[w_case] * m
    ext = rng.choice([15, 30, 45, 60, 90], size=n, p=[0.25, 0.3, 0.2, 0.15, 0.1])
    assist = w_kind == KIND_ASSISTANCE
    r = rng.random(n)
    x_m = assist & (w_cat != CAT_HOURLY) & (w_cat != CAT_STRUCTURAL) & (r < p_ext)
    x_h = assist & (w_cat == CAT_HOURLY) & (r < 0.5 * p_ext)
    w_end[x_h] += ext[x_h]
    e_start = w_end[x_m]
    e_rows = (
        w_case[x_m],
        w_emp[x_m],
        e_start,
        e_start + ext[x_m],
        np.zeros(x_m.sum(), dtype=np.int64),
        # a part-timer's extra time is mertid, a full-timer's overtime
        np.where(w_cat[x_m] == CAT_PART, T_ADD, _overtime_type(s, e_start)).astype(np.int8),
    )
    w_case = np.r_[w_case, e_rows[0]]
    w_emp = np.r_[w_emp, e_rows[1]]
    w_start = np.r_[w_start, e_rows[2]]
    w_end = np.r_[w_end, e_rows[3]]
    w_brk = np.r_[w_brk, e_rows[4]]
    t = np.r_[t, e_rows[5]]
    # Only facts up to until 24:00.
    keep = w_start < cutoff
    w_case, w_emp, w_start, w_brk, t = (
        w_case[keep],
        w_emp[keep],
        w_start[keep],
        w_brk[keep],
        t[keep],
    )
    w_end = np.minimum(w_end[keep], cutoff)
    del case, emp, day, start, end, brk, kind, intro, performer, replaced, ok
    i32 = np.int32
    w = _no_overlaps(
        Worked(
            w_case.astype(i32),
            w_emp.astype(i32),
            w_start.astype(i32),
            w_end.astype(i32),
            w_brk.astype(i32),
            t,
        )
    )
    # Inside the employment, not during an absence (the deviations may have crossed midnight).
    ok = _available(ab, w.emp, w.start // MIN_PER_DAY, (w.end - 1) // MIN_PER_DAY)
    w = _select(w, ok)
    bad = cal.in_forbidden_hour(w.start) | cal.in_forbidden_hour(w.end)
    return _select(w, ~bad)


def _select(w: Worked, m: np.ndarray) -> Worked:
    return Worked(w.case[m], w.emp[m], w.start[m], w.end[m], w.brk[m], w.type[m])


def _no_overlaps(w: Worked) -> Worked:
    """Clip a row that starts before the employee's previous row has ended."""
    order = np.lexsort((w.end, w.start, w.emp))
    w = Worked(*(a[order] for a in (w.case, w.emp, w.start, w.end, w.brk, w.type)))
    key = (w.emp.astype(np.int64) << 32) + w.end
    prev = np.r_[np.int64(-1), np.maximum.accumulate(key)[:-1]]
    same = (prev >> 32) == w.emp
    prev_end = np.where(same, prev & 0xFFFFFFFF, -1)
    start = np.maximum(w.start, prev_end)
    keep = w.end - start >= 30
    brk = np.where(w.end - start >= 4 * w.brk + 60, w.brk, 0)
    return _select(Worked(w.case, w.emp, start, w.end, brk, w.type), keep)
