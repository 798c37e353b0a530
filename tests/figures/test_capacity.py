"""capacity: every column computed by hand (the same example as docs/figures.md, "capacity").

D = 2026-03-20; rows for March (contains D) and April (wholly after D) 2026.
Hourly cost basis = monthly_salary / (40 × 52 / 12) = monthly_salary / 173.33:
E1 31 200 → 180 kr/h, E2 26 000 → 150 kr/h. Social fee rate 0.4453.
"""

from __future__ import annotations

import cProfile
import pstats
from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from tests.figures.helpers import frames, shift_row, table, worked_row
from timbalans.figures.capacity import COLUMNS, capacity, capacity_by_employee
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import FigureSettings

D = date(2026, 3, 20)
SFR = 0.4453

UNITS = [
    {"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"},
    {"unit_id": "U2", "name": "PA Syd", "cost_center": "81516"},
]
CASES = [
    {"case_id": "C1", "unit_id": "U1", "service": "assistans_sfb", "start_date": "2025-01-01"},
    {"case_id": "C2", "unit_id": "U2", "service": "assistans_sfb", "start_date": "2025-01-01"},
]
DECISIONS = [
    # C1: 70 h/week all 2026 -> March 70 × 31/7 = 310, April 70 × 30/7 = 300
    {
        "case_id": "C1",
        "payer": "FK",
        "hours_per_week": 70.0,
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "period_start": "2026-01-01",
    },
    # C2: 14 h/week in March only -> 14 × 31/7 = 62
    {
        "case_id": "C2",
        "payer": "KOMMUN",
        "hours_per_week": 14.0,
        "valid_from": "2026-03-01",
        "valid_to": "2026-03-31",
        "period_start": "2026-03-01",
        "period_months": 1,
    },
]
EMPLOYEES = [
    {"employee_id": "E1", "unit_id": "U1"},
    {"employee_id": "E2", "unit_id": "U1"},
    {"employee_id": "H1", "unit_id": "U1"},
]
EMPLOYMENTS = [
    # part time 75 % of 40 h, from the middle of March (16 days in March)
    {
        "employee_id": "E1",
        "form": "monthly_permanent",
        "employment_rate": 75.0,
        "monthly_salary": 31200.0,
        "valid_from": "2026-03-16",
    },
    {
        "employee_id": "E2",
        "form": "monthly_temporary",
        "employment_rate": 100.0,
        "monthly_salary": 26000.0,
        "valid_from": "2025-01-01",
        "valid_to": "2026-12-31",
    },
    {"employee_id": "H1", "form": "hourly", "hourly_wage": 160.0, "valid_from": "2025-01-01"},
]


w = worked_row
p = shift_row


def days(employee, first, last, type_, extent=100.0, hours=None):
    """A whole-day absence first..last inclusive (end = 00:00 the day after)."""
    after = date.fromisoformat(last).toordinal() + 1
    return {
        "employee_id": employee,
        "start": f"{first} 00:00",
        "end": f"{date.fromordinal(after).isoformat()} 00:00",
        "type": type_,
        "extent_percent": extent,
        "hours": hours,
        "whole_days": True,
    }


