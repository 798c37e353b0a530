"""coverage: concurrent hours computed by hand."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.figures.helpers import frames, ts
from timbalans.figures.concurrency import concurrent_hours
from timbalans.figures.coverage import COLUMNS, coverage
from timbalans.figures.registry import FigureRequest

CASES = [
    {"case_id": "51470", "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"}
]
# double assistance 0.07 h/week: 0.07 x 181 days / 7 = 1.81 h in January-June
DECISIONS = [
    {
        "case_id": "51470",
        "payer": "FK",
        "hours_per_week": 70.0,
        "double_hours_per_week": 0.07,
        "valid_from": "2025-01-01",
        "valid_to": "2025-12-31",
        "period_start": "2025-01-01",
    }
]
D = date(2025, 3, 31)


def w(employee, start, end):
    return {
        "case_id": "51470",
        "employee_id": employee,
        "start": start,
        "end": end,
        "time_type": "ordinary",
    }


def p(employee, start, end, kind="assistance"):
    return {"case_id": "51470", "employee_id": employee, "start": start, "end": end, "kind": kind}


def run(worked=(), shifts=(), as_of=D):
    f = frames(cases=CASES, decisions=DECISIONS, worked=list(worked), shifts=list(shifts))
    t = coverage(f, FigureRequest.make(as_of))
    assert t.columns == list(COLUMNS)
    return t.row(0, named=True)


def test_concurrent_hours_count_distinct_people_and_open_shifts():
    r = run(
        worked=[
            w("E1", "2025-01-10 07:00", "2025-01-10 16:00"),
            w("E1", "2025-01-10 15:00", "2025-01-10 17:00"),  # E1 again: one person, 07-17
            w("E2", "2025-01-10 12:00", "2025-01-10 20:00"),
            w("E3", "2025-01-10 13:00", "2025-01-10 14:00"),
            w("E3", "2025-04-10 13:00", "2025-04-10 14:00"),  # after D: ignored
            w("E1", "2025-04-10 13:00", "2025-04-10 14:00"),
        ],
        shifts=[
            p("E1", "2025-02-01 08:00", "2025-02-01 16:00"),
            p(None, "2025-02-01 10:00", "2025-02-01 12:00"),  # an open shift is one more person
            p(None, "2025-02-01 11:00", "2025-02-01 13:00"),  # and another
            p("E2", "2025-05-01 08:00", "2025-05-01 09:00"),  # planned after D still counts
            p("E3", "2025-05-01 08:30", "2025-05-01 09:00"),
            p("E4", "2025-05-01 08:00", "2025-05-01 09:00", "on_call"),  # not assistance
        ],
    )
    # worked: 12-13 k=2 (1 h), 13-14 k=3 (2 h), 14-17 k=2 (3 h) = 6 h
    assert r["worked_concurrent_hours"] == pytest.approx(6.0)
    # planned: 10-11 k=2 (1), 11-12 k=3 (2), 12-13 k=2 (1), 1 May 08:30-09 k=2 (0.5) = 4.5 h
    assert r["planned_concurrent_hours"] == pytest.approx(4.5)
    assert r["granted_double_hours"] == pytest.approx(1.81)
    assert r["excess_worked_hours"] == pytest.approx(6.0 - 1.81)
    assert r["excess_planned_hours"] == pytest.approx(4.5 - 1.81)


def test_two_people_through_the_night_when_winter_time_begins_overlap_ten_hours():
    r = run(
        worked=[
            w("E1", "2025-10-25 22:00", "2025-10-26 07:00"),
            w("E2", "2025-10-25 22:00", "2025-10-26 07:00"),
        ],
        as_of=date(2025, 10, 31),
    )
    assert r["worked_concurrent_hours"] == pytest.approx(10.0)
    assert r["granted_double_hours"] == pytest.approx(0.07 * 184 / 7)
    assert r["excess_worked_hours"] == pytest.approx(10.0 - 0.07 * 184 / 7)


def test_excess_is_never_negative():
    r = run(worked=[w("E1", "2025-01-10 07:00", "2025-01-10 16:00")])
    assert r["worked_concurrent_hours"] == 0
    assert r["excess_worked_hours"] == 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 24 * 80), st.integers(1, 24 * 3)), min_size=1, max_size=12)
)
def test_coverage_is_zero_when_only_one_employee_works_the_case(spans):
    base = ts("2025-01-01 00:00")
    worked = [
        w(
            "E1",
            (base + timedelta(hours=a)).strftime("%Y-%m-%d %H:%M"),
            (base + timedelta(hours=a + n)).strftime("%Y-%m-%d %H:%M"),
        )
        for a, n in spans
    ]
    assert run(worked=worked)["worked_concurrent_hours"] == 0


@pytest.mark.parametrize(
    ("period_row", "fraction"),
    [
        (0, 0),  # whole minutes: one integer a row (period, start, length), in minutes
        (0, 1_000_000),  # whole seconds: one integer a row, in seconds
        (0, 250_000),  # a quarter second: period and start in one sort key, in microseconds
        (2**40, 250_000),  # period and time do not fit in 62 bits: sorted by two columns
    ],
)
def test_the_sweep_sorts_exactly_whatever_the_key(period_row, fraction):
    # E1 07:00 to 12:00 + f, E2 from 12:00 + 3f to 20:00 (no overlap, even within one
    # second), E3 13:00-14:00: k = 2 for 1 h.
    noon = ts("2025-01-10 12:00")
    pieces = pl.DataFrame(
        {
            "case_id": ["51470"] * 3,
            "period_start": [date(2025, 1, 1)] * 3,
            "period_row": [period_row] * 3,
            "employee_id": ["E2", "E1", "E3"],  # E2 first: a tie in a whole second goes wrong
            "start": [
                noon + timedelta(microseconds=3 * fraction),
                ts("2025-01-10 07:00"),
                ts("2025-01-10 13:00"),
            ],
            "end": [
                ts("2025-01-10 20:00"),
                noon + timedelta(microseconds=fraction),
                ts("2025-01-10 14:00"),
            ],
        },
        schema_overrides={"period_row": pl.Int64},
    )
    out = concurrent_hours(pieces, "employee_id", "h")
    assert out.rows() == [("51470", date(2025, 1, 1), pytest.approx(1.0, rel=1e-12))]
