"""Reference structure: units, cases, decisions, schedule lines, seats and employees.

Everything here is per unit, per case, per schedule line or per seat (tens of thousands of
objects at national scale), so plain Python loops are fine; the per-shift work is vectorised in
``timebook``.

A *line* (schemarad) is one recurring shift of a case: the same wall-clock slot on the days of
a weekday mask (e.g. the night 22:00-07:00 every day). Its definition can change over time in
*segments* (a decision that changes mid-period, the extra shift that the action plan removes).
A line is worked by its *seats*: each seat has a share of the line's days in an 8-week rota and
is held by one employee at a time (a *holder*); when a holder leaves, a new employee takes the
seat after a week of introduction shifts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from timbalans.generator import config
from timbalans.generator.calendar import Calendar, add_months
from timbalans.generator.names import FIRST_NAMES, LAST_NAMES

ALL_DAYS = 0b1111111
KIND_ASSISTANCE, KIND_ON_CALL, KIND_STANDBY = 0, 1, 2
KINDS = ("assistance", "on_call", "standby")
CAT_HOURLY, CAT_PART, CAT_FULL, CAT_STRUCTURAL = 0, 1, 2, 3
MASKS_BY_DAYS = {3: 0b0010101, 4: 0b0011011, 5: 0b0011111, 7: ALL_DAYS}


def popcount(mask: int) -> int:
    return bin(mask).count("1")


def _empty() -> np.ndarray:
    return np.zeros(0)


@dataclass
class Structure:
    cal: Calendar
    units: list[dict] = field(default_factory=list)
    unit_profile: list[str] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    # per case knobs (numpy, by case index)
    case_unit: np.ndarray = field(default_factory=_empty)
    case_from: np.ndarray = field(
        default_factory=_empty
    )  # first active day (clipped to the calendar)
    case_to: np.ndarray = field(default_factory=_empty)  # last active day (clipped)
    case_fk: np.ndarray = field(default_factory=_empty)
    case_q: np.ndarray = field(default_factory=_empty)
    case_p_ot: np.ndarray = field(default_factory=_empty)
    case_p_ext: np.ndarray = field(default_factory=_empty)
    case_sick: np.ndarray = field(default_factory=_empty)
    case_hsl: np.ndarray = field(default_factory=_empty)  # monthly HSL amount (0 = none)
    # lines and segments
    line_case: list[int] = field(default_factory=list)
    line_kind: list[int] = field(default_factory=list)
    line_phase: list[int] = field(default_factory=list)
    line_hours: list[float] = field(default_factory=list)  # paid hours per week
    seg: dict[str, list[int]] = field(
        default_factory=lambda: {
            k: [] for k in ("line", "frm", "to", "start", "dur", "brk", "mask")
        }
    )
    # seats
    seat_line: list[int] = field(default_factory=list)
    seat_share: list[float] = field(default_factory=list)
    seat_cat: list[int] = field(default_factory=list)
    rota: np.ndarray = field(default_factory=_empty)  # (n_lines, blocks) global seat ids
    # holders, sorted by (seat, from)
    hold_seat: list[int] = field(default_factory=list)
    hold_from: list[int] = field(default_factory=list)
    hold_emp: list[int] = field(default_factory=list)
    intro: list[tuple[int, int, int]] = field(default_factory=list)  # (line, emp, take-over day)
    extra_lines: set[int] = field(default_factory=set)  # over-planning lines
    case_def: list[dict] = field(default_factory=list)  # per case: kind, q, cover, worst, ...
    seat_rate: list[int] = field(default_factory=list)  # employment rate of a seat (0 = hourly)
    seat_ft: list[float] = field(default_factory=list)  # full-time hours of a seat
    structural_status: dict[int, str] = field(default_factory=dict)  # seat -> status
    # employees
    emp_case: list[int] = field(default_factory=list)
    emp_cat: list[int] = field(default_factory=list)
    emp_slack: list[float] = field(default_factory=list)
    emp_basis: list[float] = field(default_factory=list)  # SEK/h
    emp_contract: list[float] = field(default_factory=list)  # h/week (0 for hourly)
    employments: list[dict] = field(default_factory=list)
    emp_id: list[str] = field(default_factory=list)
    emp_name: list[str] = field(default_factory=list)

    @property
    def n_cases(self) -> int:
        return len(self.cases)

    @property
    def n_emp(self) -> int:
        return len(self.emp_case)


def build(cal: Calendar, scale: config.Scale, rng: np.random.Generator) -> Structure:
    s = Structure(cal)
    _units(s, scale, rng)
    _cases(s, scale, rng)
    for c in range(s.n_cases):
        _case_lines(s, c, rng)
    _seats(s, rng, scale.pool_per_case)
    _structural_seats(s, rng)
    _rota(s, rng)
    _holders(s, rng)
    _employee_ids(s, rng)
    return s


# -- units ---------------------------------------------------------------------------------


def _units(s: Structure, scale: config.Scale, rng: np.random.Generator) -> None:
    n = scale.n_units
    names = [name for name, _ in config.PROFILE_MIX]
    probs = [p for _, p in config.PROFILE_MIX]
    for i in range(n):
        code = str(config.FIRST_COST_CENTER + i)
        area = config.UNIT_AREAS[i % len(config.UNIT_AREAS)]
        if n <= len(config.UNIT_AREAS):
            name = f"Personlig assistans {area}"
            dept = config.DEPARTMENT_NAME
        else:
            name = f"Personlig assistans {area} {i // len(config.UNIT_AREAS) + 1}"
            dept = f"{config.DEPARTMENT_NAME}, område {i // 10 + 1}"
        s.units.append({"unit_id": code, "name": name, "cost_center": code, "department": dept})
        if i < len(config.DEPARTMENT_PROFILES):
            s.unit_profile.append(config.DEPARTMENT_PROFILES[i])
        else:
            s.unit_profile.append(str(rng.choice(names, p=probs)))


# -- cases and decisions -------------------------------------------------------------------


def _case_codes(n: int, rng: np.random.Generator) -> list[str]:
    required = [int(c) for c, _ in config.WORST_CASES]
    span = max(1000, 3 * n)
    pool = np.setdiff1d(np.arange(51000, 51000 + span), required)
    rest = np.sort(rng.choice(pool, n - len(required), replace=False))
    # Shuffle which unit gets which code but keep codes sorted inside a unit (as a ledger would).
    rng.shuffle(rest)
    return [str(c) for c in required] + [str(c) for c in rest]


def _cases(s: Structure, scale: config.Scale, rng: np.random.Generator) -> None:
    cal = s.cal
    n = scale.n_units * scale.cases_per_unit
    codes = _case_codes(n, rng)
    labels = rng.permutation(n) + 1
    width = max(2, len(str(n)))
    n_worst = len(config.WORST_CASES)
    unit = np.arange(n) // scale.cases_per_unit
    s.case_unit = unit
    s.case_from = np.zeros(n, dtype=np.int64)
    s.case_to = np.full(n, cal.n_days - 1, dtype=np.int64)
    s.case_fk = np.ones(n, dtype=bool)
    s.case_q = np.zeros(n)
    s.case_p_ot = np.zeros(n)
    s.case_p_ext = np.zeros(n)
    s.case_sick = np.ones(n)
    s.case_hsl = np.zeros(n)
    for c in range(n):
        prof = config.PROFILES[s.unit_profile[unit[c]]]
        worst = c < n_worst
        r = rng.random(12)
        if worst:
            q = config.WORST_CASES[c][1]
            kind = "A"
        else:
            q = float(rng.uniform(*prof.problem))
            if r[0] < config.P_KOMMUN:
                kind = "K"
            elif r[1] < config.P_24_7:
                kind = "A"
            elif r[1] < config.P_24_7 + config.P_NIGHT_ON_CALL:
                kind = "B"
            else:
                kind = "C"
        fk = kind != "K"
        # Start and end.
        start_day = -int(rng.integers(60, 12 * 365))
        end_day = None
        if not worst and r[2] < config.P_NEW_CASE and cal.until_day > 120:
            start_day = int(rng.integers(30, cal.until_day - 60))
        elif not worst and r[2] > 1 - config.P_ENDED_CASE and cal.until_day > 120:
            end_day = int(rng.integers(60, cal.until_day - 14))
        s.case_from[c] = max(0, start_day)
        s.case_to[c] = cal.n_days - 1 if end_day is None else end_day
        s.case_fk[c] = fk
        s.case_q[c] = q
        s.case_p_ot[c] = 0.15 + 0.9 * q
        s.case_p_ext[c] = 0.03 + 0.30 * q
        s.case_sick[c] = prof.sick * (1.5 if worst else 1 + 0.8 * q)
        if fk and not worst and r[3] < config.P_HSL:
            s.case_hsl[c] = round(float(rng.uniform(3000, 15000)), -2)
        cover = 0.30 if worst else float(rng.uniform(*prof.monthly_cover))
        s.cases.append(
            {
                "case_id": codes[c],
                "unit_id": s.units[unit[c]]["unit_id"],
                "service": "assistans_sfb" if fk else "assistans_lss",
                "start_date": cal.date_of(start_day),
                "end_date": None if end_day is None else cal.date_of(end_day),
                "label": f"Ärende {labels[c]:0{width}d}",
            }
        )
        s.case_def.append(
            {
                "kind": kind,
                "q": q,
                "cover": cover,
                "worst": worst,
                "extra_hourly": prof.extra_hourly_seats + 2.0 * q,
            }
        )


def _decisions(
    s: Structure,
    c: int,
    rng: np.random.Generator,
    hours: float,
    double: float,
    change: tuple[int, float] | None,
) -> None:
    """Decision rows of case c: one per change of hours and, for a raised rate, per year."""
    cal = s.cal
    case = s.cases[c]
    fk = bool(s.case_fk[c])
    start = case["start_date"]
    if start < cal.start:
        back = int(rng.integers(1, 7))
        if c < len(config.WORST_CASES):
            # Half-year periods (January-June, July-December), the same for the named cases.
            back = (cal.start.month - 1) % 6 or 6
        period_start = add_months(cal.start, -back)
        # The data set's decisions start with its data: the first settlement period is then
        # compared on the days both cover (granted hours count days of validity only).
        valid_from = cal.start
    else:
        period_start = start.replace(day=1)
        valid_from = start
    months = 6 if fk or rng.random() < 0.2 else 1
    if case["end_date"] is not None:
        valid_to = case["end_date"]
    else:
        k = 1
        while add_months(period_start, months * k) <= cal.plan_end:
            k += 1
        valid_to = add_months(period_start, months * k) - timedelta(days=1)
    raised = fk and rng.random() < config.P_RAISED_RATE and c >= len(config.WORST_CASES)
    raise_factor = float(rng.uniform(1.03, 1.12)) if raised else None
    cuts = [valid_from]
    if change is not None:
        cuts.append(cal.date_of(change[0]))
    if raise_factor is not None:
        cuts += [date(y, 1, 1) for y in range(valid_from.year + 1, valid_to.year + 1)]
    cuts = sorted(set(cuts))
    for i, frm in enumerate(cuts):
        to = cuts[i + 1] - timedelta(days=1) if i + 1 < len(cuts) else valid_to
        h = hours
        if change is not None and frm >= cal.date_of(change[0]):
            h = change[1]
        rate = None
        if raise_factor is not None:
            rate = round(config.SCHABLON[frm.year] * raise_factor, 2)
        s.decisions.append(
            {
                "case_id": case["case_id"],
                "payer": "FK" if fk else "KOMMUN",
                "hours_per_week": h,
                "double_hours_per_week": double if double > 0 else None,
                "valid_from": frm,
                "valid_to": to,
                "period_start": period_start,
                "period_months": months,
                "hourly_rate": rate,
            }
        )


# -- schedule lines ------------------------------------------------------------------------


def _add_line(s: Structure, c: int, kind: int, rng: np.random.Generator) -> int:
    s.line_case.append(c)
    s.line_kind.append(kind)
    s.line_phase.append(int(rng.integers(0, config.ROTA_CYCLE_DAYS)))
    s.line_hours.append(0.0)
    return len(s.line_case) - 1


def _add_seg(
    s: Structure, line: int, frm: int, to: int, start: int, dur: int, brk: int, mask: int
) -> None:
    if to < frm:
        return
    g = s.seg
    g["line"].append(line)
    g["frm"].append(frm)
    g["to"].append(to)
    g["start"].append(start)
    g["dur"].append(dur)
    g["brk"].append(brk)
    g["mask"].append(mask)
    if s.line_hours[line] == 0.0:
        s.line_hours[line] = (dur - brk) * popcount(mask) / 60.0


def _q15(minutes: float) -> int:
    return round(minutes / 15.0) * 15


def _case_lines(s: Structure, c: int, rng: np.random.Generator) -> None:
    cal = s.cal
    d = s.case_def[c]
    kind, q, worst = d["kind"], d["q"], d["worst"]
    frm, to = int(s.case_from[c]), int(s.case_to[c])
    double = 0.0
    change = None
    if worst:
        f_plan = 1 + config.WORST_OVERPLAN * q**1.5
    else:
        f_plan = 1 + config.OVERPLAN_BASE + config.OVERPLAN_PER_Q * q + float(rng.normal(0, 0.02))
    extra_start = 10 * 60
    if kind == "A":
        hours = 168.0
        ov = (
            (30 if q >= 0.6 else 15)
            if worst
            else (15 if rng.random() < config.P_HANDOVER + q else 0)
        )
        for st, dur in ((7 * 60, 480), (15 * 60, 420), (22 * 60, 540)):
            line = _add_line(s, c, KIND_ASSISTANCE, rng)
            _add_seg(s, line, frm, to, st - ov, dur + ov, 0, ALL_DAYS)
        clock = 168.0
    elif kind == "B":
        night_kind = KIND_ON_CALL if rng.random() < 0.7 else KIND_STANDBY
        factor = config.COUNT_FACTOR[KINDS[night_kind]]
        hours = float(round(105 + 63 * factor))
        ov = 15 if rng.random() < config.P_HANDOVER + q else 0
        for st, dur, kd in (
            (7 * 60, 480, KIND_ASSISTANCE),
            (15 * 60 - ov, 420 + ov, KIND_ASSISTANCE),
            (22 * 60, 540, night_kind),
        ):
            line = _add_line(s, c, kd, rng)
            _add_seg(s, line, frm, to, st, dur, 0, ALL_DAYS)
        clock = 105.0
        if rng.random() < config.P_DOUBLE:
            double = float(rng.choice([14, 21, 28, 35]))
            line = _add_line(s, c, KIND_ASSISTANCE, rng)
            _add_seg(s, line, frm, to, 8 * 60, _q15(double / 7 * 60), 0, ALL_DAYS)
            hours += double
    else:
        if kind == "K":
            clock = round(float(rng.uniform(5, 19.5)) * 2) / 2
            ndays = int(rng.choice([3, 4, 5, 7], p=[0.2, 0.2, 0.35, 0.25]))
            start = int(rng.choice([8, 9, 10, 13, 14, 15])) * 60
        else:
            clock = (
                float(rng.uniform(20, 45))
                if rng.random() < 0.2
                else float(rng.triangular(45, 90, 112))
            )
            clock = round(clock * 2) / 2
            ndays = 7
            start = int(rng.choice([390, 420, 450, 480, 510, 540]))
        mask = MASKS_BY_DAYS[ndays]
        paid = _q15(clock / ndays * 60 * (float(rng.normal(1.0, 0.012)) if not worst else 1.0))
        n_lines = 1 if paid <= 540 else 2
        parts = [paid] if n_lines == 1 else [_q15(paid / 2), paid - _q15(paid / 2)]
        brks = [
            int(rng.choice([0, 30, 45], p=[0.55, 0.35, 0.10])) if p >= 300 else 0 for p in parts
        ]
        total = sum(parts) + sum(brks)
        start = min(start, 23 * 60 - total)
        ov = 15 if n_lines > 1 and rng.random() < config.P_HANDOVER + q else 0
        st = start
        lines = []
        for i, (p, b) in enumerate(zip(parts, brks, strict=True)):
            line = _add_line(s, c, KIND_ASSISTANCE, rng)
            o = ov if i else 0
            lines.append((line, st - o, p + o, b))
            st += p + b
        hours = clock
        if kind == "C" and rng.random() < config.P_DOUBLE / (
            1 - config.P_24_7 - config.P_NIGHT_ON_CALL
        ):
            double = float(rng.choice([14, 21, 28, 35, 42]))
            dline = _add_line(s, c, KIND_ASSISTANCE, rng)
            _add_seg(s, dline, frm, to, start, min(_q15(double / 7 * 60), paid), 0, ALL_DAYS)
            hours = clock + double
        # A new decision mid-period: the last line of the day follows it after a lag.
        last_line, last_st, last_p, last_b = lines[-1]
        seg_end = to
        new_p = last_p
        lo, hi = max(frm, 0) + 60, min(to, cal.until_day) - 30
        if kind == "C" and not worst and rng.random() < config.P_DECISION_CHANGE and hi > lo:
            cday = int(rng.integers(lo, hi))
            new_clock = round(clock * float(rng.uniform(0.8, 1.2)) * 2) / 2
            new_p = last_p + _q15((new_clock - clock) / ndays * 60)
            if new_p >= 120 and last_st + new_p + last_b <= 23 * 60 + 30 and new_clock != clock:
                change = (cday, new_clock + double)
                seg_end = min(to, cday + int(rng.integers(0, 22)) - 1)
        for line, st, p, b in lines:
            if line == last_line and seg_end < to:
                _add_seg(s, line, frm, seg_end, st, p + b, b, mask)
                _add_seg(s, line, seg_end + 1, to, st, new_p + b, b, mask)
            else:
                _add_seg(s, line, frm, to, st, p + b, b, mask)
        extra_start = lines[0][1] + 60
    # Over-planning: an extra overlapping shift on some weekdays (two people, one granted).
    extra = (f_plan - 1) * clock
    if kind != "K" and extra >= 2.5:
        nd = 7 if extra >= 35 else 5 if extra >= 15 else max(1, round(extra / 5))
        length = min(9 * 60, max(2 * 60, _q15(extra / nd * 60)))
        if nd < 5 and length < 3 * 60:
            length = 3 * 60
        mask = (1 << nd) - 1
        line = _add_line(s, c, KIND_ASSISTANCE, rng)
        s.extra_lines.add(line)
        extra_to = to
        if worst:
            # The action plan's measure 1 removes most of it from May 2026.
            extra_to = min(to, cal.day_of(date(2026, 4, 30)))
        _add_seg(s, line, frm, extra_to, extra_start, length, 0, mask)
        if worst and extra_to < to:
            _add_seg(s, line, extra_to + 1, to, extra_start, length, 0, 1)
    _decisions(s, c, rng, hours, double, change)


# -- seats and staff -----------------------------------------------------------------------

RATES = np.array([100, 90, 80, 75, 60, 50])
RATE_P = np.array([0.45, 0.12, 0.13, 0.16, 0.07, 0.07])
CONTRACT_OVERSHOOT_HOURS = 2.0


def _seats(s: Structure, rng: np.random.Generator, pool_per_case: float = 0.0) -> None:
    has_hourly: set[int] = set()
    # A case's pool substitutes go to its assistance lines in proportion to their hours.
    assist_hours = np.zeros(s.n_cases)
    for line, c in enumerate(s.line_case):
        if s.line_kind[line] == KIND_ASSISTANCE:
            assist_hours[c] += s.line_hours[line]
    for line, c in enumerate(s.line_case):
        d = s.case_def[c]
        h = s.line_hours[line]
        kind = s.line_kind[line]
        contracts: list[tuple[int, float]] = []
        if kind == KIND_ASSISTANCE:
            target = d["cover"] * h
            total = 0.0
            if d["worst"] and line in s.extra_lines:
                target = 0.0  # the extra shift is worked by hourly staff
            elif d["worst"]:
                # The named cases: one full-time employee per line, the rest hourly staff.
                contracts.append((100, 40.0))
                total = 40.0
            while target - total > 12 and len(contracts) < 12:
                rate = int(rng.choice(RATES, p=RATE_P))
                ft = 40.0 if rng.random() < 0.88 else 37.0
                # A contract no larger than what the line still needs (a few hours over at
                # most): an employment larger than its seat would leave paid time unused.
                fitting = RATES[RATES / 100 * ft <= target - total + CONTRACT_OVERSHOOT_HOURS]
                if len(fitting) == 0:
                    break
                rate = min(rate, int(fitting.max()))
                contracts.append((rate, ft))
                total += rate / 100 * ft
            if total / max(h, 1) * 0.97 >= 0.9:
                n_h = int(rng.poisson(0.5))
            else:
                n_h = 2 if d["worst"] else 1 + int(rng.poisson(d["extra_hourly"]))
            if pool_per_case > 0 and assist_hours[c] > 0:
                # The pool's substitutes share the line's hourly days with its own hourly
                # staff, so most of their time is filling in for absent colleagues.
                n_h += int(rng.poisson(pool_per_case * h / assist_hours[c]))
        else:
            n_h = 2 + int(rng.random() < 0.5)
        last_of_case = line + 1 == len(s.line_case) or s.line_case[line + 1] != c
        if last_of_case and n_h == 0 and c not in has_hourly:
            n_h = 1  # every case has at least one substitute (timvikarie)
        if n_h:
            has_hourly.add(c)
        total = sum(r / 100 * ft for r, ft in contracts)
        s_m = min(0.95, total / h * 0.97) if h > 0 else 0.0
        w = rng.dirichlet(np.full(n_h, 0.8)) * (1 - s_m) if n_h else np.zeros(0)
        for rate, ft in contracts:
            s.seat_line.append(line)
            s.seat_share.append(s_m * rate / 100 * ft / total)
            s.seat_cat.append(CAT_FULL if rate == 100 else CAT_PART)
            s.seat_rate.append(rate)
            s.seat_ft.append(ft)
        for x in w:
            s.seat_line.append(line)
            s.seat_share.append(float(x))
            s.seat_cat.append(CAT_HOURLY)
            s.seat_rate.append(0)
            s.seat_ft.append(0.0)


def _structural_seats(s: Structure, rng: np.random.Generator) -> None:
    """A few staff in work training / reassignment: extra seats without rota days."""
    n_monthly = sum(1 for c in s.seat_cat if c in (CAT_PART, CAT_FULL))
    k = max(1, round(config.STRUCTURAL_SHARE / 2 * n_monthly))
    cand = [
        ln
        for ln, c in enumerate(s.line_case)
        if s.line_kind[ln] == KIND_ASSISTANCE
        and s.case_fk[c]
        and s.line_hours[ln] >= 40
        and c >= len(config.WORST_CASES)
    ]
    picks = rng.choice(np.array(cand), size=min(2 * k, len(cand)), replace=False)
    for i, ln in enumerate(picks):
        s.seat_line.append(int(ln))
        s.seat_share.append(0.0)
        s.seat_cat.append(CAT_STRUCTURAL)
        status = "work_training" if i % 2 == 0 else "reassignment"
        rate = (
            int(rng.choice([50, 75])) if status == "work_training" else int(rng.choice([75, 100]))
        )
        s.seat_rate.append(rate)
        s.seat_ft.append(40.0)
        s.structural_status[len(s.seat_line) - 1] = status
    # Seats sorted by line (stable), so that a line's seats are contiguous.
    order = np.argsort(np.array(s.seat_line), kind="stable")
    for name in ("seat_line", "seat_share", "seat_cat", "seat_rate", "seat_ft"):
        vals = getattr(s, name)
        setattr(s, name, [vals[i] for i in order])
    pos = {int(old): new for new, old in enumerate(order)}
    s.structural_status = {pos[k]: v for k, v in s.structural_status.items()}


def _rota(s: Structure, rng: np.random.Generator) -> None:
    n_blocks = config.ROTA_CYCLE_DAYS // config.ROTA_BLOCK_DAYS
    step = 11 if n_blocks % 11 else 5
    u = (((np.arange(n_blocks) * step) % n_blocks) + 0.5) / n_blocks
    seat_line = np.array(s.seat_line)
    share = np.array(s.seat_share)
    n_lines = len(s.line_case)
    ptr = np.searchsorted(seat_line, np.arange(n_lines + 1))
    s.rota = np.zeros((n_lines, n_blocks), dtype=np.int64)
    for ln in range(n_lines):
        a, b = ptr[ln], ptr[ln + 1]
        cum = np.cumsum(share[a:b])
        cum = cum / cum[-1]
        idx = np.minimum(np.searchsorted(cum, u, side="right"), b - a - 1)
        s.rota[ln] = a + idx


def _holders(s: Structure, rng: np.random.Generator) -> None:
    """Seat holders over time; one employee (and employment history) per holder."""
    cal = s.cal
    years = max(cal.until_day, 1) / 365.0
    status_of = s.structural_status
    for seat, line in enumerate(s.seat_line):
        c = s.line_case[line]
        cat = s.seat_cat[seat]
        d = s.case_def[c]
        frm, to = int(s.case_from[c]), int(s.case_to[c])
        hi = min(cal.until_day, to) - 1
        if cat == CAT_HOURLY:
            lam = config.HOURLY_TURNOVER_PER_YEAR + config.HOURLY_TURNOVER_PER_Q * d["q"]
        elif cat == CAT_STRUCTURAL:
            lam = 0.0
        else:
            lam = config.MONTHLY_TURNOVER_PER_YEAR
        n_changes = int(rng.poisson(lam * years)) if hi - frm > 30 else 0
        changes = sorted(
            set(int(x) for x in rng.integers(frm + 14, max(hi, frm + 15), size=n_changes))
        )
        starts = [frm, *changes]
        rate, ft = s.seat_rate[seat], s.seat_ft[seat]
        for k, t in enumerate(starts):
            emp = s.n_emp
            s.hold_seat.append(seat)
            s.hold_from.append(t if k else -(10**6))
            s.hold_emp.append(emp)
            nxt = starts[k + 1] if k + 1 < len(starts) else None
            if k:
                s.intro.append((line, emp, t))
            _employee(s, rng, c, cat, rate, ft, k, t, nxt, status_of.get(seat))


def _employee(
    s: Structure,
    rng: np.random.Generator,
    c: int,
    cat: int,
    rate: int,
    ft: float,
    k: int,
    t: int,
    nxt: int | None,
    status: str | None,
) -> None:
    cal = s.cal
    emp = s.n_emp
    case_start_day = cal.day_of(s.cases[c]["start_date"])
    ended = s.cases[c]["end_date"] is not None
    if k == 0 and case_start_day <= 0:
        vf = -int(rng.integers(30, 10 * 365))
    elif k == 0:
        vf = case_start_day - int(rng.integers(0, 10))
    else:
        vf = t - 7  # a week of introduction before taking over the seat
    if nxt is not None:
        vt: int | None = nxt - 1
    elif ended:
        vt = int(s.case_to[c]) + (30 if cat != CAT_HOURLY else 0)
    else:
        vt = None
    s.emp_case.append(c)
    s.emp_cat.append(cat)
    if cat == CAT_HOURLY:
        wage = round(float(np.clip(rng.normal(175, 8), 160, 190)) * 2) / 2
        s.emp_basis.append(wage)
        s.emp_contract.append(0.0)
        s.emp_slack.append(0.0)
        s.employments.append(_emp_row(emp, "hourly", None, None, None, wage, vf, vt, "ordinary"))
        return
    salary = round(float(np.clip(rng.normal(31000 - 600 * (k > 0), 1300), 28000, 34000)) / 50) * 50
    s.emp_basis.append(salary / (ft * 52 / 12))
    contract = rate / 100 * ft
    s.emp_contract.append(contract)
    s.emp_slack.append(1.0 if status is not None else 0.0)
    if status is not None:
        form = "monthly_temporary" if status == "work_training" else "monthly_permanent"
        if status == "work_training" and vt is None:
            vt = cal.until_day + int(rng.integers(30, 200))
        s.employments.append(_emp_row(emp, form, rate, ft, salary, None, vf, vt, status))
        return
    temp = rng.random() < (config.P_TEMP if k == 0 else 0.5)
    if not temp:
        s.employments.append(
            _emp_row(emp, "monthly_permanent", rate, ft, salary, None, vf, vt, "ordinary")
        )
        return
    if vt is None:
        vt = cal.n_days + int(rng.integers(30, 300))
    lo, hi = max(vf, 0) + 30, min(vt, cal.until_day)
    if rng.random() < config.P_TEMP_TO_PERMANENT and hi > lo:
        conv = int(rng.integers(lo, hi))
        s.employments.append(
            _emp_row(emp, "monthly_temporary", rate, ft, salary, None, vf, conv - 1, "ordinary")
        )
        perm_to = vt if nxt is not None or ended else None
        s.employments.append(
            _emp_row(emp, "monthly_permanent", rate, ft, salary, None, conv, perm_to, "ordinary")
        )
    else:
        s.employments.append(
            _emp_row(emp, "monthly_temporary", rate, ft, salary, None, vf, vt, "ordinary")
        )


def _emp_row(emp, form, rate, ft, salary, wage, vf, vt, status) -> dict:
    return {
        "emp": emp,
        "form": form,
        "employment_rate": rate,
        "full_time_hours_per_week": ft,
        "monthly_salary": salary,
        "hourly_wage": wage,
        "from": vf,
        "to": vt,
        "status": status,
    }


def _employee_ids(s: Structure, rng: np.random.Generator) -> None:
    n = s.n_emp
    ids = rng.choice(900_000, size=n, replace=False) + 100_000
    s.emp_id = [str(x) for x in ids]
    first = rng.integers(0, len(FIRST_NAMES), size=n)
    last = rng.integers(0, len(LAST_NAMES), size=n)
    s.emp_name = [f"{FIRST_NAMES[a]} {LAST_NAMES[b]}" for a, b in zip(first, last, strict=True)]
    # Slack of monthly staff: share of contracted time their seat leaves unscheduled.
    seat_hours = np.array(s.seat_share) * np.array([s.line_hours[ln] for ln in s.seat_line])
    for seat, emp in zip(s.hold_seat, s.hold_emp, strict=True):
        if s.emp_cat[emp] in (CAT_PART, CAT_FULL):
            s.emp_slack[emp] = max(0.0, 1 - seat_hours[seat] / s.emp_contract[emp])
