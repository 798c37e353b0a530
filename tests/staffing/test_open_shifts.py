"""Open shifts from canonical frames: unassigned and absent employees' shifts, after D."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.figures.helpers import frames, shift_row
from timbalans.figures.settings import load_settings
from timbalans.staffing.open_shifts import open_shift_frame, open_shifts

AS_OF = dt.date(2026, 3, 1)


def data():
    rows = [
        {**shift_row("C1", None, "2026-03-03 15:00", "2026-03-03 23:00"), "shift_id": "X1"},
        {**shift_row("C1", "E1", "2026-03-04 07:00", "2026-03-04 15:00"), "shift_id": "X2"},
        {**shift_row("C1", "E2", "2026-03-04 07:00", "2026-03-04 15:00"), "shift_id": "X3"},
        {**shift_row("C1", None, "2026-02-27 07:00", "2026-02-27 15:00"), "shift_id": "X4"},
        shift_row("C1", None, "2026-03-05 07:00", "2026-03-05 15:00"),
        shift_row("C1", None, "2026-03-05 07:00", "2026-03-05 16:00"),
        {**shift_row("C1", "E1", "2026-03-06 07:00", "2026-03-06 15:00"), "shift_id": "X7"},
    ]
    return frames(
        units=[{"unit_id": "U1", "name": "Norr", "cost_center": "1", "department": "D1"}],
        cases=[
            {
                "case_id": "C1",
                "unit_id": "U1",
                "service": "assistans_sfb",
                "start_date": "2024-01-01",
            }
        ],
        employees=[{"employee_id": "E1", "unit_id": "U1"}, {"employee_id": "E2", "unit_id": "U1"}],
        shifts=rows,
        absences=[
            # E1 sick all of 4 March; E2 half-time sick that day (planned around).
            {
                "employee_id": "E1",
                "start": "2026-03-04 00:00",
                "end": "2026-03-05 00:00",
                "type": "sick",
            },
            {
                "employee_id": "E2",
                "start": "2026-03-04 00:00",
                "end": "2026-03-05 00:00",
                "type": "sick",
                "extent_percent": 50.0,
            },
        ],
    )


def test_open_shifts_are_unassigned_or_of_a_fully_absent_employee_after_d():
    f = open_shift_frame(data(), as_of=AS_OF)
    assert list(zip(f["id"], f["reason"], f["employee_id"], strict=True)) == [
        ("X1", "unassigned", None),
        ("X2", "absent_employee", "E1"),
        ("C1-202603050700", "unassigned", None),
        ("C1-202603050700-2", "unassigned", None),
    ]


def test_the_horizon_limits_the_days():
    f = open_shift_frame(data(), as_of=AS_OF, first=dt.date(2026, 3, 4), last=dt.date(2026, 3, 4))
    assert f["id"].to_list() == ["X2"]


def test_an_open_shift_carries_its_ob_and_the_rates_of_its_day():
    settings = load_settings().with_rates(
        ob_weekday_evening=25.0,
        ob_weekday_night=55.0,
        social_fee_rate=0.4,
        overtime_factor_simple=1.8,
        overtime_factor_qualified=2.0,
    )
    by_id = {s.id: s for s in open_shifts(data(), as_of=AS_OF, settings=settings)}
    evening = by_id["X1"]  # Tuesday 15-23: 19-22 evening, 22-23 night
    assert evening.ob_sek == pytest.approx(3 * 25.0 + 1 * 55.0)
    assert evening.rates.social_fee_rate == 0.4
    # 1 of 8 hours in a qualified-overtime window (the night).
    assert evening.rates.overtime_factor == pytest.approx(1.8 * 7 / 8 + 2.0 / 8)
    assert by_id["X2"].ob_sek == 0.0
    assert by_id["X2"].absent_employee_id == "E1"
    assert evening.unit_id == "U1" and evening.department == "D1"
