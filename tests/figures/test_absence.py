"""absence and absence-employees: every column computed by hand (docs/figures.md, "absence").

D = 2026-03-31. Hourly cost basis = monthly_salary / (40 × 52 / 12): 26 000 → 150 kr/h,
31 200 → 180 kr/h. Social fee rate 0.4453; qualifying deduction 20 % of a week's sick pay.
Every employment runs from 2025-01-01 with no end.

Unit U1: L1 (100 %, 150 kr/h) long spell; S1 (75 %, 180 kr/h) short spell over planned shifts;
R1 (100 %, 150 kr/h) replaces; H1 hourly-paid. Unit U2: R2 (50 %, 150 kr/h) replaces in U1's
case; P5 and P6 (100 %, 150 kr/h) with repeated short spells.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import polars as pl
import pytest

from tests.figures.helpers import frames, table
from timbalans.figures.absence import (
    COLUMNS,
    EMPLOYEE_COLUMNS,
    absence,
    absence_employees,
    window_start,
)
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import FigureSettings

D = date(2026, 3, 31)
FEE = 1.4453

UNITS = [
    {"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"},
    {"unit_id": "U2", "name": "PA Syd", "cost_center": "81516"},
]
CASES = [
    {"case_id": "C1", "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"},
    {"case_id": "C2", "unit_id": "U2", "service": "assistans_sfb", "start_date": "2024-01-01"},
]
HOME = {"L1": "U1", "S1": "U1", "R1": "U1", "H1": "U1", "R2": "U2", "P5": "U2", "P6": "U2"}
EMPLOYEES = [{"employee_id": e, "unit_id": u} for e, u in HOME.items()]


def monthly(employee, rate, salary):
    return {
        "employee_id": employee,
        "form": "monthly_permanent",
        "employment_rate": rate,
        "monthly_salary": salary,
        "valid_from": "2025-01-01",
    }


EMPLOYMENTS = [
    monthly("L1", 100.0, 26000.0),
    monthly("S1", 75.0, 31200.0),
    monthly("R1", 100.0, 26000.0),
    monthly("R2", 50.0, 26000.0),
    monthly("P5", 100.0, 26000.0),
    monthly("P6", 100.0, 26000.0),
    {"employee_id": "H1", "form": "hourly", "hourly_wage": 160.0, "valid_from": "2025-01-01"},
]


def sick(employee, first, last=None, extent=100.0, hours=None):
    """Whole days first..last inclusive."""
    end = date.fromisoformat(last or first) + timedelta(days=1)
    return {
        "employee_id": employee,
        "start": f"{first} 00:00",
        "end": f"{end.isoformat()} 00:00",
        "type": "sick",
        "extent_percent": extent,
        "hours": hours,
        "whole_days": True,
    }


ABSENCES = [
    # L1: 10 Jan - 31 Jan, then from 1 Feb (touching: merged into one spell), registered to
    # 30 April; no hours, no shifts: 40/7 per calendar day. Day 1 = 10 Jan, day 15 = 24 Jan,
    # day 60 = 10 March.
    sick("L1", "2026-01-10", "2026-01-31"),
    sick("L1", "2026-02-01", "2026-04-30"),
    # S1: 50 % 9-11 March and 50 % 10-12 March (overlapping), 100 % 13 March (touching):
    # one spell 9-13 March, days 1-5
    sick("S1", "2026-03-09", "2026-03-11", extent=50.0),
    sick("S1", "2026-03-10", "2026-03-12", extent=50.0),
    sick("S1", "2026-03-13"),
    # P5: five occasions in the 12 months to D; 5 March starts 3 days after 2 March ended,
    # so it continues 2 March's sick-pay period (day 2) but is an occasion of its own
    *[
        sick("P5", d)
        for d in ("2025-06-02", "2025-10-06", "2026-02-02", "2026-03-02", "2026-03-05")
    ],
    # P6: six occasions in the window (1 April 2025 - 31 March 2026) and one just before it
    *[
        sick("P6", d)
        for d in (
            "2025-03-31",
            "2025-05-05",
            "2025-07-07",
            "2025-09-08",
            "2025-11-10",
            "2026-01-12",
            "2026-03-16",
        )
    ],
]


def shift(case, employee, start, end):
    return {"case_id": case, "employee_id": employee, "start": start, "end": end}


def w(case, employee, start, end, time_type="ordinary"):
    return {
        "case_id": case,
        "employee_id": employee,
        "start": start,
        "end": end,
        "time_type": time_type,
    }


# S1 is planned 07-15 (8 h) in C1 every day 9-13 March
SHIFTS = [shift("C1", "S1", f"2026-03-{day} 07:00", f"2026-03-{day} 15:00") for day in range(9, 14)]
WORKED = [
    w("C1", "S1", "2026-03-09 07:00", "2026-03-09 11:00"),  # S1 themself (50 % sick): not counted
    w("C1", "R1", "2026-03-09 07:00", "2026-03-09 15:00"),  # monthly, ordinary: 8
    w("C1", "H1", "2026-03-10 07:00", "2026-03-10 15:00"),  # hourly-paid: 8
    w("C1", "R1", "2026-03-11 07:00", "2026-03-11 11:00", "overtime_simple"),  # overtime: 4
    w("C1", "R2", "2026-03-11 11:00", "2026-03-11 15:00", "additional"),  # mertid (U2's R2): 4
    w("C1", "H1", "2026-03-12 06:00", "2026-03-12 10:00"),  # hourly, 07-10 inside: 3
    w("C2", "R1", "2026-03-13 07:00", "2026-03-13 15:00"),  # another case: not counted
]


def the_frames():
    return frames(
        units=UNITS,
        cases=CASES,
        employees=EMPLOYEES,
        employments=EMPLOYMENTS,
        absences=ABSENCES,
        shifts=SHIFTS,
        worked=WORKED,
    )


def rows(req=None, f=None):
    t = absence(f or the_frames(), req or FigureRequest.make(D))
    assert t.columns == list(COLUMNS)
    return {(r["unit_id"], r["month"]): r for r in t.iter_rows(named=True)}


def check(actual, expected):
    for column, value in expected.items():
        if value is None or isinstance(value, bool):
            assert actual[column] is value, column
        else:
            assert actual[column] == pytest.approx(value, abs=1e-6), column


def test_u1_march():
    # ordinary: L1 40 × 31/7 = 1240/7, S1 30 × 31/7 = 930/7, R1 1240/7 -> 3410/7 = 487.142857
    # sick: L1 31 days × 40/7 = 1240/7 (days 51-81: all long; 10-31 March = 22 days from day 60)
    #       S1 by planned shifts × extent: row 1 (8 + 8 + 8) × 50 % = 12, row 2 12, row 3 8 = 32
    # sick pay, S1 only (L1 is past day 14): 0.8 × 180 × 32 = 4 608, less the deduction
    #   20 % × 0.8 × 180 × 30 h/week = 864 -> 3 744 × 1.4453 = 5 411.2032
    check(
        rows()["U1", "2026-03"],
        {
            "ordinary_hours": 3410 / 7,
            "sick_hours": 1240 / 7 + 32,  # 209.142857
            "sick_rate_pct": 100 * (1240 + 224) / 3410,  # 42.932551
            "short_sick_hours": 32.0,
            "long_sick_hours": 1240 / 7,
            "long60_sick_hours": 22 * 40 / 7,  # 125.714286
            "replacement_ordinary_hours": 8.0,  # R1 on 9 March
            "replacement_hourly_hours": 8.0 + 3.0,  # H1 on 10 and 12 March
            "replacement_overtime_hours": 4.0 + 4.0,  # R1 overtime + R2 mertid on 11 March
            "sick_pay_cost": (4608 - 864) * FEE,
        },
    )


def test_u2_march_deduction_once_per_sick_pay_period_and_capped():
    # ordinary: R2 20 × 31/7 = 620/7, P5 and P6 1240/7 each -> 3100/7 = 442.857143
    # sick: P5 2 days (2 and 5 March) × 40/7 = 80/7, P6 1 day (16 March) 40/7 -> 120/7
    # sick pay: P5 0.8 × 150 × 80/7 = 9 600/7 = 1 371.43 less ONE deduction (5 March continues
    #   2 March's period) 20 % × 0.8 × 150 × 40 = 960 -> 2 880/7 = 411.428571;
    #   P6 0.8 × 150 × 40/7 = 685.71, the deduction 960 takes it all -> 0
    check(
        rows()["U2", "2026-03"],
        {
            "ordinary_hours": 3100 / 7,
            "sick_hours": 120 / 7,
            "sick_rate_pct": 100 * 120 / 3100,  # 3.870968
            "short_sick_hours": 120 / 7,
            "long_sick_hours": 0.0,
            "long60_sick_hours": 0.0,
            "replacement_ordinary_hours": 0.0,
            "replacement_hourly_hours": 0.0,
            "replacement_overtime_hours": 0.0,
            "sick_pay_cost": 2880 / 7 * FEE,  # 594.637714
        },
    )


def test_a_long_spell_splits_at_day_15_and_pays_days_1_to_14():
    # January: L1 sick 10-31 Jan = 22 days × 40/7; days 1-14 (10-23 Jan) = 80 h short,
    # days 15-22 (24-31 Jan) = 320/7 long. Sick pay 0.8 × 150 × 80 = 9 600 − 960 = 8 640,
    # × 1.4453 = 12 487.392. P6's 12 January: 40/7 short, pay 685.71 − 960 -> 0.
    r = rows(FigureRequest.make(D, date_from=date(2026, 1, 1), date_to=date(2026, 2, 28)))
    check(
        r["U1", "2026-01"],
        {
            "ordinary_hours": 3410 / 7,
            "sick_hours": 880 / 7,
            "sick_rate_pct": 100 * 880 / 3410,
            "short_sick_hours": 80.0,
            "long_sick_hours": 320 / 7,
            "long60_sick_hours": 0.0,
            "sick_pay_cost": 8640 * FEE,
        },
    )
    check(
        r["U2", "2026-01"], {"sick_hours": 40 / 7, "short_sick_hours": 40 / 7, "sick_pay_cost": 0.0}
    )
    # February: L1 days 23-50, all long, none from day 60; no sick pay
    check(
        r["U1", "2026-02"],
        {
            "ordinary_hours": (1120 + 840 + 1120) / 7,  # 28 days: 160 + 120 + 160 = 440
            "sick_hours": 160.0,
            "short_sick_hours": 0.0,
            "long_sick_hours": 160.0,
            "long60_sick_hours": 0.0,
            "sick_pay_cost": 0.0,
        },
    )


def test_the_deduction_is_taken_in_the_month_the_sick_pay_period_began():
    # L2 (100 %, 150 kr/h, U1) sick 27 Feb - 5 March: 7 days × 40/7 = 40 h, 0.8 × 150 = 120 kr/h
    # February: 2 days, 80/7 h -> 1 371.43 of pay, fully deducted (deduction 960 → 960 used,
    # 411.43 left); March: 5 days, 200/7 h -> 3 428.57, nothing left to deduct.
    f = the_frames()
    f = replace(
        f,
        employees=pl.concat(
            [f.employees, table("employees", [{"employee_id": "L2", "unit_id": "U1"}])]
        ),
        employments=pl.concat(
            [f.employments, table("employments", [monthly("L2", 100.0, 26000.0)])]
        ),
        absences=pl.concat(
            [f.absences, table("absences", [sick("L2", "2026-02-27", "2026-03-05")])]
        ),
    )
    feb = rows(FigureRequest.make(D, date_from=date(2026, 2, 1)), f)["U1", "2026-02"]
    assert feb["sick_pay_cost"] == pytest.approx((9600 / 7 - 960) * FEE)  # 411.428571 × 1.4453
    mar = rows(FigureRequest.make(D), f)["U1", "2026-03"]
    assert mar["sick_pay_cost"] == pytest.approx((3744 + 24000 / 7) * FEE)  # S1 + L2 unreduced


def test_two_sick_colleagues_on_one_shift_count_each_replacement_hour_once():
    # S2 (U1) is also planned 07-15 on 9 March in C1 and sick that day; R3 covers S2.
    # The lost time of S1 and S2 merges to one interval 07-15: R1 8 + R3 8 = 16, not 32.
    extra = {
        "employees": [
            {"employee_id": "S2", "unit_id": "U1"},
            {"employee_id": "R3", "unit_id": "U1"},
        ],
        "employments": [monthly("S2", 100.0, 26000.0), monthly("R3", 100.0, 26000.0)],
        "absences": [sick("S2", "2026-03-09")],
        "shifts": [shift("C1", "S2", "2026-03-09 07:00", "2026-03-09 15:00")],
        "worked": [w("C1", "R3", "2026-03-09 07:00", "2026-03-09 15:00")],
    }
    f = the_frames()
    f = replace(f, **{t: pl.concat([getattr(f, t), table(t, r)]) for t, r in extra.items()})
    r = rows(f=f)["U1", "2026-03"]
    assert r["replacement_ordinary_hours"] == pytest.approx(16.0)
    assert r["replacement_hourly_hours"] == pytest.approx(11.0)


def test_months_after_d_have_no_facts():
    r = rows(FigureRequest.make(D, date_from=date(2026, 4, 1)))["U1", "2026-04"]
    check(r, {c: 0.0 for c in COLUMNS[2:] if c != "sick_rate_pct"})
    assert r["sick_rate_pct"] is None


def test_the_default_rows_are_every_unit_in_the_month_of_d():
    assert list(rows()) == [("U1", "2026-03"), ("U2", "2026-03")]


def employees(req=None):
    t = absence_employees(the_frames(), req or FigureRequest.make(D))
    assert t.columns == list(EMPLOYEE_COLUMNS)
    return {r["employee_id"]: r for r in t.iter_rows(named=True)}


def test_absence_employees():
    e = employees()
    assert list(e) == ["L1", "S1", "P5", "P6"]  # by unit, then employee; no one without spells
    # L1: 10 Jan - 31 March = 22 + 28 + 31 = 81 days × 40/7 = 3 240/7 = 462.857143; the spell
    # covers D: day 81
    check(e["L1"], {"unit_id": "U1", "sick_hours_12m": 3240 / 7, "occasions_12m": 1})
    assert (e["L1"]["flag_repeated"], e["L1"]["current_spell_days"]) == (False, 81)
    check(e["S1"], {"sick_hours_12m": 32.0, "occasions_12m": 1, "current_spell_days": 0})
    # P5: 5 one-day spells = 5 × 40/7; 5 occasions: no flag
    check(e["P5"], {"sick_hours_12m": 200 / 7, "occasions_12m": 5, "flag_repeated": False})
    # P6: 6 in the window (31 March 2025 is before it): the 6th occasion raises the flag
    check(e["P6"], {"unit_id": "U2", "sick_hours_12m": 240 / 7, "occasions_12m": 6})
    assert e["P6"]["flag_repeated"] is True


def test_the_flag_threshold_and_window_are_settings():
    s = replace(FigureSettings(), repeated_occasions=5)
    assert employees(FigureRequest.make(D, settings=s))["P5"]["flag_repeated"] is True
    # a window of 6 months (1 Oct 2025 - 31 March 2026): P6 has 3 occasions left, P5 4
    s = replace(FigureSettings(), window_months=6)
    e = employees(FigureRequest.make(D, settings=s))
    assert (e["P6"]["occasions_12m"], e["P5"]["occasions_12m"]) == (3, 4)


def test_window_start():
    assert window_start(date(2026, 3, 31), 12) == date(2025, 4, 1)
    assert window_start(date(2024, 2, 29), 12) == date(2023, 3, 1)
    assert window_start(date(2026, 3, 31), 1) == date(2026, 3, 1)  # 28 Feb + 1
