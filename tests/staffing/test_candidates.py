"""Candidates' state from canonical frames: employments, the month's hours, commitments,
absences and the cases they know."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.figures.helpers import frames, shift_row, worked_row
from timbalans.figures.settings import load_settings
from timbalans.staffing.candidates import instance_from_frames, narrow
from timbalans.staffing.instance import Config

AS_OF = dt.date(2026, 3, 10)  # a Tuesday


def data():
    return frames(
        units=[
            {"unit_id": "U1", "name": "Norr", "cost_center": "1", "department": "D1"},
            {"unit_id": "U2", "name": "Syd", "cost_center": "2", "department": "D2"},
        ],
        cases=[
            {
                "case_id": "C1",
                "unit_id": "U1",
                "service": "assistans_sfb",
                "start_date": "2024-01-01",
            },
            {
                "case_id": "C2",
                "unit_id": "U2",
                "service": "assistans_sfb",
                "start_date": "2024-01-01",
            },
        ],
        employees=[
            {"employee_id": "E1", "unit_id": "U1"},
            {"employee_id": "E2", "unit_id": "U1"},
            {"employee_id": "E3", "unit_id": "U2"},
            {"employee_id": "E4", "unit_id": "U2"},
        ],
        employments=[
            {
                "employee_id": "E1",
                "form": "monthly_permanent",
                "employment_rate": 75.0,
                "monthly_salary": 30000.0,
                "valid_from": "2020-01-01",
            },
            {
                "employee_id": "E2",
                "form": "hourly",
                "hourly_wage": 160.0,
                "valid_from": "2020-01-01",
            },
            {
                "employee_id": "E3",
                "form": "monthly_permanent",
                "employment_rate": 100.0,
                "monthly_salary": 30000.0,
                "valid_from": "2020-01-01",
            },
            {
                "employee_id": "E4",
                "form": "monthly_permanent",
                "employment_rate": 100.0,
                "monthly_salary": 30000.0,
                "valid_from": "2020-01-01",
            },
        ],
        worked=[
            worked_row("C1", "E1", "2026-03-02 07:00", "2026-03-02 15:00"),
            worked_row("C1", "E1", "2026-03-03 07:00", "2026-03-03 15:00"),
            worked_row("C1", "E1", "2026-03-05 16:00", "2026-03-05 20:00", time_type="additional"),
            worked_row("C1", "E1", "2026-03-09 07:00", "2026-03-09 15:00"),
            worked_row("C1", "E4", "2026-02-01 07:00", "2026-02-01 15:00"),
            worked_row("C2", "E3", "2026-03-09 07:00", "2026-03-09 15:00"),
        ],
        shifts=[
            {**shift_row("C1", None, "2026-03-11 15:00", "2026-03-11 23:00"), "shift_id": "OPEN"},
            {**shift_row("C1", "E1", "2026-03-11 07:00", "2026-03-11 12:00"), "shift_id": "B1"},
            {**shift_row("C1", "E1", "2026-03-13 07:00", "2026-03-13 15:00"), "shift_id": "B2"},
        ],
        absences=[
            {
                "employee_id": "E1",
                "start": "2026-03-13 00:00",
                "end": "2026-03-14 00:00",
                "type": "sick",
            }
        ],
    )


def build(**config):
    return instance_from_frames(
        data(),
        as_of=AS_OF,
        settings=load_settings(),
        config=Config(**config),
        first=dt.date(2026, 3, 11),
        last=dt.date(2026, 3, 11),
    )


def test_the_pool_is_the_department_and_staff_known_to_the_case():
    inst = build()
    assert [s.id for s in inst.shifts] == ["OPEN"]
    # E3 is in another department; E4 too, but worked in C1 on 1 February.
    assert [c.employee_id for c in inst.candidates] == ["E1", "E2", "E4"]


def test_the_month_holds_contracted_absent_worked_and_planned_hours():
    e1 = next(c for c in build().candidates if c.employee_id == "E1")
    march = e1.months["2026-03"]
    assert march.contracted_hours == pytest.approx(0.75 * 40 * 31 / 7)
    assert march.full_time_hours == pytest.approx(40 * 31 / 7)
    assert march.absence_hours == pytest.approx(8.0)  # the planned shift during the absence
    assert march.worked_ordinary_hours == pytest.approx(24.0)
    assert march.additional_hours == pytest.approx(4.0)
    assert march.planned_hours == pytest.approx(5.0)  # 11 March; 13 March is during absence
    assert march.unused_hours == pytest.approx(0.75 * 40 * 31 / 7 - 8 - 29)
    assert march.additional_room_hours == pytest.approx(40 * 31 / 7 * 0.25 - 4)
    employment = e1.employments[0]
    assert employment.form == "monthly"
    assert employment.hourly_cost_basis == pytest.approx(30000 / (40 * 52 / 12))


def test_overtime_and_mertid_worked_this_year_count_against_the_caps():
    e1 = next(c for c in build().candidates if c.employee_id == "E1")
    got = [(w.start.strftime("%m-%d %H:%M"), w.hours, w.time_type) for w in e1.capped_work]
    assert got == [("03-05 16:00", 4.0, "additional")]


def test_commitments_are_worked_time_up_to_d_and_booked_plans_after_it():
    e1 = next(c for c in build().candidates if c.employee_id == "E1")
    got = [(b.start.strftime("%m-%d %H:%M"), b.end.strftime("%H:%M"), b.source) for b in e1.busy]
    # From Saturday 7 March on; the shift on 13 March is during a full absence: left out.
    assert sorted(got) == [("03-09 07:00", "15:00", "worked"), ("03-11 07:00", "12:00", "planned")]
    assert [(a.type, a.start.date().isoformat()) for a in e1.absences] == [("sick", "2026-03-13")]


def test_the_cases_they_know_with_the_last_day_and_booked_days():
    by_id = {c.employee_id: c for c in build().candidates}
    history = by_id["E1"].cases["C1"]
    assert history.last_worked == dt.date(2026, 3, 9)
    assert history.planned_dates == [dt.date(2026, 3, 11)]
    assert history.worked_hours == pytest.approx(28.0)  # 8 + 8 + 4 + 8, within 90 days
    assert by_id["E4"].cases["C1"].last_worked == dt.date(2026, 2, 1)
    assert by_id["E2"].cases == {}


def test_a_shorter_window_forgets_staff_who_were_there_long_ago():
    from timbalans.staffing.instance import CaseRule

    inst = build(cases={"C1": CaseRule(window_days=14)})
    assert [c.employee_id for c in inst.candidates] == ["E1", "E2"]


def test_narrowed_frames_hold_only_those_employees_and_are_the_same_for_everyone():
    f = data()
    some = narrow(f, pl.Series(["E1", "E3"]))
    assert sorted(some.employees["employee_id"]) == ["E1", "E3"]
    assert sorted(set(some.employments["employee_id"])) == ["E1", "E3"]
    mine = f.worked.filter(pl.col("employee_id").is_in(["E1", "E3"]))
    assert 0 < some.worked.height == mine.height < f.worked.height
    assert narrow(f, pl.Series(["E1", "E2", "E3", "E4", "X"])) is f
