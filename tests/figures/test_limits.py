"""limits: the working-time act's limits per employee and month, computed by hand
(docs/figures.md, "limits").

D = 2026-04-30, months February–April 2026, all in unit U1's case C1 (U2's employee X is not
listed for U1's rows):

* A: overtime 07:00–20:00 (13 h) on Mondays 9, 16, 23 February and 2 March;
* B: overtime 07:00–17:15 (10.25 h) on 1, 8, 15, 22 and 29 April (one per ISO week);
* C: additional time 07:00–17:00 (10 h) every weekday 2–27 February (20 days) and on 2 March;
* R: 10 March 14:00–23:00, 11 March 07:00–15:00 (8 h rest across midnight);
  every day 16–22 March (ISO week 2026-W12) 08:00–16:00.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.figures.helpers import frames, worked_row
from timbalans.figures.limits import COLUMNS, limits
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import FigureSettings

D = date(2026, 4, 30)
UNITS = [
    {"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"},
    {"unit_id": "U2", "name": "PA Syd", "cost_center": "81516"},
]
CASES = [{"case_id": "C1", "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"}]
HOME = {"A": "U1", "B": "U1", "C": "U1", "R": "U1", "X": "U2"}


def _weekdays(first: date, last: date) -> list[date]:
    return [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + timedelta(days=i)).weekday() < 5
    ]


WORKED = [
    *[
        worked_row("C1", "A", f"2026-{d} 07:00", f"2026-{d} 20:00", time_type="overtime_simple")
        for d in ("02-09", "02-16", "02-23", "03-02")
    ],
    *[
        worked_row("C1", "B", f"2026-{d} 07:00", f"2026-{d} 17:15", time_type="overtime_qualified")
        for d in ("04-01", "04-08", "04-15", "04-22", "04-29")
    ],
    *[
        worked_row("C1", "C", f"{d} 07:00", f"{d} 17:00", time_type="additional")
        for d in [*_weekdays(date(2026, 2, 2), date(2026, 2, 27)), date(2026, 3, 2)]
    ],
    worked_row("C1", "R", "2026-03-10 14:00", "2026-03-10 23:00"),
    worked_row("C1", "R", "2026-03-11 07:00", "2026-03-11 15:00"),
    *[
        worked_row("C1", "R", f"2026-03-{day} 08:00", f"2026-03-{day} 16:00")
        for day in range(16, 23)
    ],
    worked_row("C1", "X", "2026-03-10 14:00", "2026-03-10 23:00"),
]


def run(settings=None, as_of=D, **scope):
    f = frames(
        units=UNITS,
        cases=CASES,
        employees=[{"employee_id": e, "unit_id": u} for e, u in HOME.items()],
        worked=WORKED,
    )
    if scope:
        f = f.scoped(**scope)
    req = FigureRequest.make(as_of, date_from=date(2026, 2, 1), date_to=as_of, settings=settings)
    return {(r["employee_id"], r["month"]): r for r in limits(f, req).iter_rows(named=True)}


def test_it_has_the_spec_columns_and_a_row_per_employee_and_month_worked():
    f = frames(units=UNITS, cases=CASES, worked=WORKED[:1])
    table = limits(f, FigureRequest.make(D, date_from=date(2026, 2, 1)))
    assert tuple(table.columns) == COLUMNS
    assert sorted(run()) == [
        ("A", "2026-02"),
        ("A", "2026-03"),
        ("B", "2026-04"),
        ("C", "2026-02"),
        ("C", "2026-03"),
        ("R", "2026-03"),
        ("X", "2026-03"),
    ]


def test_four_weeks_of_overtime_over_48_hours_is_a_breach_in_the_month_the_window_ends():
    rows = run()
    feb, mar = rows["A", "2026-02"], rows["A", "2026-03"]
    assert feb["overtime_hours"] == pytest.approx(39.0)
    assert feb["overtime_ytd_hours"] == pytest.approx(39.0)
    # Windows ending in February: weeks ending 15 and 22 February (13, 26 h).
    assert feb["overtime_4w_max_hours"] == pytest.approx(26.0)
    assert feb["limit_breach"] is None
    assert mar["overtime_hours"] == pytest.approx(13.0)
    assert mar["overtime_ytd_hours"] == pytest.approx(52.0)
    # The week of 2 March ends Sunday 8 March: 9, 16, 23 February and 2 March = 52 h.
    assert mar["overtime_4w_max_hours"] == pytest.approx(52.0)
    assert mar["limit_breach"] == "overtime_4w"


def test_more_than_50_hours_of_overtime_in_a_month_is_a_breach_without_a_4_week_one():
    apr = run()["B", "2026-04"]
    assert apr["overtime_hours"] == pytest.approx(5 * 10.25)  # 51.25
    assert apr["overtime_4w_max_hours"] == pytest.approx(4 * 10.25)  # 41: one day per week
    assert apr["limit_breach"] == "overtime_month"


def test_additional_time_is_a_breach_only_above_200_hours_in_the_year():
    rows = run()
    assert rows["C", "2026-02"]["additional_ytd_hours"] == pytest.approx(200.0)
    assert rows["C", "2026-02"]["limit_breach"] is None
    assert rows["C", "2026-03"]["additional_ytd_hours"] == pytest.approx(210.0)
    assert rows["C", "2026-03"]["limit_breach"] == "additional_year"
    assert rows["C", "2026-03"]["overtime_hours"] == 0.0


def test_the_yearly_overtime_limit_is_a_setting():
    rows = run(FigureSettings(limit_overtime_year_hours=50.0))
    assert rows["A", "2026-02"]["limit_breach"] is None  # 39 h
    assert rows["A", "2026-03"]["limit_breach"] == "overtime_4w, overtime_year"  # 52 h


def test_rest_breaches_are_a_short_night_across_midnight_and_a_week_without_36_hours():
    mar = run()["R", "2026-03"]
    # 10 March 14:00 + 24 h: the longest rest is 23:00–07:00 = 8 h. Week 12: 16 h at most.
    assert mar["rest_breaches"] == "2026-03-10, 2026-W12"
    assert mar["limit_breach"] is None


def test_eleven_hours_of_rest_is_enough():
    rows = run(FigureSettings(daily_rest_hours=8.0, weekly_rest_hours=16.0))
    assert rows["R", "2026-03"]["rest_breaches"] is None


def test_work_after_d_is_not_counted():
    rows = run(as_of=date(2026, 4, 28))
    assert rows["B", "2026-04"]["overtime_hours"] == pytest.approx(4 * 10.25)
    assert rows["B", "2026-04"]["limit_breach"] is None


def test_rows_are_the_employees_of_the_visible_units():
    rows = run(units={"U1"})
    assert ("X", "2026-03") not in rows  # X worked in U1's case but belongs to U2
    assert {r["unit_id"] for r in rows.values()} == {"U1"}
    x = run()["X", "2026-03"]
    assert x["unit_id"] == "U2"
    assert x["rest_breaches"] is None  # 10 March alone: free from 23:00 on


def test_the_settings_file_has_the_limits_and_a_file_can_change_them(tmp_path):
    from timbalans.figures.settings import load_settings

    own = tmp_path / "egna.toml"
    own.write_text("[limits]\ndaily_rest_hours = 9\n", encoding="utf-8")
    assert load_settings(own).daily_rest_hours == 9.0
    loaded = load_settings()
    assert (loaded.limit_overtime_4w_hours, loaded.limit_overtime_month_hours) == (48.0, 50.0)
    assert (loaded.limit_overtime_year_hours, loaded.limit_additional_year_hours) == (200.0, 200.0)
    assert (loaded.daily_rest_hours, loaded.weekly_rest_hours) == (11.0, 36.0)
