"""The case page's day by day and staff, for every case at once (``figures.case_days``).

Two cases on D = 2026-03-02: C1's settlement period 2026-03-01 – 03-04, C2's 03-02 – 03-03.
Worked time counts up to D 24:00 (on call at 0.25), planned assistance after it; pieces
outside a case's own period are not its days.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from tests.figures.helpers import frames, shift_row, worked_row
from timbalans.figures.case_days import case_days, case_staff
from timbalans.figures.settings import FigureSettings

D = date(2026, 3, 2)
PERIODS = pl.DataFrame(
    {
        "case_id": ["C1", "C2"],
        "period_start": [date(2026, 3, 1), date(2026, 3, 2)],
        "period_end": [date(2026, 3, 4), date(2026, 3, 3)],
    }
)
WORKED = [
    # 20:00-02:00 across the period's start: 2 h on 03-01, 4 h on 02-28 (not in the period)
    worked_row("C1", "E1", "2026-02-28 20:00", "2026-03-01 02:00"),
    # 4 h with a 30 min break: 3.5 h overtime on 03-01
    worked_row(
        "C1", "E2", "2026-03-01 08:00", "2026-03-01 12:00", brk=30, time_type="overtime_simple"
    ),
    # 22:00-02:00 across the end of D: 2 h on 03-02, the 2 h after D do not count yet
    worked_row("C1", "E1", "2026-03-02 22:00", "2026-03-03 02:00"),
    # 2 h on call count 0.5 h
    worked_row("C1", "E1", "2026-03-02 06:00", "2026-03-02 08:00", time_type="on_call"),
    worked_row("C2", "E1", "2026-03-02 10:00", "2026-03-02 14:00"),
    # before C2's period: none of its days, but its staff's hours from 03-01
    worked_row("C2", "E1", "2026-03-01 10:00", "2026-03-01 12:00"),
]
SHIFTS = [
    # 20:00-04:00 across the end of D: 4 h planned on 03-03 (the 4 h up to D are past)
    shift_row("C1", "E1", "2026-03-02 20:00", "2026-03-03 04:00"),
    # 8 h with a 60 min break on 03-04
    shift_row("C1", "E1", "2026-03-04 08:00", "2026-03-04 16:00", brk=60),
    # on call is no assistance planned; 03-05 is after the period; 03-01 is before D
    shift_row("C1", "E1", "2026-03-03 08:00", "2026-03-03 10:00", kind="on_call"),
    shift_row("C1", "E1", "2026-03-05 08:00", "2026-03-05 10:00"),
    shift_row("C1", "E1", "2026-03-01 08:00", "2026-03-01 10:00"),
    shift_row("C2", "E1", "2026-03-03 08:00", "2026-03-03 10:00"),
]


def the_frames():
    return frames(
        units=[{"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"}],
        cases=[
            {"case_id": c, "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"}
            for c in ("C1", "C2")
        ],
        employees=[{"employee_id": e, "unit_id": "U1"} for e in ("E1", "E2")],
        employments=[
            {"employee_id": "E1", "form": "monthly_permanent", "valid_from": "2025-01-01"},
            {"employee_id": "E2", "form": "hourly", "valid_from": "2025-01-01"},
        ],
        shifts=SHIFTS,
        worked=WORKED,
    )


def test_every_cases_days_are_counted_worked_to_d_and_planned_after():
    days = case_days(the_frames(), periods=PERIODS, as_of=D, settings=FigureSettings())
    assert days.rows() == [
        ("C1", date(2026, 3, 1), 5.5, 0.0),
        ("C1", date(2026, 3, 2), 2.5, 0.0),
        ("C1", date(2026, 3, 3), 0.0, 4.0),
        ("C1", date(2026, 3, 4), 0.0, 7.0),
        ("C2", date(2026, 3, 2), 4.0, 0.0),
        ("C2", date(2026, 3, 3), 0.0, 2.0),
    ]
    assert days.columns == ["case_id", "date", "worked_hours", "planned_remaining_hours"]


def test_every_cases_staff_from_a_date_to_d_most_hours_first():
    staff = case_staff(the_frames(), date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), as_of=D)
    # C1: E1 2 + 2 + 2 (on call, as worked) h, E2 3.5 h overtime; C2: E1 4 + 2 h
    assert staff.rows() == [
        ("C1", "E1", "monthly_permanent", 6.0, 0.0),
        ("C1", "E2", "hourly", 3.5, 3.5),
        ("C2", "E1", "monthly_permanent", 6.0, 0.0),
    ]
