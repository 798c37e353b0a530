import datetime as dt

import polars as pl
import pytest

from timbalans.core.intervals import split_at, with_hours
from timbalans.core.spells import (
    day_number_cuts,
    occasions_in_window,
    sick_days,
    sick_spells,
    twelve_months_ending,
)

from ._util import local

D = dt.date


def absences(*rows: tuple) -> pl.DataFrame:
    """Rows (employee_id, first day, last day inclusive[, type]) as half-open timestamps."""
    out = []
    for r in rows:
        emp, first, last = r[0], D.fromisoformat(r[1]), D.fromisoformat(r[2])
        kind = r[3] if len(r) > 3 else "sick"
        out.append(
            {
                "employee_id": emp,
                "start": f"{first} 00:00",
                "end": f"{last + dt.timedelta(days=1)} 00:00",
                "type": kind,
                "whole_days": True,
            }
        )
    return local(pl.DataFrame(out), "start", "end")


def spans(s: pl.DataFrame) -> list[tuple[str, str]]:
    return [(a.isoformat(), b.isoformat()) for a, b in zip(s["start"], s["end"], strict=True)]


def test_overlapping_and_touching_rows_merge_into_one_spell():
    s = sick_spells(
        absences(
            ("E", "2025-03-03", "2025-03-07"),
            ("E", "2025-03-05", "2025-03-10"),  # overlaps
            ("E", "2025-03-11", "2025-03-12"),  # touches (starts the day after)
        )
    )
    assert spans(s) == [("2025-03-03", "2025-03-12")]
    assert s["days"].to_list() == [10]
    assert s["last_day_number"].to_list() == [10]


def test_rows_given_in_any_order_and_a_contained_row_merge():
    s = sick_spells(
        absences(
            ("E", "2025-03-05", "2025-03-06"),
            ("E", "2025-03-01", "2025-03-20"),
            ("E", "2025-03-21", "2025-03-21"),
        )
    )
    assert spans(s) == [("2025-03-01", "2025-03-21")]


def test_a_gap_of_two_days_is_a_new_occasion_continuing_the_day_count():
    # Sick Mar 3-5, healthy Mar 6-7, sick again Mar 8-10.
    s = sick_spells(absences(("E", "2025-03-03", "2025-03-05"), ("E", "2025-03-08", "2025-03-10")))
    assert spans(s) == [("2025-03-03", "2025-03-05"), ("2025-03-08", "2025-03-10")]
    assert s["new_occasion"].to_list() == [True, True]
    assert s["new_sick_period"].to_list() == [True, False]
    assert s["sick_period_no"].to_list() == [1, 1]
    assert s["first_day_number"].to_list() == [1, 4]
    assert s["last_day_number"].to_list() == [3, 6]
    days = sick_days(s)
    assert days["day_number"].to_list() == [1, 2, 3, 4, 5, 6]


def test_a_gap_of_six_days_starts_a_new_sick_period():
    # Sick Mar 3-5, healthy Mar 6-11 (6 days), sick again Mar 12-14.
    s = sick_spells(absences(("E", "2025-03-03", "2025-03-05"), ("E", "2025-03-12", "2025-03-14")))
    assert s["new_sick_period"].to_list() == [True, True]
    assert s["sick_period_no"].to_list() == [1, 2]
    assert s["first_day_number"].to_list() == [1, 1]


def test_the_five_day_rule_edge():
    s = sick_spells(
        absences(
            ("A", "2025-03-03", "2025-03-05"),
            ("A", "2025-03-10", "2025-03-10"),  # starts 5 days after Mar 5: continues
            ("B", "2025-03-03", "2025-03-05"),
            ("B", "2025-03-11", "2025-03-11"),  # starts 6 days after: a new period
        )
    )
    assert s.filter(employee_id="A")["first_day_number"].to_list() == [1, 4]
    assert s.filter(employee_id="B")["first_day_number"].to_list() == [1, 1]


