import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timbalans.core.intervals import (
    TIMESTAMP,
    TZ,
    ZONE,
    cut_off_after,
    cut_off_before,
    local_date,
    local_dates,
    midnight_after,
    period_pieces,
    split_at,
    split_at_as_of,
    split_at_days,
    split_at_months,
    split_at_periods,
    split_months_fast,
    with_hours,
)
from timbalans.core.periods import add_months

from ._util import local, shifts, wall

D = dt.date

# ------------------------------------------------------------------ hours of one interval


def test_a_night_shift_over_the_change_to_summer_time_is_8_hours():
    df = with_hours(shifts(("A", "2025-03-29 22:00", "2025-03-30 07:00", 0)))
    assert df["hours"].to_list() == [8.0]


def test_a_night_shift_over_the_change_to_winter_time_is_10_hours():
    df = with_hours(shifts(("A", "2025-10-25 22:00", "2025-10-26 07:00", 0)))
    assert df["hours"].to_list() == [10.0]


def test_dst_nights_of_2026_and_the_break_is_subtracted():
    df = with_hours(
        shifts(
            ("A", "2026-03-28 22:00", "2026-03-29 07:00", 30),
            ("A", "2026-10-24 22:00", "2026-10-25 07:00", 30),
            ("A", "2026-06-01 08:00", "2026-06-01 17:00", 45),
        )
    )
    assert df["hours"].to_list() == [7.5, 9.5, 8.25]


def test_with_hours_works_without_a_break_column():
    df = shifts(("A", "2025-03-29 22:00", "2025-03-30 07:00", 0)).drop("break_minutes")
    assert with_hours(df)["hours"].to_list() == [8.0]


# ------------------------------------------------------------------ month boundaries


def test_a_shift_over_a_month_boundary_splits_its_break_in_proportion():
    df = split_at_months(shifts(("A", "2025-01-31 20:00", "2025-02-01 04:00", 60)))
    assert wall(df, "start") == ["2025-01-31 20:00", "2025-02-01 00:00"]
    assert wall(df, "end") == ["2025-02-01 00:00", "2025-02-01 04:00"]
    assert df["break_minutes"].to_list() == [30.0, 30.0]
    assert df["hours"].to_list() == [3.5, 3.5]
    assert df["month"].to_list() == ["2025-01", "2025-02"]
    assert df["case_id"].to_list() == ["A", "A"]


def test_an_uneven_split_gives_each_piece_its_share_of_the_break():
    # 2 h before midnight, 6 h after: the 60 min break splits 15 / 45.
    df = split_at_months(shifts(("A", "2025-04-30 22:00", "2025-05-01 06:00", 60)))
    assert df["break_minutes"].to_list() == [15.0, 45.0]
    assert df["hours"].to_list() == [1.75, 5.25]
    assert df["month"].to_list() == ["2025-04", "2025-05"]


def test_rows_not_crossing_a_month_keep_their_place_and_hours():
    df = split_at_months(
        shifts(
            ("A", "2025-01-10 08:00", "2025-01-10 16:00", 30),
            ("B", "2025-01-31 20:00", "2025-02-01 04:00", 0),
            ("C", "2025-02-01 00:00", "2025-02-01 08:00", 0),  # starts exactly on the boundary
        )
    )
    assert df["case_id"].to_list() == ["A", "B", "B", "C"]
    assert df["hours"].to_list() == [7.5, 4.0, 4.0, 8.0]
    assert df["month"].to_list() == ["2025-01", "2025-01", "2025-02", "2025-02"]


def test_a_long_absence_is_cut_into_every_month_with_its_hours_in_proportion():
    # [2025-03-25, 2025-04-03) spans the change to summer time on 2025-03-30:
    # March piece 7 days - 1 h = 167 h, April piece 48 h.
    df = local(
        pl.DataFrame(
            {
                "employee_id": ["E1"],
                "start": ["2025-03-25 00:00"],
                "end": ["2025-04-03 00:00"],
                "hours": [43.0],
            }
        ),
        "start",
        "end",
    )
    out = split_at_months(df, break_col=None, proportional=["hours"], hours_col="elapsed")
    assert out["elapsed"].to_list() == [167.0, 48.0]
    assert out["hours"].to_list() == pytest.approx([43.0 * 167 / 215, 43.0 * 48 / 215])
    assert out["month"].to_list() == ["2025-03", "2025-04"]


