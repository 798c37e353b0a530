"""overtime: every column computed by hand (the same example as docs/figures.md, "overtime").

D = 2026-04-15; rows for March and April 2026; baseline year 2025 (the year before), goal −50 %.
Hourly cost basis: E1 31 200 / 173.33 = 180 kr/h, E2 26 000 / 173.33 = 150 kr/h.
Factors: simple 1.8, qualified 2.0; holiday pay 12 %.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.figures.helpers import frames
from timbalans.figures.overtime import COLUMNS, overtime, same_day_in
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import FigureSettings

D = date(2026, 4, 15)
UNITS = [
    {"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"},
    {"unit_id": "U2", "name": "PA Syd", "cost_center": "81516"},
]
CASES = [
    {"case_id": "C1", "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"},
    {"case_id": "C2", "unit_id": "U2", "service": "assistans_sfb", "start_date": "2024-01-01"},
]
EMPLOYEES = [
    {"employee_id": "E1", "unit_id": "U1"},
    {"employee_id": "E2", "unit_id": "U1"},
    {"employee_id": "H1", "unit_id": "U1"},
]
EMPLOYMENTS = [
    {
        "employee_id": "E1",
        "form": "monthly_permanent",
        "employment_rate": 100.0,
        "monthly_salary": 31200.0,
        "valid_from": "2024-01-01",
    },
    {
        "employee_id": "E2",
        "form": "monthly_permanent",
        "employment_rate": 100.0,
        "monthly_salary": 26000.0,
        "valid_from": "2024-01-01",
    },
    {"employee_id": "H1", "form": "hourly", "hourly_wage": 160.0, "valid_from": "2024-01-01"},
]


def w(case, employee, start, end, time_type="overtime_simple", brk=0):
    return {
        "case_id": case,
        "employee_id": employee,
        "start": start,
        "end": end,
        "break_minutes": brk,
        "time_type": time_type,
    }


WORKED = [
    # baseline year 2025, U1 (case C1): Jan 10, Feb 20, Mar 40, Apr 10 + 2 + (2) + 18
    w("C1", "E1", "2025-01-08 06:00", "2025-01-08 16:00"),  # 10
    w("C1", "E1", "2025-02-03 00:00", "2025-02-03 20:00"),  # 20
    w("C1", "E1", "2025-03-04 00:00", "2025-03-05 00:00"),  # 24
    w("C1", "E2", "2025-03-11 04:00", "2025-03-11 20:00", "overtime_qualified"),  # 16
    w("C1", "E1", "2025-04-10 08:00", "2025-04-10 18:00"),  # 10
    # across 15 April 24:00 in the baseline year: 2 h on the 15th count, 2 h after do not
    w("C1", "E1", "2025-04-15 22:00", "2025-04-16 02:00"),
    w("C1", "E1", "2025-04-20 00:00", "2025-04-20 18:00"),  # 18, after the 15th
    # 2026, U1: Jan 6, Feb 10, Mar 10 simple (E1) + 8 qualified (E2) = 18, Apr 5 + 2
    w("C1", "E1", "2026-01-12 08:00", "2026-01-12 14:00"),  # 6
    w("C1", "E1", "2026-02-09 08:00", "2026-02-09 18:00"),  # 10
    w("C1", "E1", "2026-03-02 08:00", "2026-03-02 19:00", brk=60),  # 11 − 1 break = 10
    w("C1", "E2", "2026-03-07 10:00", "2026-03-07 18:00", "overtime_qualified"),  # 8
    w("C1", "E1", "2026-04-14 13:00", "2026-04-14 18:00"),  # 5
    # across D 24:00: 22-24 (2 h) counts, 00-02 is after D and ignored
    w("C1", "E1", "2026-04-15 22:00", "2026-04-16 02:00"),
    # mertid and hourly staff in March 2026
    w("C1", "E1", "2026-03-20 14:00", "2026-03-20 18:00", "additional"),  # 4
    w("C1", "H1", "2026-03-21 07:00", "2026-03-21 16:00", "ordinary", brk=60),  # 8
    w("C1", "H1", "2026-03-21 16:00", "2026-03-21 18:00"),  # hourly-paid: hourly staff, 2
    # U2's case: 3 h simple overtime by E2 (home unit U1) counts for U2, by the case
    w("C2", "E2", "2026-03-12 18:00", "2026-03-12 21:00"),
]


def the_frames():
    return frames(
        units=UNITS, cases=CASES, employees=EMPLOYEES, employments=EMPLOYMENTS, worked=WORKED
    )


REQ = FigureRequest.make(D, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30))


def rows(req=REQ):
    table = overtime(the_frames(), req)
    assert table.columns == list(COLUMNS)
    return {(r["unit_id"], r["month"]): r for r in table.iter_rows(named=True)}


def check(actual, expected):
    for column, value in expected.items():
        if value is None or isinstance(value, bool):
            assert actual[column] is value, column
        else:
            assert actual[column] == pytest.approx(value, abs=1e-6), column


def test_march_against_the_baseline_year_and_the_goal():
    check(
        rows()["U1", "2026-03"],
        {
            "overtime_hours": 18.0,  # 10 simple + 8 qualified
            "overtime_cost": 10 * 180 * 1.8 + 8 * 150 * 2.0,  # 3 240 + 2 400 = 5 640
            "additional_hours": 4.0,
            "additional_cost": 4 * 180,  # 720
            "hourly_staff_hours": 10.0,  # H1: 8 ordinary + 2 "overtime", all hourly staff
            "hourly_staff_cost": 160 * 1.12 * 10,  # 1 792
            "baseline_overtime_hours": 40.0,  # March 2025: 24 + 16
            "overtime_change_pct": -55.0,  # 100 × (18 − 40) / 40
            "ytd_overtime_hours": 34.0,  # 6 + 10 + 18
            "ytd_baseline_hours": 70.0,  # 10 + 20 + 40
            "ytd_change_pct": 100 * (34 - 70) / 70,  # −51.428571
            "goal_change_pct": -50.0,
            "on_track": True,  # −51.43 ≤ −50
        },
    )


def test_the_month_of_d_compares_the_same_days_of_the_baseline_year():
    check(
        rows()["U1", "2026-04"],
        {
            "overtime_hours": 7.0,  # 5 + 2 before D 24:00
            "overtime_cost": 7 * 180 * 1.8,  # 2 268
            "additional_hours": 0.0,
            "additional_cost": 0.0,
            "hourly_staff_hours": 0.0,
            "hourly_staff_cost": 0.0,
            "baseline_overtime_hours": 12.0,  # 1-15 April 2025: 10 + 2 (not the 2 + 18 after)
            "overtime_change_pct": 100 * (7 - 12) / 12,  # −41.666667
            "ytd_overtime_hours": 41.0,  # 34 + 7
            "ytd_baseline_hours": 82.0,  # 70 + 12
            "ytd_change_pct": -50.0,  # 100 × (41 − 82) / 82, exactly the goal
            "goal_change_pct": -50.0,
            "on_track": True,  # −50 ≤ −50
        },
    )


def test_a_unit_without_baseline_has_no_percentages():
    r = rows()
    check(
        r["U2", "2026-03"],
        {
            "overtime_hours": 3.0,
            "overtime_cost": 3 * 150 * 1.8,  # 810
            "baseline_overtime_hours": 0.0,
            "overtime_change_pct": None,
            "ytd_overtime_hours": 3.0,
            "ytd_baseline_hours": 0.0,
            "ytd_change_pct": None,
            "goal_change_pct": -50.0,
            "on_track": None,
        },
    )
    assert r["U2", "2026-04"]["overtime_hours"] == 0.0
    assert r["U2", "2026-04"]["ytd_overtime_hours"] == 3.0


def test_a_month_after_d_has_nothing_yet_and_ytd_stays_at_d():
    req = FigureRequest.make(D, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
    check(
        rows(req)["U1", "2026-05"],
        {
            "overtime_hours": 0.0,
            "baseline_overtime_hours": 0.0,
            "overtime_change_pct": None,
            "ytd_overtime_hours": 41.0,
            "ytd_baseline_hours": 82.0,
            "ytd_change_pct": -50.0,
        },
    )


def test_goal_and_baseline_year_are_settings():
    strict = replace(FigureSettings(), overtime_goal_pct={2026: -60.0})
    r = rows(FigureRequest.make(D, date_from=date(2026, 3, 1), settings=strict))["U1", "2026-03"]
    assert r["goal_change_pct"] == -60.0
    assert r["on_track"] is False  # −51.43 > −60
    none = replace(FigureSettings(), overtime_goal_pct={})
    r = rows(FigureRequest.make(D, date_from=date(2026, 3, 1), settings=none))["U1", "2026-03"]
    assert r["goal_change_pct"] is None and r["on_track"] is None
    # an explicit baseline year: 2025 rows compared with the same days of 2026
    own = replace(FigureSettings(), baseline_year=2026)
    req = FigureRequest.make(D, date_from=date(2025, 3, 1), settings=own)
    r = rows(req)["U1", "2025-03"]
    assert r["overtime_hours"] == 40.0
    assert r["baseline_overtime_hours"] == 18.0
    assert r["overtime_change_pct"] == pytest.approx(100 * (40 - 18) / 18)


def test_overtime_factors_are_rates():
    s = FigureSettings().with_rates(overtime_factor_simple=1.5, overtime_factor_qualified=1.0)
    r = rows(FigureRequest.make(D, date_from=date(2026, 3, 1), settings=s))["U1", "2026-03"]
    assert r["overtime_cost"] == pytest.approx(10 * 180 * 1.5 + 8 * 150 * 1.0)


def test_same_day_in_keeps_month_ends():
    assert same_day_in(date(2026, 4, 15), 2025) == date(2025, 4, 15)
    assert same_day_in(date(2025, 2, 28), 2024) == date(2024, 2, 29)
    assert same_day_in(date(2024, 2, 29), 2025) == date(2025, 2, 28)
    assert same_day_in(date(2026, 3, 31), 2025) == date(2025, 3, 31)


def test_overtime_pay_can_be_the_monthly_salary_over_a_divisor():
    # AB § 20: simple overtime monthly_salary / 94, qualified / 72. The 10 simple hours are
    # by a 31 200 kr employee, the 8 qualified by a 26 000 kr one.
    s = FigureSettings().with_rates(overtime_divisor_simple=94, overtime_divisor_qualified=72)
    r = rows(FigureRequest.make(D, date_from=date(2026, 3, 1), settings=s))["U1", "2026-03"]
    assert r["overtime_cost"] == pytest.approx(10 * 31200 / 94 + 8 * 26000 / 72)  # 5 208.04
