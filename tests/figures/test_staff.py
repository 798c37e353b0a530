"""Shared staff rules: a monthly and an hourly employment at once (data.md, employments).

E1 holds a 50 % monthly employment (40 h full time, 31 200 kr: cost basis 180 kr/h; contracted
time per calendar day 0.5 × 40 / 7 = 2.857 h) and, from 2026-03-01, an hourly one at 200 kr/h.
Holiday pay 12 %, simple overtime factor 1.8 (the shipped rates).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.figures.helpers import frames, shift_row, ts, worked_row
from timbalans.core.intervals import TIMESTAMP
from timbalans.figures import staff
from timbalans.figures.overtime import overtime
from timbalans.figures.registry import FigureRequest
from timbalans.figures.staff import interval_pairs, worked_categories, worked_classified

D = date(2026, 3, 31)
EMPLOYMENTS = [
    {
        "employee_id": "E1",
        "form": "monthly_permanent",
        "employment_rate": 50.0,
        "monthly_salary": 31200.0,
        "valid_from": "2025-01-01",
    },
    {"employee_id": "E1", "form": "hourly", "hourly_wage": 200.0, "valid_from": "2026-03-01"},
]
WORKED = [
    # 2026-02-27, before the hourly employment: all 8 h monthly ordinary time
    worked_row("C1", "E1", "2026-02-27 08:00", "2026-02-27 16:00"),
    # 2026-03-02: planned 08-14 (6 h), worked 08-16: 6 h monthly, 2 h (14-16) hourly
    worked_row("C1", "E1", "2026-03-02 08:00", "2026-03-02 16:00"),
    # 2026-03-03: not planned, worked 10-14 (4 h) with a 30 min break: 3.5 h, of which the
    # contracted 20/7 = 2.857 h monthly, 0.643 h hourly; then 1 h overtime stays monthly
    worked_row("C1", "E1", "2026-03-03 10:00", "2026-03-03 14:00", brk=30),
    worked_row("C1", "E1", "2026-03-03 14:00", "2026-03-03 15:00", time_type="overtime_simple"),
]
SHIFTS = [shift_row("C1", "E1", "2026-03-02 08:00", "2026-03-02 14:00")]


def the_frames():
    return frames(
        units=[{"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"}],
        cases=[
            {
                "case_id": "C1",
                "unit_id": "U1",
                "service": "assistans_sfb",
                "start_date": "2024-01-01",
            }
        ],
        employees=[{"employee_id": "E1", "unit_id": "U1"}],
        employments=EMPLOYMENTS,
        shifts=SHIFTS,
        worked=WORKED,
    )


def test_ordinary_time_beyond_the_planned_time_goes_to_the_hourly_employment():
    req = FigureRequest.make(D)
    got = worked_classified(the_frames(), D, req.settings, date(2026, 2, 1), D)
    by = {
        (r["date"], r["category"]): r
        for r in got.group_by("date", "category")
        .agg(
            hours=pl.col("hours").sum(),
            start=pl.col("start").min(),
        )
        .collect()
        .iter_rows(named=True)
    }
    assert by[date(2026, 2, 27), "ordinary"]["hours"] == pytest.approx(8.0)
    assert (date(2026, 2, 27), "hourly") not in by
    assert by[date(2026, 3, 2), "ordinary"]["hours"] == pytest.approx(6.0)
    assert by[date(2026, 3, 2), "hourly"]["hours"] == pytest.approx(2.0)
    # the hourly part is the end of the piece: from 14:00
    assert by[date(2026, 3, 2), "hourly"]["start"].hour == 14
    assert by[date(2026, 3, 3), "ordinary"]["hours"] == pytest.approx(20 / 7)
    assert by[date(2026, 3, 3), "hourly"]["hours"] == pytest.approx(3.5 - 20 / 7)
    assert by[date(2026, 3, 3), "overtime"]["hours"] == pytest.approx(1.0)


def test_worked_categories_gives_strings_and_the_month_of_each_piece():
    """The kept pieces hold the type, form and category as Enums and no month; the frame
    every reader gets has them as strings, and the month beside the hours."""
    got = worked_categories(the_frames(), D)
    assert got.columns.index("month") == got.columns.index("hours") + 1
    assert {c: got.schema[c] for c in ("time_type", "form_class", "category", "month")} == {
        c: pl.String for c in ("time_type", "form_class", "category", "month")
    }
    assert sorted(
        got.select("month", "date", "time_type", "form_class", "category", "hours").rows()
    ) == [
        ("2026-02", date(2026, 2, 27), "ordinary", "monthly", "ordinary", pytest.approx(8.0)),
        ("2026-03", date(2026, 3, 2), "ordinary", "hourly", "hourly", pytest.approx(2.0)),
        ("2026-03", date(2026, 3, 2), "ordinary", "monthly", "ordinary", pytest.approx(6.0)),
        ("2026-03", date(2026, 3, 3), "ordinary", "hourly", "hourly", pytest.approx(3.5 - 20 / 7)),
        ("2026-03", date(2026, 3, 3), "ordinary", "monthly", "ordinary", pytest.approx(20 / 7)),
        ("2026-03", date(2026, 3, 3), "overtime_simple", "monthly", "overtime", pytest.approx(1.0)),
    ]


def test_the_codes_are_enums_of_their_own_values_and_read_back_as_strings():
    """The kept pieces hold the case and the employee as Enums of the worked rows' own
    values, sorted; their positions among other keys are those of the strings; every
    reader of worked_categories gets the strings back."""
    values = pl.Series("employee_id", ["E1", "E9", None, "E3", "E1"])
    coded = staff.as_enum(values)
    assert coded.dtype == pl.Enum(["E1", "E3", "E9"])
    assert coded.cast(pl.String).to_list() == ["E1", "E9", None, "E3", "E1"]
    keys = pl.Series(["E2", "E1", "E3"])
    assert staff.positions(coded, keys).to_list() == [1, None, None, 2, 1]
    assert staff.positions(values, keys).to_list() == [1, None, None, 2, 1]

    f = the_frames()
    kept = staff._worked_pieces(f, D)
    assert kept.schema["case_id"] == pl.Enum(["C1"])
    assert kept.schema["employee_id"] == pl.Enum(["E1"])
    got = worked_categories(f, D)
    assert (got.schema["case_id"], got.schema["employee_id"]) == (pl.String, pl.String)
    assert set(got.select("case_id", "employee_id").rows()) == {("C1", "E1")}


def test_the_overtime_table_counts_the_hourly_part_as_hourly_staff():
    req = FigureRequest.make(D, date_from=date(2026, 3, 1))
    row = overtime(the_frames(), req).filter(month="2026-03").row(0, named=True)
    hourly = 2.0 + 3.5 - 20 / 7  # 2.642857 h
    assert row["hourly_staff_hours"] == pytest.approx(hourly)
    assert row["hourly_staff_cost"] == pytest.approx(200 * 1.12 * hourly)  # 592.00
    assert row["overtime_hours"] == pytest.approx(1.0)
    assert row["overtime_cost"] == pytest.approx(180 * 1.8)  # the monthly basis: 324


def test_case_economics_counts_the_hourly_part_as_hourly_staff_time():
    from timbalans.figures.case_economics import case_economics

    req = FigureRequest.make(D, date_from=date(2026, 3, 1))
    table = case_economics(the_frames(), req)
    row = table.filter(case_id="C1", month="2026-03").row(0, named=True)
    assert row["worked_hours"] == pytest.approx(12.5)  # 8 + 3.5 + 1
    assert row["hourly_staff_share"] == pytest.approx((2.0 + 3.5 - 20 / 7) / 12.5)


def _intervals(ident: str, rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {ident: i, "case_id": c, "employee_id": e, "start": ts(a), "end": ts(b)}
            for i, (c, e, a, b) in enumerate(rows)
        ],
        schema_overrides={"start": TIMESTAMP, "end": TIMESTAMP},
    )


def test_interval_pairs_match_on_every_key_and_every_day_touched():
    # Left: an absence of E1 over three days (Mon 00:00 to Thu 00:00) and one of E2 in C2.
    left = _intervals(
        "l",
        [
            ("C1", "E1", "2026-03-02 00:00", "2026-03-05 00:00"),
            ("C2", "E2", "2026-03-02 00:00", "2026-03-03 00:00"),
        ],
    )
    right = _intervals(
        "r",
        [
            ("C1", "E1", "2026-03-01 22:00", "2026-03-02 06:00"),  # 0: over midnight: 6 h in
            ("C1", "E1", "2026-03-04 08:00", "2026-03-04 16:00"),  # 1: the third day: 8 h
            ("C1", "E1", "2026-03-05 00:00", "2026-03-05 08:00"),  # 2: touches the end: no
            ("C2", "E1", "2026-03-03 08:00", "2026-03-03 16:00"),  # 3: other case: no
            ("C2", "E2", "2026-03-02 12:00", "2026-03-02 13:00"),  # 4: E2 in C2: 1 h
            ("C2", "E3", "2026-03-02 12:00", "2026-03-02 13:00"),  # 5: E3, not in left: no
            ("C1", None, "2026-03-02 12:00", "2026-03-02 13:00"),  # 6: no employee: no
        ],
    )
    pairs = interval_pairs(left, right, on=["case_id", "employee_id"], left_id="l", right_id="r")
    assert sorted(pairs.rows()) == [
        (0, 0, ts("2026-03-02 00:00"), ts("2026-03-02 06:00")),
        (0, 1, ts("2026-03-04 08:00"), ts("2026-03-04 16:00")),
        (1, 4, ts("2026-03-02 12:00"), ts("2026-03-02 13:00")),
    ]


_H = 3600 * 1_000_000
_EPOCH = datetime(2026, 3, 27, 23, tzinfo=UTC)  # 2026-03-28 00:00 in Stockholm
_SPAN = st.tuples(
    st.sampled_from(["A", "B", None]),
    st.integers(0, 4 * 24 * 3600 * 1_000_000),  # start: µs after the epoch, within 4 days
    st.integers(0, 2 * 24 * 3600 * 1_000_000),  # length, 0 included
)


def _spans(ident: str, rows: list[tuple]) -> pl.DataFrame:
    # Instants made in UTC: a local time in the hour skipped in spring does not exist.
    return pl.DataFrame(
        {
            ident: list(range(len(rows))),
            "employee_id": [k for k, _, _ in rows],
            "start": [_EPOCH + timedelta(microseconds=a) for _, a, _ in rows],
            "end": [_EPOCH + timedelta(microseconds=a + n) for _, a, n in rows],
        },
        schema_overrides={"start": pl.Datetime("us", "UTC"), "end": pl.Datetime("us", "UTC")},
    ).with_columns(pl.col("start", "end").dt.convert_time_zone("Europe/Stockholm"))


@settings(max_examples=80, deadline=None)
@given(st.lists(_SPAN, max_size=8), st.lists(_SPAN, max_size=30))
# A long interval with a short one inside it: the short one ends before the interval that
# overlaps only the long one begins.
@example([("A", 0, 10 * _H), ("A", _H, _H)], [("A", 5 * _H, _H), ("B", 0, _H), ("B", 0, _H)])
def test_interval_pairs_are_every_pair_that_overlaps(left_rows, right_rows):
    """Against every pair checked one by one: overlapping intervals of one key (within the
    second, across the change to summer time, the larger frame on either side; the key a
    string or already an integer code)."""
    left, right = _spans("l", left_rows), _spans("r", right_rows)
    want = sorted(
        (a["l"], b["r"], max(a["start"], b["start"]), min(a["end"], b["end"]))
        for a in left.iter_rows(named=True)
        for b in right.iter_rows(named=True)
        if a["employee_id"] is not None
        and a["employee_id"] == b["employee_id"]
        and max(a["start"], b["start"]) < min(a["end"], b["end"])
    )
    # As codes: B's (2) is beyond the codes of a side with only A's (0).
    coded = (
        pl.when(pl.col("employee_id") == "A")
        .then(0)
        .when(pl.col("employee_id") == "B")
        .then(2)
        .cast(pl.UInt32)
        .alias("employee_id")
    )
    for a, b in ((left, right), (left.with_columns(coded), right.with_columns(coded))):
        for one, other, ids in ((a, b, ("l", "r")), (b, a, ("r", "l"))):
            pairs = interval_pairs(one, other, on=["employee_id"], left_id=ids[0], right_id=ids[1])
            got = sorted(pairs.select("l", "r", "ov_start", "ov_end").rows())
            assert got == want


def test_frames_with_other_worked_rows_share_the_absence_hours_per_day(monkeypatch):
    """A month of the backtest has the staff's frames less some worked rows: the absence
    hours per day (not a matter of worked rows) are computed once for both."""
    source = frames(
        employees=[{"employee_id": "M", "unit_id": "U1"}],
        employments=[
            {
                "employee_id": "M",
                "form": "monthly_permanent",
                "employment_rate": 100.0,
                "monthly_salary": 34000.0,
                "valid_from": "2025-01-01",
            }
        ],
        absences=[
            {
                "employee_id": "M",
                "type": "sick",
                "start": "2026-03-02 00:00",
                "end": "2026-03-03 00:00",
            }
        ],
        worked=[worked_row("C1", "M", "2026-03-04 07:00", "2026-03-04 15:00")],
    )
    target = replace(source, worked=source.worked.clear())
    computed = []
    real = staff._absence_day_hours_all
    monkeypatch.setattr(staff, "_absence_day_hours_all", lambda f: computed.append(f) or real(f))
    staff.share_absence_days(source, target)
    monday = date(2026, 3, 2)
    # Full time, no planned shifts: the contracted 40 h a week over its seven days, 40/7 h.
    assert staff.absence_day_hours(target, monday, monday)["hours"].to_list() == [40 / 7]
    assert staff.absence_day_hours(source, monday, monday)["hours"].to_list() == [40 / 7]
    assert computed == [source]