def test_an_interval_over_several_months_gets_a_piece_per_month():
    df = split_at_months(shifts(("A", "2025-01-15 00:00", "2025-04-10 00:00", 0)))
    assert df["month"].to_list() == ["2025-01", "2025-02", "2025-03", "2025-04"]
    # Jan 17 d, Feb 28 d, Mar 31 d less the lost hour, Apr 9 d.
    assert df["hours"].to_list() == [17 * 24.0, 28 * 24.0, 31 * 24.0 - 1, 9 * 24.0]


# ------------------------------------------------------------------ the as-of cut


def test_split_at_as_of_cuts_at_the_end_of_the_day_and_flags_the_rest():
    df = split_at_as_of(
        shifts(
            ("A", "2025-10-25 22:00", "2025-10-26 07:00", 60),  # 10 h of real time
            ("A", "2025-10-25 08:00", "2025-10-25 16:00", 0),
            ("A", "2025-10-26 08:00", "2025-10-26 16:00", 0),
        ),
        dt.date(2025, 10, 25),
    )
    assert wall(df, "start") == [
        "2025-10-25 22:00",
        "2025-10-26 00:00",
        "2025-10-25 08:00",
        "2025-10-26 08:00",
    ]
    # 2 h before midnight, 8 h after (the repeated hour included): break 12 / 48 min.
    assert df["break_minutes"].to_list() == pytest.approx([12.0, 48.0, 0.0, 0.0])
    assert df["hours"].to_list() == pytest.approx([1.8, 7.2, 8.0, 8.0])
    assert df["after_as_of"].to_list() == [False, True, False, True]


def test_midnight_after_is_local_midnight_of_the_next_day():
    cut = midnight_after(dt.date(2025, 3, 29))
    assert cut == dt.datetime(2025, 3, 30, 0, 0, tzinfo=ZONE)
    assert cut.utcoffset() == dt.timedelta(hours=1)


# ------------------------------------------------------------------ settlement periods


PERIODS = pl.DataFrame(
    {
        "case_id": ["A", "A", "B"],
        "period_start": [dt.date(2025, 1, 1), dt.date(2025, 7, 1), dt.date(2025, 3, 15)],
        "period_end": [dt.date(2025, 6, 30), dt.date(2025, 12, 31), dt.date(2025, 9, 14)],
    }
)


def test_a_shift_over_a_settlement_period_boundary_is_split_for_its_case_only():
    df = split_at_periods(
        shifts(
            ("A", "2025-06-30 20:00", "2025-07-01 04:00", 60),
            ("B", "2025-06-30 20:00", "2025-07-01 04:00", 60),
            ("B", "2025-03-14 20:00", "2025-03-15 08:00", 0),
        ),
        PERIODS,
    )
    assert df["case_id"].to_list() == ["A", "A", "B", "B", "B"]
    assert df["hours"].to_list() == [3.5, 3.5, 7.0, 4.0, 8.0]
    assert df["period_start"].to_list() == [
        dt.date(2025, 1, 1),
        dt.date(2025, 7, 1),
        dt.date(2025, 3, 15),
        None,  # before the case's first period
        dt.date(2025, 3, 15),
    ]
    assert df["period_end"].to_list()[:2] == [dt.date(2025, 6, 30), dt.date(2025, 12, 31)]


def test_a_case_without_periods_gets_no_period():
    df = split_at_periods(shifts(("X", "2025-06-30 20:00", "2025-07-01 04:00", 0)), PERIODS)
    assert df.height == 1
    assert df["period_start"].to_list() == [None]


def test_months_periods_and_as_of_compose():
    df = shifts(("A", "2025-06-30 22:00", "2025-07-01 06:00", 48))
    out = split_at_as_of(split_at_periods(split_at_months(df), PERIODS), dt.date(2025, 6, 30))
    assert out.height == 2
    assert out["month"].to_list() == ["2025-06", "2025-07"]
    assert out["after_as_of"].to_list() == [False, True]
    assert out["break_minutes"].to_list() == pytest.approx([12.0, 36.0])
    assert out["hours"].sum() == pytest.approx(7.2)


# ------------------------------------------------------------------ split_at in general


