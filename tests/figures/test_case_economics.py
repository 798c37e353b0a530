"""case-economics: every value computed by hand (docs/figures.md, "case-economics").

Rates: standard hourly rate 2025 = 342.60; social fees 44.53 %; holiday pay 12 %; simple
overtime × 1.8; OB weekend 60 kr/h (example); sick pay 80 %; qualifying deduction 20 % of a
week's sick pay. E1 and E2: monthly-paid, 100 % of 40 h, 26 000 kr → 26 000 / 173.33 = 150 kr/h.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.figures.helpers import frames, shift_row, table, worked_row
from timbalans.core.ob import ob_split, with_ob_amount
from timbalans.core.rates import Rate, default_rates
from timbalans.figures.absence import absence
from timbalans.figures.case_economics import (
    COLUMNS,
    COST_COLUMNS,
    case_economics,
    case_results,
    portfolio_summary,
)
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import FigureSettings

FEE = 0.4453
RATE_2025 = 342.60
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
    {"employee_id": "T1", "unit_id": "U2"},
]


def monthly(employee: str, salary: float = 26000.0, status: str = "ordinary") -> dict:
    return {
        "employee_id": employee,
        "form": "monthly_permanent",
        "employment_rate": 100.0,
        "monthly_salary": salary,
        "valid_from": "2024-01-01",
        "status": status,
    }


EMPLOYMENTS = [
    monthly("E1"),
    monthly("E2"),
    {"employee_id": "H1", "form": "hourly", "hourly_wage": 160.0, "valid_from": "2024-01-01"},
    monthly("T1", 31200.0, "work_training"),
]
DECISION_C1 = {
    "case_id": "C1",
    "payer": "FK",
    "hours_per_week": 7.0,
    "valid_from": "2025-01-01",
    "valid_to": "2025-12-31",
    "period_start": "2025-01-01",
    "period_months": 6,
}


def day(date: str, employee: str = "E1", case: str = "C1", time_type: str = "ordinary") -> dict:
    """A 10-hour weekday 08:00–18:00 (no OB)."""
    return worked_row(case, employee, f"{date} 08:00", f"{date} 18:00", 0, time_type)


# Jan, Feb, Mar: 50 h each; April 40 h; May 10 h. Granted January–June = 7 × 181 / 7 = 181 h.
JAN = ["2025-01-07", "2025-01-08", "2025-01-09", "2025-01-10", "2025-01-13"]
FEB = ["2025-02-03", "2025-02-04", "2025-02-05", "2025-02-06", "2025-02-07"]
MAR = ["2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-07"]
APR = ["2025-04-01", "2025-04-02", "2025-04-03", "2025-04-04"]
MAY = ["2025-05-05"]


def base(**tables: list[dict]):
    return frames(
        units=UNITS,
        cases=CASES,
        employees=EMPLOYEES,
        employments=EMPLOYMENTS,
        **tables,
    )


def compute(f, as_of: str, date_from: str, settings: FigureSettings | None = None):
    d = dt.date.fromisoformat(as_of)
    req = FigureRequest.make(
        d, date_from=dt.date.fromisoformat(date_from), date_to=d, settings=settings
    )
    table_ = case_economics(f, req)
    # Unit rows (case_id "") are keyed by their unit.
    return {
        (r["case_id"] or r["unit_id"], r["month"]): r for r in table_.iter_rows(named=True)
    }, table_


def revenue_frames():
    rows = [day(d) for d in JAN + FEB + MAR + APR + MAY]
    return base(decisions=[DECISION_C1], worked=rows)


def test_columns_are_the_spec_columns_and_cost_categories():
    _, t = compute(revenue_frames(), "2025-05-31", "2025-01-01")
    assert t.columns == list(COLUMNS)
    assert COST_COLUMNS[0] == "cost_salary_monthly"


def test_revenue_is_capped_when_the_period_passes_granted_in_its_fourth_month():
    rows, _ = compute(revenue_frames(), "2025-05-31", "2025-01-01")
    for month in ("2025-01", "2025-02", "2025-03"):
        assert rows["C1", month]["revenue"] == pytest.approx(50 * RATE_2025)  # 17 130
        assert rows["C1", month]["unpaid_hours"] == 0
    # April: 150 h before it, 181 granted: 31 of its 40 h are paid, 9 are not.
    assert rows["C1", "2025-04"]["revenue"] == pytest.approx(31 * RATE_2025)  # 10 620.60
    assert rows["C1", "2025-04"]["unpaid_hours"] == pytest.approx(9)
    # May: the period's granted total is used up.
    assert rows["C1", "2025-05"]["revenue"] == 0
    assert rows["C1", "2025-05"]["unpaid_hours"] == pytest.approx(10)
    assert rows["C1", "2025-04"]["source"] == "computed"
    assert rows["C1", "2025-04"]["computed_revenue"] == rows["C1", "2025-04"]["revenue"]


def test_the_cap_counts_months_before_the_requested_range():
    rows, _ = compute(revenue_frames(), "2025-05-31", "2025-04-01")
    assert set(k[1] for k in rows) == {"2025-04", "2025-05"}
    assert rows["C1", "2025-04"]["revenue"] == pytest.approx(31 * RATE_2025)


def test_monthly_salary_is_charged_by_the_hour_and_idle_time_lands_on_the_unit():
    rows, _ = compute(revenue_frames(), "2025-05-31", "2025-01-01")
    c1 = rows["C1", "2025-01"]
    assert c1["cost_salary_monthly"] == pytest.approx(50 * 150)  # 7 500
    assert c1["cost_social_fees"] == pytest.approx(7500 * FEE)  # 3 339.75
    assert c1["cost_total"] == pytest.approx(10839.75)
    assert c1["result"] == pytest.approx(17130 - 10839.75)  # 6 290.25
    assert c1["worked_hours"] == 50
    assert c1["cost_per_hour"] == pytest.approx(10839.75 / 50)
    assert c1["revenue_per_hour"] == pytest.approx(RATE_2025)
    assert c1["distinct_staff"] == 1
    # U1's unallocated row: E1 and E2 are paid 26 000 each; E1's 7 500 went to C1.
    unit = rows["U1", "2025-01"]
    assert unit["unit_id"] == "U1"
    assert unit["cost_salary_monthly"] == pytest.approx(2 * 26000 - 7500)  # 44 500
    assert unit["cost_social_fees"] == pytest.approx(44500 * FEE)
    assert unit["worked_hours"] == 0 and unit["cost_per_hour"] is None
    # Every krona once: the unit row and the case row add up to the salaries with fees.
    assert unit["computed_cost_total"] + c1["computed_cost_total"] == pytest.approx(
        2 * 26000 * (1 + FEE)
    )


def test_salary_is_counted_up_to_d_only():
    rows, _ = compute(revenue_frames(), "2025-01-10", "2025-01-01")
    # 10 of January's 31 days are paid by D; C1 has 4 days × 10 h = 40 h by D.
    unit = rows["U1", "2025-01"]
    assert unit["cost_salary_monthly"] == pytest.approx(2 * 26000 * 10 / 31 - 40 * 150)


def test_hourly_staff_overtime_and_ob_are_priced_by_their_rules():
    f = base(
        worked=[
            # Friday 7 February 15:00–23:00: 4 h none, 4 h weekend OB (60 kr/h).
            worked_row("C1", "H1", "2025-02-07 15:00", "2025-02-07 23:00"),
            # Thursday 18:00–20:00 simple overtime: no OB on overtime.
            worked_row("C1", "E1", "2025-02-06 18:00", "2025-02-06 20:00", 0, "overtime_simple"),
            # Mertid on Saturday 8 February 10:00–14:00: 4 h weekend OB.
            worked_row("C1", "E2", "2025-02-08 10:00", "2025-02-08 14:00", 0, "additional"),
        ]
    )
    rows, _ = compute(f, "2025-02-28", "2025-02-01")
    c1 = rows["C1", "2025-02"]
    assert c1["cost_salary_hourly"] == pytest.approx(160 * 1.12 * 8)  # 1 433.60
    assert c1["cost_overtime"] == pytest.approx(150 * 2 * 1.8)  # 540
    assert c1["cost_additional_hours"] == pytest.approx(150 * 4)  # 600
    assert c1["cost_ob"] == pytest.approx(4 * 60 + 4 * 60)  # 480
    wages = 1433.60 + 540 + 600 + 480
    assert c1["cost_social_fees"] == pytest.approx(wages * FEE)
    assert c1["cost_total"] == pytest.approx(wages * (1 + FEE))
    assert c1["worked_hours"] == 14
    assert c1["hourly_staff_share"] == pytest.approx(8 / 14)
    assert c1["overtime_share"] == pytest.approx(2 / 14)
    assert c1["ob_share"] == pytest.approx(8 / 14)
    assert c1["distinct_staff"] == 3
    # No decision: nothing is paid and every hour is unpaid.
    assert c1["revenue"] == 0 and c1["unpaid_hours"] == 14
    # Mertid and overtime are not charged against the monthly salary: U1's idle is both salaries.
    assert rows["U1", "2025-02"]["cost_salary_monthly"] == pytest.approx(2 * 26000)


def test_sick_pay_days_1_to_14_with_the_qualifying_deduction():
    # E2 sick 3–18 March (16 days, one spell); planned 08–16 in C1 on days 1, 2, 3 (3–5 March)
    # and on days 15 and 16 (17–18 March), when Försäkringskassan pays.
    shifts = [
        shift_row("C1", "E2", f"2025-03-{d:02d} 08:00", f"2025-03-{d:02d} 16:00")
        for d in (3, 4, 5, 17, 18)
    ]
    absences = [
        {
            "employee_id": "E2",
            "start": "2025-03-03 00:00",
            "end": "2025-03-19 00:00",
            "type": "sick",
        }
    ]
    rows, _ = compute(base(shifts=shifts, absences=absences), "2025-03-31", "2025-03-01")
    c1 = rows["C1", "2025-03"]
    # 0.8 × 150 × 24 h = 2 880; deduction 20 % × 0.8 × 150 × 40 h = 960; net 1 920.
    assert c1["cost_sick_pay"] == pytest.approx(2880 - 960)
    assert c1["cost_social_fees"] == pytest.approx(1920 * FEE)
    # E2's salary is not paid for the 5 × 8 = 40 planned sick hours (rule 2): 6 000 less.
    unit = rows["U1", "2025-03"]
    assert unit["cost_salary_monthly"] == pytest.approx(26000 + 26000 - 40 * 150)


def test_structural_staff_cost_is_kept_apart():
    # T1 (work training, 31 200 kr = 180 kr/h, home unit U2) works 10 h in C1.
    f = base(worked=[day("2025-01-07", employee="T1")])
    rows, _ = compute(f, "2025-01-31", "2025-01-01")
    c1 = rows["C1", "2025-01"]
    assert c1["cost_training_reassignment"] == pytest.approx(1800)
    assert c1["cost_salary_monthly"] == 0
    assert c1["structural_cost"] == pytest.approx(1800 * (1 + FEE))
    assert c1["result_influenceable"] == pytest.approx(c1["result"] + 1800 * (1 + FEE))
    unit = rows["U2", "2025-01"]
    assert unit["cost_training_reassignment"] == pytest.approx(31200 - 1800)
    assert unit["structural_cost"] == pytest.approx((31200 - 1800) * (1 + FEE))


ACCOUNTS = [
    {"account": "3621", "category": "revenue_fk", "structural": False},
    {"account": "4670", "category": "hsl", "structural": True},
    {"account": "5011", "category": "salary_monthly", "structural": False},
    {"account": "5410-5499", "category": "social_fees", "structural": False},
]


def test_the_ledger_is_the_source_with_revenue_booked_negative():
    ledger = [
        {
            "month": "2025-03",
            "cost_center": "81516",
            "case_id": "C2",
            "account": "3621",
            "amount": -50000.0,
        },
        {
            "month": "2025-03",
            "cost_center": "81516",
            "case_id": "C2",
            "account": "5011",
            "amount": 20000.0,
        },
        {
            "month": "2025-03",
            "cost_center": "81516",
            "case_id": "C2",
            "account": "5411",
            "amount": 6284.0,
        },
        {
            "month": "2025-03",
            "cost_center": "81516",
            "case_id": "C2",
            "account": "4670",
            "amount": 3000.0,
        },
        {
            "month": "2025-03",
            "cost_center": "81515",
            "case_id": None,
            "account": "5011",
            "amount": 10000.0,
        },
    ]
    f = base(accounts=ACCOUNTS, ledger=ledger, worked=[day("2025-03-04", case="C2")])
    _, t = compute(f, "2025-03-31", "2025-03-01")
    rows = {(r["case_id"], r["unit_id"]): r for r in t.iter_rows(named=True)}
    c2 = rows["C2", "U2"]
    assert c2["source"] == "ledger"
    assert c2["revenue"] == 50000
    assert c2["cost_salary_monthly"] == 20000
    assert c2["cost_social_fees"] == 6284  # 5411 falls in the range 5410-5499
    assert c2["cost_hsl"] == 3000
    assert c2["cost_total"] == 29284
    assert c2["structural_cost"] == 3000
    assert c2["result"] == 20716
    assert c2["result_influenceable"] == 23716
    # Reconciliation: the computed cost from time is there too (E1's 10 h at 150 kr/h + fees).
    assert c2["computed_cost_total"] == pytest.approx(1500 * (1 + FEE))
    assert c2["computed_revenue"] == 0
    # The unit's own ledger row is U1's unallocated row; U2 has none booked: computed.
    assert rows["", "U1"]["source"] == "ledger"
    assert rows["", "U1"]["cost_total"] == 10000
    assert rows["", "U2"]["source"] == "computed"
    assert rows["", "U2"]["cost_training_reassignment"] == pytest.approx(31200)


def test_a_rate_changing_inside_a_month_applies_from_its_date():
    rates = default_rates().overridden(
        [
            Rate("standard_hourly_rate", dt.date(2025, 1, 9), 400.0, "test"),
            Rate("social_fee_rate", dt.date(2025, 1, 16), 0.50, "test"),
        ],
        name="test",
    )
    s = replace(FigureSettings(), rates=rates)
    rows, _ = compute(revenue_frames(), "2025-01-31", "2025-01-01", settings=s)
    # 7 and 8 January at 342.60, 9, 10 and 13 January at 400.
    assert rows["C1", "2025-01"]["revenue"] == pytest.approx(20 * 342.60 + 30 * 400)  # 18 852
    # Salaries: 15 days at 44.53 %, 16 days at 50 %; E1's charged hours are all before the 16th.
    salary = 2 * 26000
    fees = salary * 15 / 31 * FEE + salary * 16 / 31 * 0.50 - 7500 * FEE
    assert rows["U1", "2025-01"]["cost_social_fees"] == pytest.approx(fees)
    assert rows["C1", "2025-01"]["cost_social_fees"] == pytest.approx(7500 * FEE)


def test_a_raised_rate_above_the_cap_is_paid_at_the_cap():
    decision = {**DECISION_C1, "hourly_rate": 400.0}  # 342.60 × 1.12 = 383.712
    f = base(decisions=[decision], worked=[day(d) for d in JAN])
    rows, _ = compute(f, "2025-01-31", "2025-01-01")
    assert rows["C1", "2025-01"]["revenue"] == pytest.approx(50 * 342.60 * 1.12)


def test_case_results_and_the_portfolio_summary():
    t = pl.DataFrame(
        {
            "case_id": ["A", "A", "B", "C", ""],
            "unit_id": ["U1"] * 5,
            "revenue": [100.0, 100.0, 50.0, 300.0, 0.0],
            "cost_total": [150.0, 150.0, 60.0, 100.0, 40.0],
            "structural_cost": [0.0, 10.0, 0.0, 0.0, 5.0],
            "result": [-50.0, -50.0, -10.0, 200.0, -40.0],
            "result_influenceable": [-50.0, -40.0, -10.0, 200.0, -35.0],
            "worked_hours": [1.0, 1.0, 1.0, 1.0, 0.0],
            "unpaid_hours": [0.0, 1.0, 0.0, 0.0, 0.0],
            "hourly_staff_share": [0.5, 1.0, 0.0, 0.0, None],
            "overtime_share": [0.0, 0.0, 0.0, 0.0, None],
            "ob_share": [0.0, 0.0, 0.0, 0.0, None],
        }
    )
    per_case = case_results(t)
    assert per_case["case_id"].to_list() == ["A", "B", "C"]
    assert per_case.row(0, named=True)["result"] == -100
    assert per_case.row(0, named=True)["hourly_staff_share"] == pytest.approx(0.75)
    coverage = pl.DataFrame({"case_id": ["B", "B", "X"], "excess_worked_hours": [1.0, 2.5, 9.0]})
    assert case_results(t, coverage)["excess_worked_hours"].to_list() == [0.0, 3.5, 0.0]
    summary = portfolio_summary(t)
    assert summary["cases"] == 3
    assert summary["cases_in_deficit"] == 2
    assert summary["deficit_total"] == 110
    assert summary["deficit_top4_share_pct"] == 100
    assert summary["deficit_median"] == 55
    assert summary["result_total"] == 50


# --------------------------------------------------------------------- property: every krona once

_DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(59)]  # January–February
_TYPES = ["ordinary", "ordinary", "additional", "overtime_simple", "overtime_qualified"]


@st.composite
def worked_rows(draw):
    n = draw(st.integers(min_value=0, max_value=12))
    rows = []
    for _ in range(n):
        start_day = draw(st.sampled_from(_DAYS))
        hour = draw(st.integers(min_value=0, max_value=23))
        length = draw(st.integers(min_value=1, max_value=14))
        start = dt.datetime.combine(start_day, dt.time(hour))
        # Facts end at D = 28 February 24:00: a row is cut there by hand (and has no break).
        limit = dt.datetime(2025, 3, 1)
        end = min(start + dt.timedelta(hours=length), limit)
        length = 1 if end == limit else length
        rows.append(
            worked_row(
                draw(st.sampled_from(["C1", "C2"])),
                draw(st.sampled_from(["E1", "T1"])),
                start.strftime("%Y-%m-%d %H:%M"),
                end.strftime("%Y-%m-%d %H:%M"),
                draw(st.sampled_from([0, 30])) if length > 1 else 0,
                draw(st.sampled_from(_TYPES)),
            )
        )
    return rows


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=worked_rows())
def test_case_rows_and_unallocated_rows_add_up_to_the_department_total(rows):
    employments = [monthly("E1"), monthly("T1", 31200.0, "work_training")]
    f = frames(
        units=UNITS,
        cases=CASES,
        employees=[{"employee_id": "E1", "unit_id": "U1"}, {"employee_id": "T1", "unit_id": "U2"}],
        employments=employments,
        worked=rows,
    )
    _, t = compute(f, "2025-02-28", "2025-01-01")
    # The department's computed total, independently: both salaries for two months, plus
    # mertid, overtime and OB at their rates, all with social fees.
    w = table("worked", rows) if rows else f.worked
    basis = {"E1": 150.0, "T1": 180.0}
    extra = 0.0
    for r in w.with_columns(
        (
            (pl.col("end") - pl.col("start")).dt.total_minutes() / 60 - pl.col("break_minutes") / 60
        ).alias("h")
    ).iter_rows(named=True):
        factor = {"additional": 1.0, "overtime_simple": 1.8, "overtime_qualified": 2.0}.get(
            r["time_type"]
        )
        if factor is not None:
            extra += basis[r["employee_id"]] * r["h"] * factor
    ob = 0.0
    if w.height:
        eligible = w.filter(pl.col("time_type").is_in(["ordinary", "additional"]))
        if eligible.height:
            pieces = with_ob_amount(ob_split(eligible, default_rates().ob_windows), default_rates())
            ob = float((pieces["hours"] * pieces["ob_amount"]).sum())
    salaries = 2 * (26000 + 31200)
    total = (salaries + extra + ob) * (1 + FEE)
    assert float(t["computed_cost_total"].sum()) == pytest.approx(total, rel=1e-9)


# --------------------------------------------------------------------- the demo department


@pytest.fixture(scope="module")
def demo_frames(tmp_path_factory):
    from timbalans.figures.frames import frames_from_files
    from timbalans.generator import generate

    out: Path = tmp_path_factory.mktemp("demo") / "set"
    generate(out, scale="department", seed=1, until=dt.date(2026, 1, 31))
    return frames_from_files(out)


def test_the_four_largest_2025_deficits_of_the_demo_are_the_action_plans_cases(demo_frames):
    req = FigureRequest.make(
        dt.date(2026, 1, 31), date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    t = case_economics(demo_frames, req)
    assert set(t.filter(pl.col("case_id") != "")["source"]) == {"ledger"}
    per_case = case_results(t)
    assert per_case["case_id"].head(4).to_list() == ["51470", "51357", "51463", "51451"]
    assert (per_case["result"].head(4) < 0).all()
    # The time data tells the same story: ranked by the computed result they lead too.
    computed = (
        t.filter(pl.col("case_id") != "")
        .group_by("case_id")
        .agg((pl.col("computed_revenue") - pl.col("computed_cost_total")).sum().alias("r"))
        .sort("r")
    )
    assert computed["case_id"].head(4).to_list() == ["51470", "51357", "51463", "51451"]


# --------------------------------------------------------------------------- revised cost rules


def test_sick_pay_includes_the_ob_the_employee_lost():
    # E2 sick Monday 3 – Saturday 8 March 2025 (one spell, days 1–6); planned 08–16 in C1 on
    # the five weekdays (40 h, no OB) and Saturday 10–14 (4 h weekend OB, 60 kr/h).
    # Pay lost: 0.8 × 150 × 40 = 4 800 and 0.8 × (150 + 60) × 4 = 672; deduction 20 % ×
    # 0.8 × 150 × 40 h = 960. Net 5 472 − 960 = 4 512.
    shifts = [
        shift_row("C1", "E2", f"2025-03-{d:02d} 08:00", f"2025-03-{d:02d} 16:00")
        for d in (3, 4, 5, 6, 7)
    ] + [shift_row("C1", "E2", "2025-03-08 10:00", "2025-03-08 14:00")]
    absences = [
        {
            "employee_id": "E2",
            "start": "2025-03-03 00:00",
            "end": "2025-03-09 00:00",
            "type": "sick",
        }
    ]
    f = base(shifts=shifts, absences=absences)
    rows, _ = compute(f, "2025-03-31", "2025-03-01")
    assert rows["C1", "2025-03"]["cost_sick_pay"] == pytest.approx(4512)
    # absence's sick_pay_cost is the same rule, with social fees.
    req = FigureRequest.make(dt.date(2025, 3, 31), date_from=dt.date(2025, 3, 1))
    unit = absence(f, req).filter(pl.col("unit_id") == "U1").row(0, named=True)
    assert unit["sick_pay_cost"] == pytest.approx(4512 * (1 + FEE))  # 6 521.19


def test_sick_pay_share_is_a_dated_rate():
    # The same spell with sick_pay_share 0.9 from 2025-03-06: days 4–6 (6, 7 March 8 h, 8 March
    # 4 h OB) at 90 %. 0.8 × 150 × 24 = 2 880; 0.9 × 150 × 16 = 2 160; 0.9 × 210 × 4 = 756;
    # deduction with the first day's share: 960. Net 5 796 − 960 = 4 836.
    rates = default_rates().overridden(
        [Rate("sick_pay_share", dt.date(2025, 3, 6), 0.9)], name="test"
    )
    shifts = [
        shift_row("C1", "E2", f"2025-03-{d:02d} 08:00", f"2025-03-{d:02d} 16:00")
        for d in (3, 4, 5, 6, 7)
    ] + [shift_row("C1", "E2", "2025-03-08 10:00", "2025-03-08 14:00")]
    absences = [
        {
            "employee_id": "E2",
            "start": "2025-03-03 00:00",
            "end": "2025-03-09 00:00",
            "type": "sick",
        }
    ]
    own = replace(FigureSettings(), rates=rates)
    rows, _ = compute(base(shifts=shifts, absences=absences), "2025-03-31", "2025-03-01", own)
    assert rows["C1", "2025-03"]["cost_sick_pay"] == pytest.approx(4836)


def test_an_overtime_hour_at_the_monthly_salary_over_94():
    # E1 (26 000 kr) works Thursday 18–20 as simple overtime; with the divisor 94 in force each
    # hour costs 26 000 / 94 = 276.60 (the factor 1.8 would give 270); qualified / 72 = 361.11.
    f = base(
        worked=[
            worked_row("C1", "E1", "2025-02-06 18:00", "2025-02-06 20:00", 0, "overtime_simple"),
            worked_row("C1", "E1", "2025-02-07 18:00", "2025-02-07 19:00", 0, "overtime_qualified"),
        ]
    )
    own = FigureSettings().with_rates(overtime_divisor_simple=94, overtime_divisor_qualified=72)
    rows, _ = compute(f, "2025-02-28", "2025-02-01", own)
    assert rows["C1", "2025-02"]["cost_overtime"] == pytest.approx(2 * 26000 / 94 + 26000 / 72)
    # A divisor of 0 (the shipped value) leaves the factor: 150 × 1.8 × 2 + 150 × 2.0 × 1.
    rows, _ = compute(f, "2025-02-28", "2025-02-01")
    assert rows["C1", "2025-02"]["cost_overtime"] == pytest.approx(540 + 300)


def test_vacation_is_paid_absence_not_idle_time():
    # January 2025: E1 works 50 h in C1 (7 500 kr charged) and has 40 h of vacation (6 000 kr);
    # E2 works nothing. Paid salary 2 × 26 000 = 52 000 on U1.
    vacation = {
        "employee_id": "E1",
        "start": "2025-01-20 00:00",
        "end": "2025-01-25 00:00",
        "type": "vacation",
        "hours": 40.0,
    }
    rows, _ = compute(
        base(decisions=[DECISION_C1], worked=[day(d) for d in JAN], absences=[vacation]),
        "2025-01-31",
        "2025-01-01",
    )
    unit = rows["U1", "2025-01"]
    assert unit["paid_absence_cost"] == pytest.approx(6000 * (1 + FEE))  # 8 671.80
    assert unit["idle_cost"] == pytest.approx((52000 - 7500 - 6000) * (1 + FEE))  # 55 644.05
    # Both are salary: the unit row's salary is unchanged by the split.
    assert unit["cost_salary_monthly"] == pytest.approx(52000 - 7500)


def test_unpaid_absence_is_neither_paid_absence_nor_idle():
    # E2 on unpaid leave 40 h in January: the salary is 40 × 150 = 6 000 less, none of it idle.
    leave = {
        "employee_id": "E2",
        "start": "2025-01-20 00:00",
        "end": "2025-01-25 00:00",
        "type": "leave",
        "hours": 40.0,
    }
    rows, _ = compute(base(absences=[leave]), "2025-01-31", "2025-01-01")
    unit = rows["U1", "2025-01"]
    assert unit["paid_absence_cost"] == 0
    assert unit["idle_cost"] == pytest.approx((52000 - 6000) * (1 + FEE))
