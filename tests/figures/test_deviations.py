"""deviations: planned shifts against worked time per case and month, computed by hand
(docs/figures.md, "deviations").

D = 2026-03-31, the month March 2026. Case C1 (unit U1):

* S1 E1 2 March 07–15, worked by E2 07–15 (a replacement: the shift is worked);
* S2 E1 3 March 07–15, worked by E1 06–16 (2 h outside the shift);
* S3 open 4 March 07–15, not worked;
* S4 E1 5 March 07–15 with 60 min break, worked 07–11 (half the shift uncovered: 7 × 0.5);
* E3 worked 6 March 10–14 with no shift that day;
* S5 E1 31 March 20:00 – 1 April 06:00, not worked (4 h in March up to D).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.figures.helpers import frames, shift_row, worked_row
from timbalans.figures.deviations import COLUMNS, deviations
from timbalans.figures.registry import FigureRequest

D = date(2026, 3, 31)
UNITS = [
    {"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"},
    {"unit_id": "U2", "name": "PA Syd", "cost_center": "81516"},
]
CASES = [
    {"case_id": "C1", "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"},
    {"case_id": "C2", "unit_id": "U2", "service": "assistans_sfb", "start_date": "2024-01-01"},
]
SHIFTS = [
    shift_row("C1", "E1", "2026-03-02 07:00", "2026-03-02 15:00"),
    shift_row("C1", "E1", "2026-03-03 07:00", "2026-03-03 15:00"),
    shift_row("C1", None, "2026-03-04 07:00", "2026-03-04 15:00"),
    shift_row("C1", "E1", "2026-03-05 07:00", "2026-03-05 15:00", brk=60),
    shift_row("C1", "E1", "2026-03-31 20:00", "2026-04-01 06:00"),
    shift_row("C1", "E1", "2026-03-07 07:00", "2026-03-07 15:00", kind="standby"),
]
WORKED = [
    worked_row("C1", "E2", "2026-03-02 07:00", "2026-03-02 15:00"),
    worked_row("C1", "E1", "2026-03-03 06:00", "2026-03-03 16:00"),
    worked_row("C1", "E1", "2026-03-05 07:00", "2026-03-05 11:00"),
    worked_row("C1", "E3", "2026-03-06 10:00", "2026-03-06 14:00"),
    worked_row("C2", "E3", "2026-03-09 10:00", "2026-03-09 18:00", time_type="on_call"),
    worked_row("C2", "E3", "2026-02-09 10:00", "2026-02-09 18:00"),
]


def run(as_of=D, date_from=None):
    f = frames(units=UNITS, cases=CASES, shifts=SHIFTS, worked=WORKED)
    req = FigureRequest.make(as_of, date_from=date_from, date_to=as_of if date_from else None)
    return {(r["case_id"], r["month"]): r for r in deviations(f, req).iter_rows(named=True)}


def test_it_has_the_spec_columns():
    f = frames(units=UNITS, cases=CASES, shifts=SHIFTS, worked=WORKED)
    assert tuple(deviations(f, FigureRequest.make(D)).columns) == COLUMNS


def test_planned_and_worked_hours_of_the_month():
    c1 = run()["C1", "2026-03"]
    assert c1["unit_id"] == "U1"
    assert c1["planned_hours"] == pytest.approx(8 + 8 + 8 + 7 + 4)  # standby is not planned
    assert c1["worked_hours"] == pytest.approx(8 + 10 + 4 + 4)


def test_work_without_a_shift_and_work_outside_its_shift():
    c1 = run()["C1", "2026-03"]
    assert c1["worked_without_shift_hours"] == pytest.approx(4.0)  # E3, 6 March
    assert c1["worked_outside_shift_hours"] == pytest.approx(2.0)  # 06–07 and 15–16, 3 March


def test_planned_hours_no_one_worked_up_to_d():
    c1 = run()["C1", "2026-03"]
    # S3 open 8 + S4 (7 h × 4 of 8 hours uncovered) 3.5 + S5 20–24 on D 4; the replacement
    # of S1 by E2 covers it.
    assert c1["planned_not_worked_hours"] == pytest.approx(8 + 3.5 + 4)


def test_the_parts_add_up_to_worked_hours():
    c1 = run()["C1", "2026-03"]
    inside = 8 + 8 + 4  # S1, S2 07–15, S4 07–11
    assert inside + c1["worked_outside_shift_hours"] + c1["worked_without_shift_hours"] == (
        pytest.approx(c1["worked_hours"])
    )


def test_on_call_counts_at_its_factor_and_rows_are_per_month():
    rows = run(date_from=date(2026, 2, 1))
    assert rows["C2", "2026-03"]["worked_hours"] == pytest.approx(8 / 4)
    assert rows["C2", "2026-03"]["worked_without_shift_hours"] == pytest.approx(2.0)
    assert rows["C2", "2026-02"]["worked_hours"] == pytest.approx(8.0)
    assert ("C1", "2026-02") not in rows


def test_before_a_shift_has_happened_it_is_not_missing():
    c1 = run(as_of=date(2026, 3, 4))["C1", "2026-03"]
    assert c1["planned_not_worked_hours"] == pytest.approx(8.0)  # S3 only: 4 March is D
    assert c1["worked_hours"] == pytest.approx(8 + 10)