def test_cuts_on_the_bounds_do_nothing_and_duplicates_count_once():
    df = shifts(("A", "2025-05-05 08:00", "2025-05-05 16:00", 0))
    cuts = [
        dt.datetime(2025, 5, 5, 8, tzinfo=ZONE),
        dt.datetime(2025, 5, 5, 16, tzinfo=ZONE),
        dt.datetime(2025, 5, 5, 12, tzinfo=ZONE),
        dt.datetime(2025, 5, 5, 12, tzinfo=ZONE),
    ]
    out = split_at(df, cuts)
    assert wall(out, "start") == ["2025-05-05 08:00", "2025-05-05 12:00"]
    assert out["hours"].to_list() == [4.0, 4.0]


def test_per_row_cuts_from_an_expression():
    df = shifts(
        ("A", "2025-05-05 08:00", "2025-05-05 16:00", 60),
        ("B", "2025-05-06 08:00", "2025-05-06 10:00", 0),
    )
    out = split_at(df, pl.concat_list(pl.col("start") + pl.duration(hours=3)))
    # A is cut at 11:00 (3 h of 8: break 22.5 / 37.5 min); B's cut at 11:00 is after its end.
    assert out["case_id"].to_list() == ["A", "A", "B"]
    assert out["break_minutes"].to_list() == pytest.approx([22.5, 37.5, 0.0])
    assert out["hours"].to_list() == pytest.approx([3 - 22.5 / 60, 5 - 37.5 / 60, 2.0])


def test_cuts_from_a_frame_of_dates_are_local_midnights():
    df = shifts(("A", "2025-03-29 22:00", "2025-03-30 07:00", 0))
    cuts = pl.DataFrame({"case_id": ["A"], "at": [dt.date(2025, 3, 30)]})
    out = split_at(df, cuts, by="case_id")
    assert out["hours"].to_list() == [2.0, 6.0]