def test_day_numbers_split_short_long_and_day_60_on():
    # 10 days, 3 healthy days, then 60 days: numbers 1-10 and 11-70.
    s = sick_spells(absences(("E", "2025-01-01", "2025-01-10"), ("E", "2025-01-14", "2025-03-14")))
    assert s["first_day_number"].to_list() == [1, 11]
    assert s["last_day_number"].to_list() == [10, 70]
    days = sick_days(s)
    assert days.height == 70
    assert days.filter(pl.col("day_number") <= 14).height == 14
    assert days.filter(pl.col("day_number") >= 15).height == 56
    assert days.filter(pl.col("day_number") >= 60).height == 11
    # Day 15 is the 5th day of the second spell; day 60 its 50th.
    cuts = day_number_cuts(s)
    assert cuts.rows() == [("E", 15, D(2025, 1, 18)), ("E", 60, D(2025, 3, 4))]


def test_day_number_cuts_split_absence_hours_into_bands():
    # A 20-day absence with 160 absent hours given: days 1-14 get 14/20 of the elapsed time.
    abs_ = absences(("E", "2025-02-01", "2025-02-20")).with_columns(hours=pl.lit(160.0))
    s = sick_spells(abs_)
    pieces = split_at(
        abs_,
        day_number_cuts(s).select("employee_id", "at"),
        by="employee_id",
        break_col=None,
        proportional=["hours"],
        hours_col="elapsed",
    )
    assert pieces["elapsed"].to_list() == [14 * 24.0, 6 * 24.0]
    assert pieces["hours"].to_list() == pytest.approx([112.0, 48.0])


def test_other_absence_types_and_part_days_are_handled():
    df = local(
        pl.DataFrame(
            {
                "employee_id": ["E", "E", "E"],
                "start": ["2025-05-05 13:00", "2025-05-06 00:00", "2025-05-07 08:00"],
                "end": ["2025-05-05 16:00", "2025-05-07 00:00", "2025-05-07 12:00"],
                "type": ["sick", "vacation", "sick"],
            }
        ),
        "start",
        "end",
    )
    s = sick_spells(df)
    # The vacation day is not sick: May 5 and May 7 are two spells one day apart.
    assert spans(s) == [("2025-05-05", "2025-05-05"), ("2025-05-07", "2025-05-07")]
    assert s["first_day_number"].to_list() == [1, 2]


def test_the_sixth_occasion_in_twelve_months():
    rows = [
        ("E", "2024-06-28", "2024-06-28"),  # outside the 12 months ending 2025-06-30
        ("E", "2024-07-01", "2024-07-02"),
        ("E", "2024-09-10", "2024-09-10"),
        ("E", "2024-11-04", "2024-11-06"),
        ("E", "2025-01-20", "2025-01-20"),
        ("E", "2025-03-03", "2025-03-05"),
        ("E", "2025-03-08", "2025-03-09"),  # continues the sick period, still an occasion
        ("F", "2025-02-01", "2025-02-03"),
        ("F", "2025-02-04", "2025-02-05"),  # touches: same occasion
    ]
    s = sick_spells(absences(*rows))
    first, last = twelve_months_ending(D(2025, 6, 30))
    assert (first, last) == (D(2024, 7, 1), D(2025, 6, 30))
    occ = occasions_in_window(s, first, last)
    assert occ.rows() == [("E", 6), ("F", 1)]
    assert occasions_in_window(s, D(2025, 7, 1), D(2025, 12, 31)).height == 0


def test_twelve_months_ending_a_leap_day():
    assert twelve_months_ending(D(2024, 2, 29)) == (D(2023, 3, 1), D(2024, 2, 29))


def test_no_sick_rows_give_empty_frames():
    s = sick_spells(absences(("E", "2025-03-03", "2025-03-05", "vacation")))
    assert s.height == 0
    assert sick_days(s).height == 0
    assert day_number_cuts(s).height == 0
    assert with_hours(absences(("E", "2025-03-03", "2025-03-05")), break_col=None)[
        "hours"
    ].to_list() == [72.0]


def test_date_columns_with_an_inclusive_end_are_accepted():
    df = pl.DataFrame(
        {
            "employee_id": ["E", "E"],
            "start": [D(2025, 3, 3), D(2025, 3, 6)],
            "end": [D(2025, 3, 5), D(2025, 3, 6)],
            "type": ["sick", "sick"],
        }
    )
    s = sick_spells(df)
    assert spans(s) == [("2025-03-03", "2025-03-06")]
    assert s["days"].to_list() == [4]
