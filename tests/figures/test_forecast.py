"""forecast (helårsprognos): every column computed by hand.

D = 2026-11-30: the rest of the year is December (31 days). Case C1 (unit U1, cost centre
81515): FK, 70 h/week (10 h a day) at 300 kr/h from 2026-01-01 until further notice, six-month
periods from January; the period containing D is 2026-07-01..2026-12-31 and its remaining part
December, 310 granted hours. Social fees 30 %, holiday pay 12 % (stated here), no OB on
weekdays 08-16 (the shipped OB windows).

* Actuals: the ledger books C1 −10 000 revenue and 12 000 cost every month January-November
  (result −2 000 a month, −22 000) and 1 000 on the unit (−11 000): 81515 −33 000.
* Worked in the period up to D: 298 h in July + 8 h on 2 November = 306 h in 153 elapsed days:
  a pace of 2 h a day. C1's computed cost of September-November: the 8 h at the cost basis
  180 kr/h (31 200 / 173.33) with fees = 1 872 kr, 234 kr per hour.
* Planned in December: E1 (monthly) 1-4 December 08-16 (32 h), H1 (hourly, 200 kr) 7 December
  (8 h), an open shift 8 December (8 h): 48 h; the schedule ends 8 December, so 9-31 December
  (23 days) are forecast at the pace: 46 h. Forecast hours 94 < 310 granted: revenue
  94 × 300 = 28 200.
* Case cost: E1 32 × 180 × 1.3 = 7 488; H1 8 × 200 × 1.12 × 1.3 = 2 329.60; open 8 × 234 =
  1 872; pace 46 × 234 = 10 764; total 22 453.60.
* Cost centre cost: the case's cost without its monthly staff (2 329.60 + 1 872 + 10 764) +
  E1's December salary 31 200 × 1.3 = 40 560: 55 525.60.
* Budget: C1 −1 500 a month (−18 000); the cost centre's own rows: June revenue 100 000 −
  cost 90 000 = 10 000, July a result row of 5 000 (its category row is then not counted), a
  2025 row outside the year: in all −18 000 + 10 000 + 5 000 = −3 000.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.figures.helpers import frames, shift_row, worked_row
from timbalans.figures.forecast import COLUMNS, forecast
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import FigureSettings

D = date(2026, 11, 30)
MONTHS = [f"2026-{m:02d}" for m in range(1, 12)]


def the_frames(**extra):
    ledger = [
        row
        for m in MONTHS
        for row in (
            {
                "month": m,
                "cost_center": "81515",
                "case_id": "C1",
                "account": "3621",
                "amount": -10000.0,
            },
            {
                "month": m,
                "cost_center": "81515",
                "case_id": "C1",
                "account": "5011",
                "amount": 12000.0,
            },
            {
                "month": m,
                "cost_center": "81515",
                "case_id": None,
                "account": "5011",
                "amount": 1000.0,
            },
        )
    ]
    budget = [
        {
            "month": m,
            "cost_center": "81515",
            "case_id": "C1",
            "category": "result",
            "amount": -1500.0,
        }
        for m in [*MONTHS, "2026-12"]
    ] + [
        {
            "month": "2026-06",
            "cost_center": "81515",
            "case_id": None,
            "category": "revenue_fk",
            "amount": -100000.0,
        },
        {
            "month": "2026-06",
            "cost_center": "81515",
            "case_id": None,
            "category": "salary_monthly",
            "amount": 90000.0,
        },
        {
            "month": "2026-07",
            "cost_center": "81515",
            "case_id": None,
            "category": "result",
            "amount": 5000.0,
        },
        {
            "month": "2026-07",
            "cost_center": "81515",
            "case_id": None,
            "category": "salary_monthly",
            "amount": 999.0,
        },
        {
            "month": "2025-12",
            "cost_center": "81515",
            "case_id": None,
            "category": "result",
            "amount": 77777.0,
        },
    ]
    tables = {
        "units": [{"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"}],
        "cases": [
            {
                "case_id": "C1",
                "unit_id": "U1",
                "service": "assistans_sfb",
                "start_date": "2024-01-01",
            },
            {
                "case_id": "C2",
                "unit_id": "U1",
                "service": "assistans_sfb",
                "start_date": "2024-01-01",
            },
        ],
        "decisions": [
            {
                "case_id": "C1",
                "payer": "FK",
                "hours_per_week": 70.0,
                "valid_from": "2026-01-01",
                "valid_to": None,
                "period_start": "2026-01-01",
                "hourly_rate": 300.0,
            }
        ],
        "employees": [
            {"employee_id": "E1", "unit_id": "U1"},
            {"employee_id": "H1", "unit_id": "U1"},
        ],
        "employments": [
            {
                "employee_id": "E1",
                "form": "monthly_permanent",
                "employment_rate": 100.0,
                "monthly_salary": 31200.0,
                "valid_from": "2025-01-01",
            },
            {
                "employee_id": "H1",
                "form": "hourly",
                "hourly_wage": 200.0,
                "valid_from": "2026-01-01",
            },
        ],
        "accounts": [
            {"account": "3621", "category": "revenue_fk", "structural": False},
            {"account": "5011", "category": "salary_monthly", "structural": False},
        ],
        "worked": [
            worked_row("C1", "E1", "2026-07-01 00:00", "2026-07-13 10:00"),  # 298 h
            worked_row("C1", "E1", "2026-11-02 08:00", "2026-11-02 16:00"),  # 8 h
        ],
        "shifts": [
            *[
                shift_row("C1", "E1", f"2026-12-0{d} 08:00", f"2026-12-0{d} 16:00")
                for d in range(1, 5)
            ],
            shift_row("C1", "H1", "2026-12-07 08:00", "2026-12-07 16:00"),
            shift_row("C1", None, "2026-12-08 08:00", "2026-12-08 16:00"),
        ],
        "ledger": ledger,
        "budget": budget,
    }
    tables.update(extra)
    return frames(**tables)


SETTINGS = FigureSettings().with_rates(social_fee_rate=0.3, holiday_pay_rate=0.12)


def rows(f=None, as_of=D):
    table = forecast(f or the_frames(), FigureRequest.make(as_of, settings=SETTINGS))
    assert table.columns == list(COLUMNS)
    return {(r["level"], r["case_id"] or r["cost_center"]): r for r in table.iter_rows(named=True)}


def check(actual, expected):
    for column, value in expected.items():
        if value is None:
            assert actual[column] is None, column
        else:
            assert actual[column] == pytest.approx(value, abs=1e-6), column


def test_a_case_row_adds_the_forecast_of_december_to_the_actuals_and_meets_its_budget():
    check(
        rows()["case", "C1"],
        {
            "year": 2026,
            "cost_center": "81515",
            "actual_result": -22000.0,
            "forecast_revenue": 28200.0,  # (48 planned + 46 at the pace) × 300
            "forecast_cost": 22453.6,
            "forecast_result": 5746.4,
            "year_result": -16253.6,
            "budget": -18000.0,
            "deviation_from_budget": 1746.4,
        },
    )


def test_the_cost_centre_row_takes_the_monthly_salaries_to_year_end_instead_of_their_hours():
    check(
        rows()["cost_center", "81515"],
        {
            "case_id": None,
            "actual_result": -33000.0,
            "forecast_revenue": 28200.0,
            "forecast_cost": 55525.6,
            "forecast_result": -27325.6,
            "year_result": -60325.6,
            "budget": -3000.0,
            "deviation_from_budget": -57325.6,
        },
    )


def test_a_case_without_budget_rows_has_no_budget_or_deviation():
    check(
        rows()["case", "C2"],
        {"actual_result": 0.0, "forecast_revenue": 0.0, "forecast_cost": 0.0, "budget": None},
    )
    assert rows()["case", "C2"]["deviation_from_budget"] is None


def test_the_forecast_revenue_is_capped_at_the_granted_hours_of_the_remaining_part():
    # 16 planned hours a day in December (two shifts a day on 1-31 December) = 496 h > 310
    many = [
        shift_row("C1", "H1", f"2026-12-{d:02d} {h:02d}:00", f"2026-12-{d:02d} {h + 8:02d}:00")
        for d in range(1, 32)
        for h in (0, 8)
    ]
    check(rows(the_frames(shifts=many))["case", "C1"], {"forecast_revenue": 310 * 300.0})


def test_on_the_last_day_of_the_year_nothing_is_left_to_forecast():
    row = rows(as_of=date(2026, 12, 31))["case", "C1"]
    assert row["forecast_revenue"] == 0.0
    assert row["forecast_cost"] == 0.0
