"""absence-cases: sick leave per case and month, computed by hand (docs/figures.md,
"absence-cases").

D = 2026-03-31, the month March 2026. Social fee rate 0.4453, holiday pay 12 %, sick pay 80 %
less a qualifying deduction of 20 % of a week's sick pay. Case C1 (unit U1):

* S (monthly, 100 %, 26 000 kr → 150 kr/h) is sick 9–10 March (Monday, Tuesday), booked in C1
  08:00–16:00 both days: 16 lost hours, no OB (weekday daytime);
* H (hourly-paid, 160 kr/h) replaces S on 9 March 08–16 (8 h);
* R (monthly, 150 kr/h) replaces S on 10 March 08–12 as ordinary time and 12–16 as
  additional time (mertid);
* case C2 (unit U2) has work but no sick leave: no row.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.figures.helpers import frames, shift_row, worked_row
from timbalans.figures.absence_cases import COLUMNS, absence_cases
from timbalans.figures.registry import FigureRequest

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
EMPLOYEES = [
    {"employee_id": "S", "unit_id": "U1"},
    {"employee_id": "H", "unit_id": "U1"},
    {"employee_id": "R", "unit_id": "U2"},
]


def monthly(employee):
    return {
        "employee_id": employee,
        "form": "monthly_permanent",
        "employment_rate": 100.0,
        "monthly_salary": 26000.0,
        "valid_from": "2025-01-01",
    }


EMPLOYMENTS = [
    monthly("S"),
    monthly("R"),
    {"employee_id": "H", "form": "hourly", "hourly_wage": 160.0, "valid_from": "2025-01-01"},
]
ABSENCES = [
    {
        "employee_id": "S",
        "start": "2026-03-09 00:00",
        "end": "2026-03-11 00:00",
        "type": "sick",
        "extent_percent": 100.0,
    }
]
SHIFTS = [
    shift_row("C1", "S", "2026-03-09 08:00", "2026-03-09 16:00"),
    shift_row("C1", "S", "2026-03-10 08:00", "2026-03-10 16:00"),
]
WORKED = [
    worked_row("C1", "H", "2026-03-09 08:00", "2026-03-09 16:00"),
    worked_row("C1", "R", "2026-03-10 08:00", "2026-03-10 12:00"),
    worked_row("C1", "R", "2026-03-10 12:00", "2026-03-10 16:00", time_type="additional"),
    worked_row("C2", "R", "2026-03-11 08:00", "2026-03-11 16:00"),
]


def run(**changes):
    tables = {
        "units": UNITS,
        "cases": CASES,
        "employees": EMPLOYEES,
        "employments": EMPLOYMENTS,
        "absences": ABSENCES,
        "shifts": SHIFTS,
        "worked": WORKED,
        **changes,
    }
    return absence_cases(frames(**tables), FigureRequest.make(D))


def test_it_has_the_spec_columns_and_only_cases_with_sick_leave():
    table = run()
    assert tuple(table.columns) == COLUMNS
    assert table.select("case_id", "unit_id", "month").rows() == [("C1", "U1", "2026-03")]


def test_a_sick_shift_replaced_by_an_hourly_employee_and_by_a_colleague():
    row = run().row(0, named=True)
    assert row["sick_shift_hours"] == pytest.approx(16.0)
    assert row["replacement_hourly_hours"] == pytest.approx(8.0)  # H
    assert row["replacement_ordinary_hours"] == pytest.approx(4.0)  # R, ordinary
    assert row["replacement_overtime_hours"] == pytest.approx(4.0)  # R, mertid


def test_the_replacement_is_priced_as_case_economics_prices_it():
    row = run().row(0, named=True)
    # H 160 × 1.12 × 8 = 1 433.60; R 150 × 4 + 150 × 4 = 1 200; × (1 + 0.4453).
    assert row["replacement_cost"] == pytest.approx((160 * 1.12 * 8 + 150 * 8) * FEE)  # 3 806.34


def test_the_sick_pay_lands_on_the_case_of_the_lost_shift():
    row = run().row(0, named=True)
    # 0.8 × 150 × 16 = 1 920, less the deduction 0.2 × 0.8 × 150 × 40 = 960, with fees.
    assert row["sick_pay_cost"] == pytest.approx((1920 - 960) * FEE)  # 1 387.49


def test_the_sick_employees_own_work_is_not_replacement_and_a_shift_hour_is_lost_once():
    table = run(
        absences=[
            *ABSENCES,
            {
                "employee_id": "S",
                "start": "2026-03-09 12:00",
                "end": "2026-03-09 20:00",
                "type": "sick",
                "extent_percent": 50.0,
            },
        ],
        worked=[*WORKED, worked_row("C1", "S", "2026-03-10 07:00", "2026-03-10 09:00")],
    )
    row = table.row(0, named=True)
    assert row["sick_shift_hours"] == pytest.approx(16.0)  # 12–16 on the 9th counted once
    assert row["replacement_ordinary_hours"] == pytest.approx(4.0)


def test_a_shift_break_is_taken_in_proportion():
    shifts = [
        shift_row("C1", "S", "2026-03-09 08:00", "2026-03-09 16:00", brk=60),
        shift_row("C1", "S", "2026-03-12 08:00", "2026-03-12 16:00"),  # not sick: not lost
    ]
    row = run(shifts=shifts, worked=[]).row(0, named=True)
    assert row["sick_shift_hours"] == pytest.approx(7.0)
    assert row["replacement_cost"] == 0.0
    assert row["replacement_hourly_hours"] == 0.0


def test_nothing_before_the_month_or_after_d():
    early = absence_cases(
        frames(
            units=UNITS,
            cases=CASES,
            employees=EMPLOYEES,
            employments=EMPLOYMENTS,
            absences=ABSENCES,
            shifts=SHIFTS,
            worked=WORKED,
        ),
        FigureRequest.make(date(2026, 3, 8)),
    )
    assert early.height == 0
