"""staffing-backtest: bought hours re-tested shift by shift against the staffing rules, by hand
(docs/figures.md, "staffing-backtest").

D = 2026-03-31, unit U1 (cases C1 and C2; C2 takes only assistants known to the client):

* M (monthly, full time) works 13:00–21:00 every weekday of March (22 days, 176 h: no unused
  contracted time) and overtime in C1 on Tuesday 10 March 08:00–12:00 (4 h);
* H (hourly) works in C1 on Thursday 12 March 08:00–16:00 (8 h) and in C2 on Tuesday 17 March
  09:00–13:00 (4 h);
* A (monthly, full time) worked only Wednesday 11 March 16:00–24:00 in C1: idle otherwise.

Bought: 4 h overtime + 12 h hourly = 16 h. A takes M's overtime in unused contracted time
(tier 1, weekday daytime: no OB, 0 kr). H's shift on 12 March would leave A 8 h of rest after
11 March 24:00 (the 11-hour rule forbids it; M works then). Nobody in the unit has worked in
C2 (the known-staff rule forbids A; M works then). So tier 1 = 4 h, remaining 12 h at their
own cost, and the saving is exactly the overtime's cost.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from tests.figures.helpers import frames, worked_row
from timbalans.figures.backtest import COLUMNS, _Intervals, staffing_backtest
from timbalans.figures.case_economics.bought import bought_hours
from timbalans.figures.registry import FigureRequest
from timbalans.figures.savings import window_request
from timbalans.staffing.instance import CaseRule, Config
from timbalans.staffing.prepared import Span, Week, free_stretches, longest_free

D = date(2026, 3, 31)
MARCH = [date(2026, 3, 1) + timedelta(days=i) for i in range(31)]
WEEKDAYS = [day for day in MARCH if day.weekday() < 5]


def _frames():
    return frames(
        units=[{"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"}],
        cases=[
            {"case_id": c, "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"}
            for c in ("C1", "C2")
        ],
        employees=[{"employee_id": e, "unit_id": "U1"} for e in ("A", "H", "M")],
        employments=[
            *[
                {
                    "employee_id": e,
                    "form": "monthly_permanent",
                    "employment_rate": 100.0,
                    "monthly_salary": 26000.0,
                    "valid_from": "2024-01-01",
                }
                for e in ("A", "M")
            ],
            {
                "employee_id": "H",
                "form": "hourly",
                "hourly_wage": 160.0,
                "valid_from": "2024-01-01",
            },
        ],
        worked=[
            *[worked_row("C1", "M", f"{day} 13:00", f"{day} 21:00") for day in WEEKDAYS],
            worked_row(
                "C1", "M", "2026-03-10 08:00", "2026-03-10 12:00", time_type="overtime_simple"
            ),
            worked_row("C1", "H", "2026-03-12 08:00", "2026-03-12 16:00"),
            worked_row("C2", "H", "2026-03-17 09:00", "2026-03-17 13:00"),
            worked_row("C1", "A", "2026-03-11 16:00", "2026-03-12 00:00"),
        ],
    )


def test_it_refills_only_what_every_rule_allows_and_saves_the_overtime():
    f = _frames()
    req = FigureRequest.make(D)
    config = Config(cases={"C2": CaseRule(known_only=True)})
    out = staffing_backtest(f, req, config=config)
    assert out.columns == list(COLUMNS)
    assert out.height == 1
    row = out.row(0, named=True)
    cost = {
        r["category"]: r["cost"] for r in bought_hours(f, window_request(req)).iter_rows(named=True)
    }
    assert set(cost) == {"overtime", "hourly"}
    assert row["unit_id"] == "U1" and row["month"] == "2026-03"
    assert row["bought_hours"] == pytest.approx(16.0)
    assert row["tier1_hours"] == pytest.approx(4.0)
    assert row["tier2_hours"] == pytest.approx(0.0)
    assert row["remaining_bought_hours"] == pytest.approx(12.0)
    assert row["actual_cost"] == pytest.approx(cost["overtime"] + cost["hourly"])
    assert row["backtest_cost"] == pytest.approx(cost["hourly"])
    assert row["saving_sek"] == pytest.approx(cost["overtime"])
    assert row["saving_pct"] == pytest.approx(
        100 * cost["overtime"] / (cost["overtime"] + cost["hourly"])
    )
    # Hourly cost by hand: 12 h × 160 kr × (1 + holiday pay) × (1 + social fees), no OB.
    assert cost["hourly"] > 0 and cost["overtime"] > 0


def test_without_the_known_staff_rule_the_idle_employee_also_takes_the_c2_shift():
    out = staffing_backtest(_frames(), FigureRequest.make(D), config=Config())
    row = out.row(0, named=True)
    assert row["tier1_hours"] == pytest.approx(8.0)
    assert row["remaining_bought_hours"] == pytest.approx(8.0)


def test_the_pool_wide_interval_tests_by_hand():
    """Candidate 0 works [100, 200) and [400, 500), candidate 1 [150, 160) (minutes)."""
    busy = _Intervals([(0, 100, 200), (0, 400, 500), (1, 150, 160)], 2)
    both = np.array([0, 1])
    assert busy.meeting(both, 200, 400).tolist() == [False, False]  # touching is not meeting
    assert busy.meeting(both, 199, 401).tolist() == [True, False]
    assert busy.meeting(np.array([1]), 155, 156).tolist() == [True]
    # Rest 100, break up to 10: before 230, 0 has 30 and 1 has 70: both too short.
    assert busy.short_rest(both, 230, 250, np.array([0, 0]), 10, 100).tolist() == [True, True]
    # A pick of 0's ending at 222 makes the gap a break (8); after 250, 150 to 400: a rest.
    assert busy.short_rest(both, 230, 250, np.array([222, 0]), 10, 100).tolist() == [False, True]
    # Nothing after 350 for 1, and 140 since 160: a full rest.
    assert busy.short_rest(np.array([1]), 300, 350, np.array([0]), 10, 100).tolist() == [False]


def test_free_stretches_of_a_week_by_hand():
    week = Week(date(2026, 3, 2), 0, 1000)
    spans = [Span(100, 200, "assistance"), Span(150, 300, "standby"), Span(900, 1100, "on_call")]
    assert free_stretches(spans, week) == [(0, 100), (300, 900)]
    assert longest_free(spans, week) == 600
