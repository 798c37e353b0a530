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
* U2's only monthly-paid employee, T1, works nowhere: all of T1's contracted time is unused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
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


# Bought hours, all in U2 (C2) in March: E1's 2 h simple overtime, 150 × 1.8 × 2 × 1.4453 =
# 780.462 (the same hours at the cost basis: 150 × 2 × 1.4453 = 433.59), and H1's 12 h,
# 160 × 1.12 × 12 × 1.4453 = 3 107.973. U2's cost per bought hour: 3 888.435 / 14 = 277.745.
# U1 bought nothing: its staff's cost basis 150 × 1.4453 = 216.795.
OVERTIME = 150 * 1.8 * 2 * (1 + FEE)
OVERTIME_AT_BASIS = 150 * 2 * (1 + FEE)
HOURLY = 160 * 1.12 * 12 * (1 + FEE)
U1_PER_HOUR = 150 * (1 + FEE)


def test_decided_hours_are_forecast_over_granted_of_a_period_in_progress():
    # C1's period January–March ends on D, so it is in progress: forecast 102 h (no planned
    # shifts after D) − granted 90 = 12 h, at U1's cost per hour (no bought hours in U1).
    r = areas()["decided_hours"]
    assert r["hours"] == pytest.approx(12)
    assert r["cost_base"] == pytest.approx(12 * U1_PER_HOUR)  # 2 601.54
    assert r["effect_low"] == pytest.approx(0.10 * 12 * U1_PER_HOUR)
    assert r["effect_high"] == pytest.approx(0.20 * 12 * U1_PER_HOUR)


def test_decided_hours_are_the_unpaid_hours_of_a_period_that_ended_in_the_window():
    # With D = 15 April the period is closed: its 12 unpaid hours; the window (May 2024 –
    # April 2025) holds the same bought hours.
    table = savings(data(), FigureRequest.make(dt.date(2025, 4, 15)))
    r = table.filter(table["area"] == "decided_hours").row(0, named=True)
    assert r["hours"] == pytest.approx(12)
    assert r["cost_base"] == pytest.approx(12 * U1_PER_HOUR)


def test_cases_is_the_influenceable_deficit_of_the_worst_cases():
    # C2: E2 20 h (3 000) + overtime 150 × 2 × 1.8 (540) + H1 160 × 1.12 × 12 (2 150.40)
    # + sick pay 0.8 × 150 × 24 − 960 (1 920), all with fees. C1 has a surplus.
    c2 = (3000 + 540 + 2150.40 + 1920) * (1 + FEE)
    assert areas()["cases"]["cost_base"] == pytest.approx(c2)  # 10 999.41
    assert areas()["cases"]["hours"] is None
    none = replace(FigureSettings(), savings_top_cases=0)
    assert areas(none)["cases"]["cost_base"] == 0


def test_cases_leave_out_their_part_of_the_decided_hours_base():
    # At 100 kr/h C1 earns 90 × 100 = 9 000 against 102 × 150 × 1.4453 = 22 113.09: a deficit
    # of 13 113.09, of which its 12 decided hours (2 601.54) are already in decided_hours.
    s = FigureSettings().with_rates(standard_hourly_rate=100.0)
    c1 = 102 * 150 * (1 + FEE) - 9000 - 12 * U1_PER_HOUR
    c2 = (3000 + 540 + 2150.40 + 1920) * (1 + FEE)
    assert areas(s)["cases"]["cost_base"] == pytest.approx(c1 + c2)  # 21 511.05


def test_unused_contracted_time_replaces_bought_hours_at_their_own_cost():
    # U2's T1 leaves all 177.14 contracted March hours unused: every bought hour of U2 could
    # have been worked in them, at its own cost; no overtime is left, so no premium.
    r = areas()["temp_overtime"]
    assert r["cost_base"] == pytest.approx(OVERTIME + HOURLY)  # 3 888.44
    assert r["hours"] == pytest.approx(14)