WORKED = [
    w("C1", "E1", "2026-03-17 07:00", "2026-03-17 16:00", 60),  # 8 ordinary
    w("C1", "E1", "2026-03-19 08:00", "2026-03-19 12:00"),  # 4 ordinary
    w("C1", "E1", "2026-03-19 12:00", "2026-03-19 14:00", 0, "additional"),  # 2 mertid
    w("C1", "E2", "2026-03-03 07:00", "2026-03-03 19:00"),  # 12 ordinary
    w("C2", "E2", "2026-03-04 07:00", "2026-03-04 19:00"),  # 12 ordinary, in U2's case
    w("C1", "E2", "2026-03-05 18:00", "2026-03-05 21:00", 0, "overtime_simple"),  # 3 overtime
    # across D 24:00: 20-24 = 4 h counts, 00-04 is after D and ignored
    w("C1", "E2", "2026-03-20 20:00", "2026-03-21 04:00"),
    w("C1", "H1", "2026-03-06 07:00", "2026-03-06 16:00", 60),  # hourly: 8
    w("C1", "H1", "2026-03-07 22:00", "2026-03-08 07:00", 0, "on_call"),  # hourly: 9 × 1/4
    w("C2", "H1", "2026-03-10 08:00", "2026-03-10 12:00"),  # hourly in U2's case: 4
]
SHIFTS = [
    p("C1", "E1", "2026-03-18 07:00", "2026-03-18 16:00", 60),  # inside E1's vacation (hours given)
    p("C1", "E2", "2026-03-09 07:00", "2026-03-09 16:00", 60),  # 8, inside E2's sick leave
    p("C1", "E2", "2026-03-10 07:00", "2026-03-10 15:00"),  # 8, inside E2's sick leave
    # planned after D
    p("C1", "E1", "2026-03-23 07:00", "2026-03-23 16:00", 60),  # 8
    p("C1", "E2", "2026-03-20 20:00", "2026-03-21 04:00"),  # 4 before D, 4 after
    p("C1", "E2", "2026-03-28 22:00", "2026-03-29 07:00"),  # summer time starts: 8 real hours
    p("C1", "E1", "2026-04-06 07:00", "2026-04-06 17:00", 60),  # 9
    p("C1", "E1", "2026-04-07 07:00", "2026-04-07 17:00", 60),  # 9
    p("C1", "E2", "2026-04-01 07:00", "2026-04-01 19:00"),  # 12
    p("C1", None, "2026-04-02 07:00", "2026-04-02 19:00"),  # open shift: nobody's plan
    p("C1", "E2", "2026-04-03 22:00", "2026-04-04 07:00", 0, "on_call"),  # not assistance
]
ABSENCES = [
    # 1. hours given: 6 h, although 8 h were planned that day
    days("E1", "2026-03-18", "2026-03-18", "vacation", hours=6.0),
    # 2. no hours, planned shifts inside: (8 + 8) × 50 % = 8
    days("E2", "2026-03-09", "2026-03-10", "sick", extent=50.0),
    # 3. neither: 40/7 per calendar day × 2 days × 100 % = 80/7 = 11.428571
    days("E2", "2026-03-12", "2026-03-13", "leave"),
    # a planned vacation after D counts (whole-month forecast): 40/7 × 5 = 200/7 = 28.571429
    days("E2", "2026-04-13", "2026-04-17", "vacation"),
]


def the_frames():
    return frames(
        units=UNITS,
        cases=CASES,
        decisions=DECISIONS,
        employees=EMPLOYEES,
        employments=EMPLOYMENTS,
        worked=WORKED,
        shifts=SHIFTS,
        absences=ABSENCES,
    )


REQ = FigureRequest.make(D, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30))


def table_rows(req=REQ):
    table = capacity(the_frames(), req)
    assert table.columns == list(COLUMNS)
    return {(r["unit_id"], r["month"]): r for r in table.iter_rows(named=True)}


def approx_row(actual, expected):
    for column, value in expected.items():
        assert actual[column] == pytest.approx(value, abs=1e-6), column


def test_per_employee_rows():
    per = {
        (r["employee_id"], r["month"]): r
        for r in capacity_by_employee(the_frames(), REQ).iter_rows(named=True)
    }
    assert set(per) == {("E1", "2026-03"), ("E2", "2026-03"), ("E1", "2026-04"), ("E2", "2026-04")}
    # E1, March: 0.75 × 40 × 16 days / 7 = 480/7 = 68.571429 contracted; 6 h vacation (given)
    # available 480/7 − 6 = 438/7; worked 8 + 4 = 12; planned after D 8;
    # unused 438/7 − 12 − 8 = 298/7 = 42.571429; cost 298/7 × 180 × 1.4453 = 11 075.13
    approx_row(
        per["E1", "2026-03"],
        {
            "contracted_hours": 480 / 7,
            "absence_hours": 6.0,
            "available_hours": 438 / 7,
            "worked_ordinary_hours": 12.0,
            "planned_after_hours": 8.0,
            "unused_hours": 298 / 7,
            "cost_basis": 180.0,
            "unused_cost": 298 / 7 * 180 * (1 + SFR),
        },
    )
    # E2, March: 40 × 31/7 = 1240/7 contracted; absence 8 (sick, planned × 50 %) + 80/7 (leave)
    # available (1240 − 56 − 80)/7 = 1104/7 = 157.714286; worked 12 + 12 + 4 = 28 (all cases);
    # planned after D: 4 (00-04 on 21 March) + 8 (night across summer time) = 12; used = 40
    approx_row(
        per["E2", "2026-03"],
        {
            "contracted_hours": 1240 / 7,
            "absence_hours": 8 + 80 / 7,
            "available_hours": 1104 / 7,
            "worked_ordinary_hours": 28.0,
            "planned_after_hours": 12.0,
            "unused_hours": 1104 / 7 - 40,
            "cost_basis": 150.0,
        },
    )
    # April, wholly after D: planned hours instead of worked
    # E1: 30 × 30/7 = 900/7 contracted, planned 9 + 9 = 18 -> unused 774/7 = 110.571429
    # E2: 40 × 30/7 = 1200/7, vacation 200/7 -> available 1000/7; planned 12 -> 916/7
    approx_row(
        per["E1", "2026-04"],
        {
            "contracted_hours": 900 / 7,
            "absence_hours": 0.0,
            "worked_ordinary_hours": 0.0,
            "planned_after_hours": 18.0,
            "unused_hours": 774 / 7,
        },
    )
    approx_row(
        per["E2", "2026-04"],
        {
            "contracted_hours": 1200 / 7,
            "absence_hours": 200 / 7,
            "available_hours": 1000 / 7,
            "planned_after_hours": 12.0,
            "unused_hours": 916 / 7,
        },
    )


