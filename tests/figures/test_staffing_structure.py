"""staffing-structure: recurring bought patterns turned into contracted time, by hand
(docs/figures.md, "staffing-structure").

D = 2026-03-31, unit U1, social fees 40 %, holiday pay 12 %, weekday daytime (no OB).
H is hourly-paid at 200 kr/h. P is monthly, 50 %, 26 000 kr at full time 40 h/week: hourly
cost basis 26 000 / (40 × 52 / 12) = 150 kr. F is monthly, 100 %, 39 000 kr: 225 kr.

* C1: H works Tuesdays 08:00–12:00 for the 8 weeks 3 February – 24 March. P worked in C1 on
  Monday 2 March. 32 h bought at 200 × 1.12 × 1.4 = 313.60 kr/h = 10 035.20 kr; 4 h/week.
  P is a part-timer known to the case and free then: 50 % → 50 + 100 × 4 / 40 = 60 %.
  As P's contracted time: 150 × 1.4 × 32 = 6 720 kr. A year (52 weeks = 6.5 × the 8 weeks):
  208 h, bought 65 228.80 kr, contracted 43 680 kr, saving 21 548.80 kr.
* C2: H works Thursdays 08:00–12:00 on 22 January and then 5 February – 19 March: 8 weeks,
  but the longest run of consecutive weeks is 7: no row.
* C3: H works Wednesdays 08:00–12:00 for the 8 weeks 4 February – 25 March. P also worked in
  C3 on Wednesday 4 March 09:00–11:00 (busy during one occurrence) and F on Friday 6 March
  (full time already): a new position of 10 % at the unit's mean cost basis at D,
  (150 + 225) / 2 = 187.50 kr: 187.50 × 1.4 × 32 = 8 400 kr; a year 54 600 kr against
  65 228.80 kr bought, saving 10 628.80 kr.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.figures.helpers import frames, worked_row
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import FigureSettings
from timbalans.figures.structure import COLUMNS, staffing_structure

D = date(2026, 3, 31)
SETTINGS = FigureSettings().with_rates(social_fee_rate=0.4, holiday_pay_rate=0.12)


def _weekly(case: str, first: date, weeks: int) -> list[dict]:
    days = [first + timedelta(weeks=i) for i in range(weeks)]
    return [worked_row(case, "H", f"{day} 08:00", f"{day} 12:00") for day in days]


def _frames(*, c1_weeks: int = 8, p_rate: float = 50.0):
    monthly = {"form": "monthly_permanent", "valid_from": "2024-01-01"}
    return frames(
        units=[{"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"}],
        cases=[
            {"case_id": c, "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"}
            for c in ("C1", "C2", "C3")
        ],
        employees=[{"employee_id": e, "unit_id": "U1"} for e in ("F", "H", "P")],
        employments=[
            {**monthly, "employee_id": "P", "employment_rate": p_rate, "monthly_salary": 26000.0},
            {**monthly, "employee_id": "F", "employment_rate": 100.0, "monthly_salary": 39000.0},
            {
                "employee_id": "H",
                "form": "hourly",
                "hourly_wage": 200.0,
                "valid_from": "2024-01-01",
            },
        ],
        worked=[
            *_weekly("C1", date(2026, 2, 3), c1_weeks),
            worked_row("C2", "H", "2026-01-22 08:00", "2026-01-22 12:00"),
            *_weekly("C2", date(2026, 2, 5), 7),
            *_weekly("C3", date(2026, 2, 4), 8),
            worked_row("C1", "P", "2026-03-02 08:00", "2026-03-02 12:00"),
            worked_row("C3", "P", "2026-03-04 09:00", "2026-03-04 11:00"),
            worked_row("C3", "F", "2026-03-06 08:00", "2026-03-06 16:00"),
        ],
    )


def _request() -> FigureRequest:
    return FigureRequest.make(D, settings=SETTINGS)


def test_a_pattern_of_eight_weeks_becomes_a_raised_rate_or_a_new_position():
    out = staffing_structure(_frames(), _request())
    assert out.columns == list(COLUMNS)
    rows = out.to_dicts()
    assert [(r["case_id"], r["weekday"]) for r in rows] == [("C1", 2), ("C3", 3)]
    raised, new = rows
    assert raised == {
        "unit_id": "U1",
        "case_id": "C1",
        "weekday": 2,
        "start_time": "08:00",
        "end_time": "12:00",
        "weeks": 8,
        "first_week": date(2026, 2, 2),
        "last_week": date(2026, 3, 23),
        "hours_per_week": pytest.approx(4.0),
        "bought_hours": pytest.approx(32.0),
        "bought_cost": pytest.approx(10035.20),
        "contracted_cost": pytest.approx(6720.0),
        "suggestion": "raise_rate",
        "employee_id": "P",
        "current_rate_pct": pytest.approx(50.0),
        "suggested_rate_pct": pytest.approx(60.0),
        "yearly_hours": pytest.approx(208.0),
        "yearly_bought_cost": pytest.approx(65228.80),
        "yearly_contracted_cost": pytest.approx(43680.0),
        "yearly_saving_sek": pytest.approx(21548.80),
    }
    assert new["suggestion"] == "new_position"
    assert new["employee_id"] is None and new["current_rate_pct"] is None
    assert new["suggested_rate_pct"] == pytest.approx(10.0)
    assert new["contracted_cost"] == pytest.approx(8400.0)
    assert new["yearly_contracted_cost"] == pytest.approx(54600.0)
    assert new["yearly_saving_sek"] == pytest.approx(10628.80)


def test_seven_weeks_in_a_row_suggest_nothing():
    out = staffing_structure(_frames(c1_weeks=7), _request())
    assert out["case_id"].to_list() == ["C3"]


def test_a_part_timer_is_not_raised_past_full_time():
    # P at 96 %: 96 + 10 > 100, so C1 too gets a new position.
    out = staffing_structure(_frames(p_rate=96.0), _request())
    assert out["suggestion"].to_list() == ["new_position", "new_position"]
    assert out["employee_id"].to_list() == [None, None]