def test_substitution_takes_overtime_first_then_hourly_staff():
    # T1 employed from 31 March only: 40 / 7 = 5.714 unused hours replace the 2 overtime hours
    # first, then 3.714 of H1's 12 hours at 3 107.973 / 12 = 258.998 each.
    f = data()
    employments = f.employments.with_columns(
        pl.when(pl.col("employee_id") == "T1")
        .then(pl.lit(dt.date(2025, 3, 31)))
        .otherwise(pl.col("valid_from"))
        .alias("valid_from")
    )
    f = replace(f, employments=employments)
    table = savings(f, FigureRequest.make(D))
    r = table.filter(table["area"] == "temp_overtime").row(0, named=True)
    unused = 40 / 7
    assert r["cost_base"] == pytest.approx(OVERTIME + (unused - 2) * HOURLY / 12)  # 1 742.45
    assert r["hours"] == pytest.approx(unused)


def test_overtime_left_after_substitution_counts_only_its_premium():
    # Without T1, U2 has no unused time: the 2 overtime hours stay, and only their premium
    # over the cost basis (780.46 − 433.59 = 346.87) is a saving; H1's hours are not.
    f = data()
    f = replace(f, employments=f.employments.filter(pl.col("employee_id") != "T1"))
    table = savings(f, FigureRequest.make(D))
    r = table.filter(table["area"] == "temp_overtime").row(0, named=True)
    assert r["cost_base"] == pytest.approx(OVERTIME - OVERTIME_AT_BASIS)  # 346.87
    assert r["hours"] == pytest.approx(2)


def test_sick_leave_is_the_sick_pay_without_replacement():
    # U1 March: E2's sick pay (2 880 − 960) × 1.4453; H1's replacement hours stay in
    # temp_overtime.
    assert areas()["sick_leave"]["cost_base"] == pytest.approx(1920 * (1 + FEE))  # 2 774.98


def test_structural_cost_is_shown_without_an_effect():
    # T1 is paid 26 000 a month for the 12 months and works nowhere: all idle, all structural.
    r = areas()["structural"]
    assert r["cost_base"] == pytest.approx(12 * 26000 * (1 + FEE))  # 450 933.60
    assert r["effect_low"] is None and r["effect_high"] is None


def test_the_reductions_are_settings_and_never_above_the_base():
    s = replace(FigureSettings(), savings_effect_low_pct=5.0, savings_effect_high_pct=150.0)
    r = areas(s)["temp_overtime"]
    assert r["effect_low"] == pytest.approx(0.05 * r["cost_base"])
    assert r["effect_high"] == pytest.approx(r["cost_base"])


def test_the_bases_add_up_to_no_more_than_was_spent():
    from timbalans.figures.case_economics import case_economics

    req = FigureRequest.make(D)
    spent = case_economics(data(), window_request(req))["computed_cost_total"].sum()
    bases = savings(data(), req).filter(pl.col("area") != "structural")["cost_base"].sum()
    assert bases <= spent


# --------------------------------------------------------------------------- the department demo


@pytest.fixture(scope="module")
def unit_81515(tmp_path_factory):
    from timbalans.figures.frames import frames_from_files
    from timbalans.generator import generate

    out = tmp_path_factory.mktemp("demo") / "set"
    generate(out, scale="department", seed=1, until=dt.date(2026, 11, 23))
    return frames_from_files(out).scoped(units={"81515"})


def test_the_demo_units_bases_add_up_to_no_more_than_was_spent(unit_81515):
    from timbalans.figures.case_economics import case_economics

    req = FigureRequest.make(dt.date(2026, 3, 31))
    spent = case_economics(unit_81515, window_request(req))["computed_cost_total"].sum()
    table = savings(unit_81515, req)
    bases = table.filter(pl.col("area") != "structural")["cost_base"]
    assert (bases >= 0).all()
    assert bases.sum() <= spent
    assert table["effect_high"].sum() <= bases.sum()


def test_the_demo_units_decided_hours_are_hour_balances_unpaid_and_forecast_over(unit_81515):
    from timbalans.figures.hour_balance import hour_balance

    req = FigureRequest.make(dt.date(2026, 3, 31))
    hb = hour_balance(unit_81515, window_request(req))
    closed = hb.filter(pl.col("is_closed"))["unpaid_hours"].sum()
    over = (
        hb.filter(~pl.col("is_closed"))
        .select((pl.col("forecast_hours") - pl.col("granted_hours")).clip(lower_bound=0).sum())
        .item()
    )
    decided = savings(unit_81515, req).filter(pl.col("area") == "decided_hours")
    assert closed > 0 and over > 0
    assert decided["hours"][0] == pytest.approx(closed + over)
