"""fk-check: time reports against worked and granted hours, computed by hand
(docs/figures.md, "fk-check").

D = 2026-04-10, months January–April 2026. C1 (unit U1): FK, 2 h/week in 2026, no
own rate, so the 2026 standard rate 347.70 kr/h. C2 (unit U2): KOMMUN, 5 h/week 1–14 February
2026 at its own rate 400 kr/h.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.figures.helpers import frames, worked_row
from timbalans.figures.fk_check import COLUMNS, due_date, fk_check
from timbalans.figures.registry import FigureRequest

D = date(2026, 4, 10)
STD_2026 = 347.70

UNITS = [
    {"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"},
    {"unit_id": "U2", "name": "PA Syd", "cost_center": "81516"},
]
CASES = [
    {"case_id": "C1", "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"},
    {"case_id": "C2", "unit_id": "U2", "service": "assistans_lss", "start_date": "2024-01-01"},
]
DECISIONS = [
    {
        "case_id": "C1",
        "payer": "FK",
        "hours_per_week": 2.0,
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "period_start": "2026-01-01",
    },
    {
        "case_id": "C2",
        "payer": "KOMMUN",
        "hours_per_week": 5.0,
        "valid_from": "2026-02-01",
        "valid_to": "2026-02-14",
        "period_start": "2026-02-01",
        "hourly_rate": 400.0,
    },
]
EMPLOYEES = [{"employee_id": "E1", "unit_id": "U1"}]
EMPLOYMENTS = [
    {
        "employee_id": "E1",
        "form": "monthly_permanent",
        "employment_rate": 100.0,
        "monthly_salary": 26000.0,
        "valid_from": "2025-01-01",
    }
]
WORKED = [
    worked_row("C1", "E1", "2026-01-05 07:00", "2026-01-05 17:00"),  # 10 h
    worked_row("C1", "E1", "2026-02-02 08:00", "2026-02-02 16:00"),  # 8 h
    worked_row("C1", "E1", "2026-03-10 08:00", "2026-03-10 14:00", brk=30),  # 5.5 h
    worked_row("C1", "E1", "2026-04-20 08:00", "2026-04-20 16:00"),  # after D: not counted
]
REPORTS = [
    {"case_id": "C1", "month": "2026-01", "reported_hours": 12.0},
    {"case_id": "C1", "month": "2026-03", "reported_hours": 5.0},
    {"case_id": "C2", "month": "2026-02", "reported_hours": 3.0},
]


def run(**changes):
    tables = {
        "units": UNITS,
        "cases": CASES,
        "decisions": DECISIONS,
        "employees": EMPLOYEES,
        "employments": EMPLOYMENTS,
        "worked": WORKED,
        "fk_reports": REPORTS,
        **changes,
    }
    req = FigureRequest.make(D, date_from=date(2026, 1, 1), date_to=D)
    return fk_check(frames(**tables), req)


def rows():
    return {(r["case_id"], r["month"]): r for r in run().iter_rows(named=True)}


def test_it_has_the_spec_columns_and_a_row_per_case_and_month_with_a_report_or_a_due_one():
    table = run()
    assert tuple(table.columns) == COLUMNS
    assert [(r["case_id"], r["month"]) for r in table.iter_rows(named=True)] == [
        ("C1", "2026-01"),
        ("C1", "2026-02"),
        ("C1", "2026-03"),
        ("C1", "2026-04"),
        ("C2", "2026-02"),
    ]


def test_a_report_above_worked_hours_is_a_repayment_risk_at_the_standard_rate():
    jan = rows()["C1", "2026-01"]
    assert jan["reported_hours"] == 12.0
    assert jan["worked_hours"] == pytest.approx(10.0)
    assert jan["granted_hours"] == pytest.approx(2 * 31 / 7)
    assert jan["reported_minus_worked"] == pytest.approx(2.0)
    assert jan["reported_over_granted"] == pytest.approx(12 - 62 / 7)  # 3.14
    assert jan["amount_at_risk"] == pytest.approx(2 * STD_2026)  # 695.40
    assert jan["unclaimed_amount"] == 0.0
    assert jan["due_date"] == date(2026, 3, 5)
    assert jan["missing"] is False


def test_a_missing_report_after_its_due_date_is_flagged():
    feb = rows()["C1", "2026-02"]
    assert feb["reported_hours"] is None
    assert feb["worked_hours"] == pytest.approx(8.0)
    assert feb["due_date"] == date(2026, 4, 5)
    assert feb["missing"] is True  # D = 10 April is after 5 April
    assert feb["reported_minus_worked"] is None
    assert feb["amount_at_risk"] is None and feb["unclaimed_amount"] is None


def test_a_report_below_worked_hours_leaves_revenue_unclaimed():
    mar = rows()["C1", "2026-03"]
    assert mar["worked_hours"] == pytest.approx(5.5)
    assert mar["reported_minus_worked"] == pytest.approx(-0.5)
    assert mar["reported_over_granted"] == 0.0  # 5 < 2 × 31/7 = 8.86
    assert mar["amount_at_risk"] == 0.0
    assert mar["unclaimed_amount"] == pytest.approx(0.5 * STD_2026)  # 173.85
    assert mar["missing"] is False  # due 5 May


def test_a_month_not_yet_due_is_listed_and_not_missing_and_work_after_d_is_ignored():
    apr = rows()["C1", "2026-04"]
    assert apr["worked_hours"] == 0.0
    assert apr["granted_hours"] == pytest.approx(2 * 30 / 7)
    assert apr["due_date"] == date(2026, 6, 5)
    assert apr["missing"] is False


def test_a_municipal_decision_uses_its_own_rate():
    c2 = rows()["C2", "2026-02"]
    assert c2["unit_id"] == "U2"
    assert c2["granted_hours"] == pytest.approx(5 * 14 / 7)
    assert c2["worked_hours"] == 0.0
    assert c2["amount_at_risk"] == pytest.approx(3 * 400.0)
    assert c2["reported_over_granted"] == 0.0


def test_the_missing_flag_turns_on_the_day_after_the_due_date():
    req = FigureRequest.make(date(2026, 4, 5), date_from=date(2026, 2, 1))
    table = fk_check(frames(units=UNITS, cases=CASES, decisions=DECISIONS, worked=WORKED), req)
    feb = table.filter(table["case_id"] == "C1").row(0, named=True)
    assert (feb["month"], feb["missing"]) == ("2026-02", False)
    req = FigureRequest.make(date(2026, 4, 6), date_from=date(2026, 2, 1), date_to=date(2026, 4, 5))
    table = fk_check(frames(units=UNITS, cases=CASES, decisions=DECISIONS, worked=WORKED), req)
    assert table.filter(table["case_id"] == "C1").row(0, named=True)["missing"] is True


@pytest.mark.parametrize(
    ("month", "due"),
    [("2026-01", date(2026, 3, 5)), ("2026-11", date(2027, 1, 5)), ("2026-12", date(2027, 2, 5))],
)
def test_the_due_date_is_the_5th_of_the_second_month_after(month, due):
    assert due_date(month) == due