def test_null_intervals_are_kept_and_a_lazy_frame_stays_lazy():
    df = shifts(("A", "2025-01-31 20:00", "2025-02-01 04:00", 0)).vstack(
        pl.DataFrame(
            {"case_id": ["B"], "start": [None], "end": [None], "break_minutes": [0]},
            schema={
                "case_id": pl.String,
                "start": TIMESTAMP,
                "end": TIMESTAMP,
                "break_minutes": pl.Int64,
            },
        )
    )
    lazy = split_at_months(df.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    out = lazy.collect()
    assert out["case_id"].to_list() == ["A", "A", "B"]
    assert out["hours"].to_list() == [4.0, 4.0, None]


def test_naive_timestamps_are_refused():
    df = pl.DataFrame({"start": [dt.datetime(2025, 1, 1, 8)], "end": [dt.datetime(2025, 1, 1, 9)]})
    with pytest.raises(TypeError):
        split_at_months(df)


# ------------------------------------------------------------------ properties

BASE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SPAN_MIN = 3 * 366 * 24 * 60  # three years of minutes


def _frame(rows: list[tuple[int, int, int]]) -> pl.DataFrame:
    """(start offset min, duration min, break min) -> a frame of zoned intervals with ids."""
    base = pl.lit(BASE).dt.convert_time_zone(TZ)
    return pl.DataFrame(
        {
            "id": list(range(len(rows))),
            "s": [r[0] for r in rows],
            "d": [r[1] for r in rows],
            "break_minutes": [r[2] for r in rows],
        }
    ).select(
        "id",
        (base + pl.duration(minutes=pl.col("s"))).alias("start"),
        (base + pl.duration(minutes=pl.col("s") + pl.col("d"))).alias("end"),
        "break_minutes",
    )


interval_rows = st.lists(
    st.integers(0, SPAN_MIN).flatmap(
        lambda s: st.integers(0, 90 * 24 * 60).flatmap(
            lambda d: st.tuples(st.just(s), st.just(d), st.integers(0, min(d, 600)))
        )
    ),
    min_size=1,
    max_size=8,
)
cut_offsets = st.lists(st.integers(-60, SPAN_MIN + 100 * 24 * 60), max_size=30)


def _check_pieces(original: pl.DataFrame, pieces: pl.DataFrame) -> None:
    totals = with_hours(original).select("id", "hours", "start", "end")
    agg = pieces.group_by("id").agg(
        pl.col("hours").sum().alias("sum_hours"),
        pl.col("break_minutes").sum().alias("sum_break"),
        pl.col("start").min().alias("first"),
        pl.col("end").max().alias("last"),
        # contiguous: every piece starts where the previous one ended
        (pl.col("start").slice(1) == pl.col("end").slice(0, pl.len() - 1)).all().alias("contig"),
        (pl.col("end") >= pl.col("start")).all().alias("ordered"),
    )
    both = totals.join(agg, on="id").join(original.select("id", "break_minutes"), on="id")
    assert both.height == original.height
    for row in both.iter_rows(named=True):
        assert row["sum_hours"] == pytest.approx(row["hours"], abs=1e-9)
        assert row["sum_break"] == pytest.approx(row["break_minutes"], abs=1e-9)
        assert row["first"] == row["start"]
        assert row["last"] == row["end"]
        assert row["contig"] is not False
        assert row["ordered"]
    # Pieces of a row are consecutive and rows keep their order.
    assert pieces["id"].to_list() == sorted(pieces["id"].to_list())


@settings(max_examples=150, deadline=None)
@given(interval_rows, cut_offsets)
def test_splitting_anywhere_never_changes_the_total_hours(rows, offsets):
    df = _frame(rows)
    cuts = [BASE + dt.timedelta(minutes=o) for o in offsets]
    out = split_at(df, cuts)
    _check_pieces(df, out)
    # Every piece is free of cuts inside it.
    for c in (c.astimezone(ZONE) for c in cuts):
        assert not ((out["start"] < c) & (out["end"] > c)).any()


@settings(max_examples=100, deadline=None)
@given(interval_rows, cut_offsets, cut_offsets)
def test_splitting_twice_equals_splitting_once_at_all_cuts(rows, first, second):
    df = _frame(rows)
    c1 = [BASE + dt.timedelta(minutes=o) for o in first]
    c2 = [BASE + dt.timedelta(minutes=o) for o in second]
    twice = split_at(split_at(df, c1), c2)
    once = split_at(df, c1 + c2)
    assert twice.select("id", "start", "end").equals(once.select("id", "start", "end"))
    assert twice["hours"].to_list() == pytest.approx(once["hours"].to_list(), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(interval_rows)
def test_month_pieces_stay_inside_their_month_and_keep_the_hours(rows):
    df = _frame(rows)
    out = split_at_months(df)
    _check_pieces(df, out)
    assert (out["month"] == out["start"].dt.strftime("%Y-%m")).all()
    last_instant = out["end"] - dt.timedelta(microseconds=1)
    nonempty = out["end"] > out["start"]
    assert ((out["month"] == last_instant.dt.strftime("%Y-%m")) | ~nonempty).all()


@settings(max_examples=60, deadline=None)
@given(interval_rows, st.lists(st.integers(0, 40), min_size=1, max_size=6, unique=True))
def test_period_pieces_stay_inside_their_period(rows, month_steps):
    df = _frame(rows).with_columns(case_id=pl.lit("A"))
    starts = sorted(dt.date(2024 + m // 12, m % 12 + 1, 1) for m in month_steps)
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [dt.date(2028, 1, 1)]
    periods = pl.DataFrame({"case_id": "A", "period_start": starts, "period_end": ends})
    out = split_at_periods(df, periods)
    _check_pieces(df, out)
    tagged = out.drop_nulls("period_start")
    ps = tagged["period_start"].cast(pl.Datetime("us")).dt.replace_time_zone(TZ)
    pe = (
        (tagged["period_end"] + dt.timedelta(days=1))
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone(TZ)
    )
    assert (tagged["start"] >= ps).all()
    assert (tagged["end"] <= pe).all()
    untagged = out.filter(pl.col("period_start").is_null())
    first = dt.datetime(starts[0].year, starts[0].month, 1, tzinfo=ZONE)
    assert (untagged["end"] <= first).all()


# ------------------------------------------------------------------ fast paths = the general split

_PIECE = ["id", "start", "end"]


def _same_pieces(fast: pl.DataFrame, general: pl.DataFrame, extra: list[str]) -> None:
    """The same pieces, whatever the row order, with the same hours, break and ``extra``."""
    f = fast.sort(_PIECE)
    g = general.sort(_PIECE)
    assert f.select(*_PIECE, *extra).equals(g.select(*_PIECE, *extra))
    for col in ("hours", "break_minutes"):
        assert f[col].to_list() == pytest.approx(g[col].to_list(), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(interval_rows)
def test_the_fast_month_split_gives_the_pieces_of_split_at_months(rows):
    df = _frame(rows)
    _same_pieces(split_months_fast(df), split_at_months(df), ["month"])
    # Without the month: the same pieces, and no month column (nor for no rows at all).
    fast = split_months_fast(df, month=False)
    assert "month" not in fast.columns
    _same_pieces(fast, split_at_months(df).drop("month"), [])
    assert "month" not in split_months_fast(df.clear(), month=False).columns


@settings(max_examples=60, deadline=None)
@given(interval_rows)
def test_the_day_split_gives_the_pieces_of_split_at_every_local_midnight(rows):
    df = _frame(rows)
    midnights = pl.date_ranges(
        local_date("start") + pl.duration(days=1),
        local_date(pl.col("end") - pl.duration(microseconds=1)),
        interval="1d",
    )
    general = split_at(df, midnights).with_columns(local_date("start").alias("date"))
    _same_pieces(split_at_days(df), general, ["date"])


@settings(max_examples=60, deadline=None)
@given(interval_rows, st.lists(st.integers(0, 40), min_size=1, max_size=6, unique=True))
def test_period_pieces_are_the_tagged_pieces_of_split_at_periods(rows, month_steps):
    df = _frame(rows).with_columns(case_id=pl.lit("A"))
    starts = sorted(dt.date(2024 + m // 12, m % 12 + 1, 1) for m in month_steps)
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [dt.date(2028, 1, 1)]
    periods = pl.DataFrame({"case_id": "A", "period_start": starts, "period_end": ends})
    general = split_at_periods(df, periods).drop_nulls("period_start")
    _same_pieces(period_pieces(df, periods), general, ["period_start", "period_end"])


@settings(max_examples=60, deadline=None)
@given(interval_rows, st.integers(0, 3 * 366))
def test_cutting_off_after_d_keeps_what_split_at_as_of_puts_before_it(rows, day):
    df = _frame(rows)
    as_of = dt.date(2024, 1, 1) + dt.timedelta(days=day)
    general = split_at_as_of(df, as_of).filter(~pl.col("after_as_of"))
    _same_pieces(with_hours(cut_off_after(df, midnight_after(as_of))), general, [])


@settings(max_examples=60, deadline=None)
@given(interval_rows, st.integers(0, 3 * 366))
def test_cutting_off_before_d_keeps_what_split_at_as_of_puts_after_it(rows, day):
    df = _frame(rows)
    as_of = dt.date(2024, 1, 1) + dt.timedelta(days=day)
    cut = midnight_after(as_of)
    # An empty interval at the cut itself lies on neither side: only the split flags it.
    general = split_at_as_of(df, as_of).filter(pl.col("after_as_of") & (pl.col("end") > cut))
    _same_pieces(with_hours(cut_off_before(df, cut)), general.drop("after_as_of"), [])


def test_cutting_off_before_an_instant_cuts_a_row_across_it_with_its_break_in_proportion():
    at = dt.datetime(2026, 1, 5, tzinfo=ZONE)
    df = pl.DataFrame(
        {
            "start": [dt.datetime(2026, 1, 4, 18, tzinfo=ZONE), at, at],
            "end": [
                dt.datetime(2026, 1, 5, 6, tzinfo=ZONE),
                at,
                dt.datetime(2026, 1, 5, 2, tzinfo=ZONE),
            ],
            "break_minutes": [60, 0, 30],
        }
    ).with_columns(pl.col("start", "end").cast(TIMESTAMP))
    out = with_hours(cut_off_before(df, at))
    # 18:00-06:00 with an hour's break: its last 6 of 12 hours, with half the break, are kept;
    # the empty row at the instant is dropped; the row from it is kept whole.
    assert out["start"].to_list() == [at, at]
    assert out["end"].to_list() == [
        dt.datetime(2026, 1, 5, 6, tzinfo=ZONE),
        dt.datetime(2026, 1, 5, 2, tzinfo=ZONE),
    ]
    assert out["break_minutes"].to_list() == [30.0, 30.0]
    assert out["hours"].to_list() == [5.5, 1.5]


def test_local_dates_are_the_local_date_of_each_instant_with_nulls_kept():
    instants = pl.Series(
        "at",
        [
            dt.datetime(2025, 3, 29, 23, 30, tzinfo=dt.UTC),  # 00:30 local on the 30th
            None,
            dt.datetime(2025, 10, 25, 21, 59, tzinfo=dt.UTC),  # 23:59 local, summer time
            dt.datetime(2025, 10, 26, 23, 0, tzinfo=dt.UTC),  # 00:00 local, winter time
        ],
    ).dt.convert_time_zone(TZ)
    assert local_dates(instants).to_list() == [
        D(2025, 3, 30),
        None,
        D(2025, 10, 25),
        D(2025, 10, 27),
    ]


def test_an_hours_data_column_cannot_be_overwritten_by_elapsed_time():
    df = local(
        pl.DataFrame({"start": ["2025-01-31 00:00"], "end": ["2025-02-02 00:00"], "hours": [8.0]}),
        "start",
        "end",
    )
    with pytest.raises(ValueError, match="overwrite"):
        split_at_months(df, break_col=None, proportional=["hours"])


def test_utc_zoned_input_comes_back_in_local_time_and_is_cut_at_local_midnight():
    df = pl.DataFrame(
        {
            "start": [dt.datetime(2025, 1, 31, 19, tzinfo=dt.UTC)],  # 20:00 local
            "end": [dt.datetime(2025, 2, 1, 3, tzinfo=dt.UTC)],  # 04:00 local
        }
    ).with_columns(pl.col("start", "end").cast(pl.Datetime("ns", "UTC")))
    out = split_at_months(df)
    assert out.schema["start"] == TIMESTAMP
    assert wall(out, "start") == ["2025-01-31 20:00", "2025-02-01 00:00"]
    assert out["hours"].to_list() == [4.0, 4.0]


def test_split_at_periods_keeps_null_rows_untagged():
    df = shifts(("A", "2025-06-30 20:00", "2025-07-01 04:00", 0)).vstack(
        pl.DataFrame(
            {"case_id": ["A"], "start": [None], "end": [None], "break_minutes": [0]},
            schema={
                "case_id": pl.String,
                "start": TIMESTAMP,
                "end": TIMESTAMP,
                "break_minutes": pl.Int64,
            },
        )
    )
    out = split_at_periods(df, PERIODS)
    assert out["period_start"].to_list() == [D(2025, 1, 1), D(2025, 7, 1), None]
    assert out["hours"].to_list() == [4.0, 4.0, None]


def test_a_larger_frame_keeps_every_hour_through_all_splits():
    # 200 000 shifts over two years for 500 cases, with 3-month periods offset per case.
    n = 200_000
    rng = np.random.default_rng(7)
    start_min = rng.integers(0, 2 * 365 * 24 * 60, n)
    length_min = rng.choice([480, 540, 600, 1440, 3 * 1440], n)
    base = pl.lit(dt.datetime(2024, 1, 1, tzinfo=ZONE))
    df = pl.DataFrame(
        {
            "case_id": (rng.integers(0, 500, n)).astype(str),
            "s": start_min,
            "d": length_min,
            "break_minutes": rng.integers(0, 60, n),
        }
    ).select(
        "case_id",
        (base + pl.duration(minutes=pl.col("s"))).alias("start"),
        (base + pl.duration(minutes=pl.col("s") + pl.col("d"))).alias("end"),
        "break_minutes",
    )
    cases = pl.DataFrame({"case_id": [str(i) for i in range(500)]})
    periods = (
        cases.join(pl.DataFrame({"k": list(range(-1, 10))}), how="cross")
        .with_columns(
            period_start=pl.date(2024, 1, 1).dt.offset_by("0mo")
            + pl.duration(days=pl.col("case_id").cast(pl.Int64) % 28)
        )
        .with_columns(
            period_start=add_months(pl.col("period_start"), pl.col("k") * 3),
        )
        .with_columns(
            period_end=add_months(pl.col("period_start"), pl.lit(3)) - pl.duration(days=1)
        )
        .select("case_id", "period_start", "period_end")
    )
    out = split_at_as_of(split_at_periods(split_at_months(df), periods), dt.date(2025, 3, 15))
    assert out["hours"].sum() == pytest.approx(with_hours(df)["hours"].sum(), rel=1e-12)
    assert out["period_start"].null_count() == 0
    assert out.height > n
    # every piece lies in its month and its period
    assert (out["month"] == out["start"].dt.strftime("%Y-%m")).all()
    ps = out["period_start"].cast(pl.Datetime("us")).dt.replace_time_zone(TZ)
    pe = (out["period_end"] + dt.timedelta(days=1)).cast(pl.Datetime("us")).dt.replace_time_zone(TZ)
    assert ((out["start"] >= ps) & (out["end"] <= pe)).all()
