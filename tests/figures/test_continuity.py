"""continuity: the five most frequent staff's share of a case's hours, by hand.

D = 2026-03-31. Case C1 in March 2026: employees E1–E6 work 10, 8, 6, 4, 2 and 2 h (E6 is
hourly): 32 h, six staff; the five with most hours have 30 h = 93.75 %; hourly 2/32 = 6.25 %.
Case C2 in February: E1 alone, 5 h: one staff, 100 %, no hourly hours.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.figures.helpers import frames, worked_row
from timbalans.figures.continuity import COLUMNS, continuity
from timbalans.figures.registry import FigureRequest

HOURS = {"E1": 10, "E2": 8, "E3": 6, "E4": 4, "E5": 2, "E6": 2}


def test_it_gives_the_top_five_share_distinct_staff_and_hourly_share():
    f = frames(
        units=[{"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"}],
        cases=[
            {"case_id": c, "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"}
            for c in ("C1", "C2")
        ],
        employees=[{"employee_id": e, "unit_id": "U1"} for e in HOURS],
        employments=[
            *[
                {
                    "employee_id": e,
                    "form": "monthly_permanent",
                    "employment_rate": 100.0,
                    "monthly_salary": 26000.0,
                    "valid_from": "2024-01-01",
                }
                for e in HOURS
                if e != "E6"
            ],
            {
                "employee_id": "E6",
                "form": "hourly",
                "hourly_wage": 160.0,
                "valid_from": "2024-01-01",
            },
        ],
        worked=[
            *[
                worked_row("C1", e, "2026-03-10 06:00", f"2026-03-10 {6 + h:02d}:00")
                for e, h in HOURS.items()
            ],
            worked_row("C2", "E1", "2026-02-03 08:00", "2026-02-03 13:00"),
        ],
    )
    out = continuity(f, FigureRequest.make(date(2026, 3, 31)))
    assert out.columns == list(COLUMNS)
    assert out.rows() == [
        ("C1", "U1", "2026-03", pytest.approx(32.0), 6, pytest.approx(93.75), pytest.approx(6.25)),
        ("C2", "U1", "2026-02", pytest.approx(5.0), 1, pytest.approx(100.0), pytest.approx(0.0)),
    ]