def test_unit_rows_every_column():
    rows = table_rows()
    assert list(rows) == [
        ("U1", "2026-03"),
        ("U1", "2026-04"),
        ("U2", "2026-03"),
        ("U2", "2026-04"),
    ]
    # U1, March. unused: E1 298/7 + E2 (1104/7 − 40 = 824/7) = 1122/7 = 160.285714
    # unused_cost: (298 × 180 + 824 × 150)/7 × 1.4453 = (53 640 + 123 600)/7 × 1.4453
    #            = 177 240/7 × 1.4453 = 25 320 × 1.4453 = 36 594.996
    approx_row(
        rows["U1", "2026-03"],
        {
            "granted_hours": 310.0,
            "contracted_hours": (480 + 1240) / 7,  # 245.714286
            "absence_hours": 6 + 8 + 80 / 7,  # 25.428571
            "available_hours": (438 + 1104) / 7,  # 220.285714
            "worked_ordinary_hours": 12 + 28,
            "unused_hours": 1122 / 7,
            "unused_cost": 25320 * 1.4453,
            "hourly_staff_hours": 8 + 9 * 0.25,  # H1 in C1: 10.25
            "additional_hours": 2.0,
            "overtime_hours": 3.0,
            "substitutable_hours": 10.25 + 2 + 3,  # min(160.29, 15.25)
        },
    )
    # U1, April: unused 774/7 + 916/7 = 1690/7 = 241.428571
    # cost (774 × 180 + 916 × 150)/7 × 1.4453 = 276 720/7 × 1.4453 = 57 134.77
    approx_row(
        rows["U1", "2026-04"],
        {
            "granted_hours": 300.0,
            "contracted_hours": 2100 / 7,
            "absence_hours": 200 / 7,
            "available_hours": 1900 / 7,
            "worked_ordinary_hours": 0.0,
            "unused_hours": 1690 / 7,
            "unused_cost": 276720 / 7 * 1.4453,
            "hourly_staff_hours": 0.0,
            "additional_hours": 0.0,
            "overtime_hours": 0.0,
            "substitutable_hours": 0.0,
        },
    )
    # U2 has no employees of its own: only its case's figures (H1's 4 hourly hours in C2)
    approx_row(
        rows["U2", "2026-03"],
        {
            "granted_hours": 62.0,
            "contracted_hours": 0.0,
            "unused_hours": 0.0,
            "unused_cost": 0.0,
            "hourly_staff_hours": 4.0,
            "substitutable_hours": 0.0,  # min(0, 4)
        },
    )
    approx_row(rows["U2", "2026-04"], {c: 0.0 for c in COLUMNS[2:]})


def test_default_rows_are_the_month_of_d():
    table = capacity(the_frames(), FigureRequest.make(D))
    assert table.select("unit_id", "month").rows() == [("U1", "2026-03"), ("U2", "2026-03")]


def test_unused_is_never_negative_and_caps_substitutable():
    # Without E1, and with E2 working 120 more ordinary hours (11 March 00:00 to 16 March
    # 00:00): E2 used 28 + 120 worked + 12 planned = 160 > 1104/7 = 157.71 available, so E2's
    # unused is max(0, −2.29) = 0 and substitutable = min(0, 15.25) = 0.
    f = the_frames()
    f = replace(
        f,
        employments=f.employments.filter(pl.col("employee_id") != "E1"),
        worked=pl.concat(
            [f.worked, table("worked", [w("C1", "E2", "2026-03-11 00:00", "2026-03-16 00:00")])]
        ),
    )
    r = {(x["unit_id"], x["month"]): x for x in capacity(f, REQ).iter_rows(named=True)}
    r = r["U1", "2026-03"]
    # E1 has no employment now, so is not one of the unit's monthly-paid employees: 28 + 120
    assert r["worked_ordinary_hours"] == pytest.approx(148.0)
    assert r["available_hours"] == pytest.approx(1104 / 7)
    assert r["unused_hours"] == 0.0
    assert r["substitutable_hours"] == 0.0


def test_social_fee_rate_is_a_rate():
    req = FigureRequest.make(
        D, date_from=date(2026, 3, 1), settings=FigureSettings().with_rates(social_fee_rate=0.0)
    )
    r = table_rows(req)["U1", "2026-03"]
    assert r["unused_cost"] == pytest.approx(25320.0)


