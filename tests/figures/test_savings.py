"""savings: every area computed by hand (docs/figures.md, "savings").

D = 31 March 2025: the window is April 2024 – March 2025. E1, E2 (home U1) and T1 (home U2,
work training) are monthly-paid, 100 % of 40 h, 26 000 kr → 150 kr/h; H1 is hourly-paid at
160 kr/h. Social fees 44.53 %, holiday pay 12 %, simple overtime × 1.8.

* C1 (U1): FK 7 h/week, 1 January – 31 March, one three-month period: granted 7 × 90 / 7 =
  90 h. E1 works 10 days × 10 h = 100 h, E2 2 h beside E1 on 3 February: 102 h, so 12 h unpaid
  and 2 h of excess coverage.
* C2 (U2): no decision. E2 works 20 h in January; in March E1 works 2 h simple overtime and
  H1 4 + 8 h; E2 is sick 10–12 March from three planned 8-hour shifts in C2, and H1's 8 h on
  11 March replace her.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from tests.figures.helpers import frames, shift_row, worked_row
from timbalans.figures.registry import FigureRequest
from timbalans.figures.savings import AREAS, COLUMNS, savings, window_request
from timbalans.figures.settings import FigureSettings

FEE = 0.4453
D = dt.date(2025, 3, 31)


def monthly(employee: str, status: str = "ordinary") -> dict:
    return {
        "employee_id": employee,
        "form": "monthly_permanent",
        "employment_rate": 100.0,
        "monthly_salary": 26000.0,
        "valid_from": "2024-01-01",
        "status": status,
    }


def ten_hours(case: str, employee: str, date: str) -> dict:
    return worked_row(case, employee, f"{date} 08:00", f"{date} 18:00")


DAYS_C1 = ["2025-01-07", "2025-01-08", "2025-01-09", "2025-01-10", "2025-01-13"] + [
    f"2025-02-0{d}" for d in range(3, 8)
]
WORKED = [
    *[ten_hours("C1", "E1", d) for d in DAYS_C1],
    worked_row("C1", "E2", "2025-02-03 08:00", "2025-02-03 10:00"),
    ten_hours("C2", "E2", "2025-01-20"),
    ten_hours("C2", "E2", "2025-01-21"),
    worked_row("C2", "E1", "2025-03-04 16:00", "2025-03-04 18:00", 0, "overtime_simple"),
    worked_row("C2", "H1", "2025-03-05 08:00", "2025-03-05 12:00"),
    worked_row("C2", "H1", "2025-03-11 08:00", "2025-03-11 16:00"),
]
SHIFTS = [shift_row("C2", "E2", f"2025-03-{d} 08:00", f"2025-03-{d} 16:00") for d in (10, 11, 12)]
ABSENCES = [
    {"employee_id": "E2", "start": "2025-03-10 00:00", "end": "2025-03-13 00:00", "type": "sick"}
]


def data():
    return frames(
        units=[
            {"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"},
            {"unit_id": "U2", "name": "PA Syd", "cost_center": "81516"},
        ],
        cases=[
            {"case_id": c, "unit_id": u, "service": "assistans_sfb", "start_date": "2024-01-01"}
            for c, u in (("C1", "U1"), ("C2", "U2"))
        ],
        decisions=[
            {
                "case_id": "C1",
                "payer": "FK",
                "hours_per_week": 7.0,
                "valid_from": "2025-01-01",
                "valid_to": "2025-03-31",
                "period_start": "2025-01-01",
                "period_months": 3,
            }
        ],
        employees=[
            {"employee_id": "E1", "unit_id": "U1"},
            {"employee_id": "E2", "unit_id": "U1"},
            {"employee_id": "T1", "unit_id": "U2"},
            {"employee_id": "H1", "unit_id": "U2"},
        ],
        employments=[
            monthly("E1"),
            monthly("E2"),
            monthly("T1", "work_training"),
            {
                "employee_id": "H1",
                "form": "hourly",
                "hourly_wage": 160.0,
                "valid_from": "2024-01-01",
            },
        ],
        worked=WORKED,
        shifts=SHIFTS,
        absences=ABSENCES,
    )


def areas(settings: FigureSettings | None = None) -> dict[str, dict]:
    table = savings(data(), FigureRequest.make(D, settings=settings))
    assert table.columns == list(COLUMNS)
    assert table["area"].to_list() == list(AREAS)
    return {r["area"]: r for r in table.iter_rows(named=True)}


def test_the_window_is_the_twelve_months_ending_with_d():
    w = window_request(FigureRequest.make(D))
    assert (w.date_from, w.date_to) == (dt.date(2024, 4, 1), D)


def test_decided_hours_are_unpaid_and_excess_hours_at_the_case_cost_per_hour():
    # C1 cost: 102 h × 150 × 1.4453 = 22 113.09, per hour 216.795; (12 + 2) h.
    per_hour = 102 * 150 * (1 + FEE) / 102
    r = areas()["decided_hours"]
    assert r["cost_base"] == pytest.approx(14 * per_hour)  # 3 035.13
    assert r["effect_low"] == pytest.approx(0.10 * 14 * per_hour)
    assert r["effect_high"] == pytest.approx(0.20 * 14 * per_hour)


def test_cases_is_the_deficit_of_the_worst_cases():
    # C2: E2 20 h (3 000) + overtime 150 × 2 × 1.8 (540) + H1 160 × 1.12 × 12 (2 150.40)
    # + sick pay 0.8 × 150 × 24 − 960 (1 920), all with fees. C1 has a surplus.
    c2 = (3000 + 540 + 2150.40 + 1920) * (1 + FEE)
    assert areas()["cases"]["cost_base"] == pytest.approx(c2)  # 10 999.41
    none = replace(FigureSettings(), savings_top_cases=0)
    assert areas(none)["cases"]["cost_base"] == 0


def test_temporary_staff_and_overtime_premium_over_ordinary_cost():
    # U2 March: hourly 2 150.40 + overtime 540 for 14 h; U2's ordinary cost is T1's 150 kr/h.
    premium = (2150.40 + 540 - 14 * 150) * (1 + FEE)
    assert areas()["temp_overtime"]["cost_base"] == pytest.approx(premium)  # 853.30


def test_sick_leave_is_sick_pay_and_the_premium_of_replacement():
    # U1 March: sick pay (2 880 − 960) × 1.4453 = 2 774.98; H1's 8 replacement hours at the
    # department's hourly cost 2 150.40 / 12 = 179.20 less U1's ordinary 150 = 29.20 per hour.
    expected = 1920 * (1 + FEE) + 8 * (2150.40 / 12 - 150) * (1 + FEE)
    assert areas()["sick_leave"]["cost_base"] == pytest.approx(expected)  # 3 112.60


def test_structural_cost_is_shown_without_an_effect():
    # T1 is paid 26 000 a month for the 12 months and works nowhere: all idle, all structural.
    r = areas()["structural"]
    assert r["cost_base"] == pytest.approx(12 * 26000 * (1 + FEE))  # 450 933.60
    assert r["effect_low"] is None and r["effect_high"] is None


def test_the_reductions_are_settings():
    s = replace(FigureSettings(), savings_effect_low_pct=5.0, savings_effect_high_pct=50.0)
    r = areas(s)["temp_overtime"]
    assert r["effect_low"] == pytest.approx(0.05 * r["cost_base"])
    assert r["effect_high"] == pytest.approx(0.50 * r["cost_base"])