def test_part_days_clock_changes_and_given_hours_across_months():
    # E2:
    # * child care 24 March 08:00-14:00, no shift inside (rule 3): a quarter of a calendar
    #   day, 40/7 × 6/24 = 10/7
    # * leave on 29 March, the day summer time starts: it overlaps the planned night shift
    #   28 March 22:00 - 29 March 07:00 (rule 2), whose part 00:00-07:00 is 6 real hours
    #   (the clock jumps from 02:00 to 03:00) × 100 % = 6
    # * 10 h given for 31 March - 1 April: shared by elapsed time, 5 h in each month
    # * leave on 25 October, the day winter time starts (25 real hours), no shift (rule 3):
    #   one calendar day, 40/7
    extra = [
        {
            "employee_id": "E2",
            "start": "2026-03-24 08:00",
            "end": "2026-03-24 14:00",
            "type": "child_care",
        },
        days("E2", "2026-03-29", "2026-03-29", "leave"),
        days("E2", "2026-03-31", "2026-04-01", "other", hours=10.0),
        days("E2", "2026-10-25", "2026-10-25", "leave"),
    ]
    f = the_frames()
    f = replace(f, absences=pl.concat([f.absences, table("absences", extra)]))
    req = FigureRequest.make(D, date_from=date(2026, 3, 1), date_to=date(2026, 10, 31))
    per = {
        (r["employee_id"], r["month"]): r
        for r in capacity_by_employee(f, req).iter_rows(named=True)
    }
    assert per["E2", "2026-03"]["absence_hours"] == pytest.approx(8 + 80 / 7 + 10 / 7 + 6 + 5)
    assert per["E2", "2026-04"]["absence_hours"] == pytest.approx(200 / 7 + 5)
    assert per["E2", "2026-10"]["absence_hours"] == pytest.approx(40 / 7)
    assert per["E2", "2026-10"]["contracted_hours"] == pytest.approx(40 * 31 / 7)


def test_the_employment_in_force_on_a_day_monthly_first_then_the_latest():
    from timbalans.figures.staff import employment_on

    f = frames(
        employments=[
            {
                "employee_id": "A",
                "form": "hourly",
                "hourly_wage": 100.0,
                "valid_from": "2025-01-01",
            },
            {
                "employee_id": "A",
                "form": "monthly_permanent",
                "employment_rate": 50.0,
                "monthly_salary": 26000.0,
                "valid_from": "2025-03-01",
                "valid_to": "2025-03-31",
            },
            {
                "employee_id": "A",
                "form": "monthly_temporary",
                "employment_rate": 60.0,
                "monthly_salary": 31200.0,
                "valid_from": "2025-03-15",
                "valid_to": "2025-03-31",
            },
        ]
    )
    days = pl.DataFrame(
        {
            "employee_id": ["A", "A", "A", "B"],
            "date": [date(2025, 2, 1), date(2025, 3, 2), date(2025, 3, 20), date(2025, 3, 2)],
        }
    )
    out = (
        employment_on(f, days)
        .select("form_class", pl.col("cost_basis").round(9), "hourly_wage")
        .rows()
    )
    assert out == [
        ("hourly", None, 100.0),
        ("monthly", 150.0, None),  # 26 000 / 173.33
        ("monthly", 180.0, None),  # the later of two monthly rows: 31 200 / 173.33
        (None, None, None),  # no employment in force
    ]


def _python_calls(frames_: Frames, req: FigureRequest) -> int:
    profile = cProfile.Profile()
    profile.enable()
    capacity(Frames.from_dict(frames_.as_dict()), req)  # a new memo: everything computed
    profile.disable()
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]


def test_capacity_does_no_python_work_per_employee_or_day():
    """The work is in polars: forty times the staff, each with the same rows and absences
    (longer, too), costs the same Python function calls."""
    small = the_frames()
    copies = 40

    def many(frame: pl.DataFrame, *, longer: bool = False) -> pl.DataFrame:
        out = pl.concat(
            [frame.with_columns(pl.col("employee_id") + f"-{k}") for k in range(copies)]
        )
        return out.with_columns(pl.col("end") + pl.duration(days=20)) if longer else out

    big = Frames.from_dict(
        {
            **small.as_dict(),
            "employees": many(small.employees),
            "employments": many(small.employments),
            "worked": many(small.worked),
            "shifts": many(small.shifts),
            "absences": many(small.absences, longer=True),
        }
    )
    assert big.worked.height == copies * small.worked.height
    req = FigureRequest.make(D, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30))
    _python_calls(small, req)  # imports and first-use caches
    assert _python_calls(big, req) == _python_calls(small, req)
