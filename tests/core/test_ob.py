"""OB categories: hand-computed minutes on the storhelg days, weekends and DST nights.

Windows (rates.toml): evening 19–22 and night 22–06 on weekdays; weekend from 19:00 the day
before a red day to 07:00 the next weekday; storhelg from 18:00 the day before the storhelg
day to 07:00 the first weekday after it; storhelg night = 22–06 inside storhelg.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.figures.helpers import table
from timbalans.core.calendar import is_holiday, storhelg_frame
from timbalans.core.ob import (
    EDGE_IN_DST_HOUR,
    OB_CATEGORIES,
    ob_hours,
    ob_segments,
    ob_split,
    with_ob_amount,
)
from timbalans.core.rates import ObSchedule, ObWindows, Rate, default_rates

WINDOWS = default_rates().ob_windows
TZ = ZoneInfo("Europe/Stockholm")


def worked(*rows: tuple[str, str, int]) -> pl.DataFrame:
    return table(
        "worked",
        [
            {
                "case_id": "C1",
                "employee_id": "E1",
                "start": a,
                "end": b,
                "break_minutes": brk,
                "time_type": "ordinary",
            }
            for a, b, brk in rows
        ],
    )


def hours_by_category(*rows: tuple[str, str, int]) -> dict[str, float]:
    out = ob_hours(worked(*rows), WINDOWS, by=["case_id"]).row(0, named=True)
    return {c: round(out[c], 6) for c in OB_CATEGORIES if out[c]}


def test_midsommarafton_window_starts_at_18_on_the_thursday():
    # Midsommarafton is Friday 20 June 2025: storhelg from Thursday 19 June 18:00.
    # 16:00–02:00 with a 60-minute break: 2 h none, 4 h storhelg (18–22), 4 h storhelg night
    # (22–02); the break is shared 2/10, 4/10, 4/10.
    assert hours_by_category(("2025-06-19 16:00", "2025-06-20 02:00", 60)) == {
        "none": 1.8,
        "storhelg": 3.6,
        "storhelg_night": 3.6,
    }


def test_midsommar_window_ends_at_07_on_monday():
    # Midsommardagen (Saturday) and Sunday are red: the first weekday after is Monday 23 June.
    assert hours_by_category(("2025-06-23 05:00", "2025-06-23 09:00", 0)) == {
        "storhelg_night": 1.0,
        "storhelg": 1.0,
        "none": 2.0,
    }


def test_julafton_through_annandag_jul():
    # 23 Dec 2025 12:00 to 27 Dec 00:00: 12–18 none (6 h); from 18:00 storhelg, 78 h of which
    # nights 22–06: 8 + 8 + 8 + 2 (26–27 Dec 22–24) = 26 h storhelg night, 52 h storhelg.
    assert hours_by_category(("2025-12-23 12:00", "2025-12-27 00:00", 0)) == {
        "none": 6.0,
        "storhelg": 52.0,
        "storhelg_night": 26.0,
    }


def test_christmas_storhelg_runs_over_the_weekend_to_monday_07():
    # 27–28 Dec 2025 are Saturday and Sunday: the window ends Monday 29 Dec 07:00.
    assert hours_by_category(("2025-12-28 20:00", "2025-12-29 08:00", 0)) == {
        "storhelg": 2.0 + 1.0,  # 20–22 and 06–07
        "storhelg_night": 8.0,  # 22–06
        "none": 1.0,  # 07–08
    }


def test_julafton_amount_uses_the_storhelg_rates():
    pieces = with_ob_amount(
        ob_split(worked(("2025-12-23 12:00", "2025-12-27 00:00", 0)), WINDOWS), default_rates()
    )
    cost = (pieces["hours"] * pieces["ob_amount"]).sum()
    assert cost == pytest.approx(52 * 118.80 + 26 * 142.60)  # 9 885.20


def test_the_easter_window_runs_from_skartorsdag_18_to_tuesday_07():
    # Långfredagen 18 April 2025; Annandag påsk Monday 21 April; window 17 April 18:00 to
    # Tuesday 22 April 07:00.
    assert hours_by_category(("2025-04-17 14:00", "2025-04-17 22:00", 0)) == {
        "none": 4.0,
        "storhelg": 4.0,
    }
    assert hours_by_category(("2025-04-22 05:00", "2025-04-22 09:00", 0)) == {
        "storhelg_night": 1.0,
        "storhelg": 1.0,
        "none": 2.0,
    }
    # Påskdagen afternoon: storhelg.
    assert hours_by_category(("2025-04-20 08:00", "2025-04-20 16:00", 30)) == {"storhelg": 7.5}


def test_a_friday_evening_is_weekend_from_19():
    assert hours_by_category(("2025-03-07 15:00", "2025-03-07 23:00", 0)) == {
        "none": 4.0,
        "weekend": 4.0,
    }


def test_a_thursday_evening_and_night_are_weekday_ob():
    assert hours_by_category(("2025-03-06 15:00", "2025-03-06 23:30", 0)) == {
        "none": 4.0,
        "weekday_evening": 3.0,
        "weekday_night": 1.5,
    }


def test_the_weekend_ends_at_07_on_monday():
    assert hours_by_category(("2025-03-10 05:00", "2025-03-10 08:00", 0)) == {
        "weekend": 2.0,
        "none": 1.0,
    }


def test_a_night_over_the_change_to_summer_time_is_eight_hours():
    # Saturday 29 March 2025 22:00 to Sunday 07:00 is 9 wall-clock hours but 8 real ones.
    assert hours_by_category(("2025-03-29 22:00", "2025-03-30 07:00", 0)) == {"weekend": 8.0}


def test_a_night_over_the_change_to_winter_time_is_ten_hours():
    pieces = ob_split(worked(("2025-10-25 22:00", "2025-10-26 07:00", 60)), WINDOWS)
    assert pieces["hours"].sum() == pytest.approx(9.0)  # 10 real hours − 1 h break
    assert set(pieces["ob_category"]) == {"weekend"}
    # The piece 00:00–06:00 on the 26th holds the repeated hour: 7 real hours.
    assert pieces["hours"].to_list()[1] == pytest.approx(7 - 60 * 7 / 10 / 60)


def test_pieces_keep_the_columns_and_never_cross_midnight():
    pieces = ob_split(worked(("2025-03-06 15:00", "2025-03-07 08:00", 60)), WINDOWS)
    assert pieces.columns[:6] == [
        "case_id",
        "employee_id",
        "start",
        "end",
        "break_minutes",
        "time_type",
    ]
    assert (pieces["date"] == pieces["start"].dt.date()).all()
    assert pieces["break_minutes"].sum() == pytest.approx(60.0)
    assert pieces["hours"].sum() == pytest.approx(16.0)


def test_a_rate_changing_inside_a_month_prices_each_piece_on_its_date():
    rates = default_rates().overridden(
        [Rate("ob_weekend", dt.date(2025, 3, 9), 70.0, "nytt avtal")], name="test"
    )
    # Saturday 8 March 20:00 to Sunday 9 March 04:00: 4 h at 60 and 4 h at 70.
    pieces = with_ob_amount(
        ob_split(worked(("2025-03-08 20:00", "2025-03-09 04:00", 0)), WINDOWS), rates
    )
    assert (pieces["hours"] * pieces["ob_amount"]).sum() == pytest.approx(4 * 60 + 4 * 70)


def test_windows_are_data():
    own = ObWindows.from_mapping({"evening": ["18:00", "22:00"]})
    out = ob_hours(worked(("2025-03-06 15:00", "2025-03-06 20:00", 0)), own, by=["case_id"])
    assert out.row(0, named=True)["weekday_evening"] == pytest.approx(2.0)


def test_a_window_edge_in_the_dst_hour_is_refused():
    with pytest.raises(ValueError, match="02:00 och 03:00"):
        ob_segments(dt.date(2025, 3, 1), dt.date(2025, 3, 2), ObWindows(night=(22 * 60, 150)))
    assert "sommartid" in EDGE_IN_DST_HOUR


# --------------------------------------------------------------------- against a minute clock


def _red(day: dt.date) -> bool:
    return day.weekday() >= 5 or is_holiday(day)


_STORHELG = [
    (
        dt.datetime.combine(r["day_before"], dt.time(18), tzinfo=TZ),
        dt.datetime.combine(r["first_weekday_after"], dt.time(7), tzinfo=TZ),
    )
    for r in storhelg_frame(range(2024, 2027)).iter_rows(named=True)
]


def _category(t: dt.datetime) -> str:
    """The category of one instant, straight from the rule's words."""
    local = t.astimezone(TZ)
    day, hour = local.date(), local.hour
    night = hour >= 22 or hour < 6
    if any(a <= local < b for a, b in _STORHELG):
        return "storhelg_night" if night else "storhelg"
    one = dt.timedelta(days=1)
    if _red(day) or (_red(day + one) and hour >= 19) or (_red(day - one) and hour < 7):
        return "weekend"
    if night:
        return "weekday_night"
    if 19 <= hour < 22:
        return "weekday_evening"
    return "none"


@settings(max_examples=25, deadline=None)
@given(
    start_min=st.integers(min_value=0, max_value=365 * 24 * 60),
    length=st.integers(min_value=1, max_value=40 * 60),
)
def test_every_minute_lands_in_the_category_a_minute_clock_gives(start_min, length):
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    start = base + dt.timedelta(minutes=start_min)
    end = start + dt.timedelta(minutes=length)
    frame = table(
        "worked",
        [
            {
                "case_id": "C1",
                "employee_id": "E1",
                "start": start.astimezone(TZ),
                "end": end.astimezone(TZ),
                "break_minutes": 0,
                "time_type": "ordinary",
            }
        ],
    )
    got = ob_hours(frame, WINDOWS, by=["case_id"]).row(0, named=True)
    expected = dict.fromkeys(OB_CATEGORIES, 0)
    for m in range(length):
        expected[_category(start + dt.timedelta(minutes=m))] += 1
    for c in OB_CATEGORIES:
        assert got[c] * 60 == pytest.approx(expected[c], abs=1e-6), c


# --------------------------------------------------------------------- dated windows and days


def test_the_storhelg_days_are_data_of_the_rate_set():
    # Midsommarafton is Friday 20 June 2025. With it among the storhelg days, 10:00–14:00 is
    # storhelg; a version without it leaves a red day (holiday eve): weekend.
    shipped = ObWindows()
    without = ObWindows(storhelg_days=("Långfredagen", "Pingstafton", "Julafton", "Nyårsafton"))
    day = ("2025-06-20 10:00", "2025-06-20 14:00", 0)
    assert ob_hours(worked(day), shipped, by=["case_id"]).row(0, named=True)["storhelg"] == 4
    assert ob_hours(worked(day), without, by=["case_id"]).row(0, named=True)["weekend"] == 4
    assert "Midsommarafton" in default_rates().ob_windows.on(dt.date(2025, 6, 20)).storhelg_days


def test_a_later_version_of_the_windows_applies_from_its_date():
    # From 2026-01-01 the evening starts at 18:00: Tuesday 18:00–19:00 is none in 2025 and
    # weekday evening in 2026; 19:00–20:00 is evening in both.
    schedule = ObSchedule.of(
        [ObWindows(), ObWindows(evening=(18 * 60, 22 * 60), valid_from=dt.date(2026, 1, 1))]
    )
    rows = worked(
        ("2025-03-04 18:00", "2025-03-04 20:00", 0), ("2026-03-03 18:00", "2026-03-03 20:00", 0)
    )
    pieces = ob_split(rows, schedule)
    by_year = pieces.group_by(pl.col("date").dt.year().alias("y"), "ob_category").agg(
        pl.col("hours").sum()
    )
    got = {(r["y"], r["ob_category"]): r["hours"] for r in by_year.iter_rows(named=True)}
    assert got == {
        (2025, "none"): 1.0,
        (2025, "weekday_evening"): 1.0,
        (2026, "weekday_evening"): 2.0,
    }


def test_the_storhelg_amounts_of_2025_and_2026_are_example_values():
    rates = default_rates()
    assert rates.rate_on("ob_storhelg", dt.date(2024, 12, 24)).example is False
    for day in (dt.date(2025, 12, 24), dt.date(2026, 12, 24)):
        assert rates.rate_on("ob_storhelg", day).example is True
        assert rates.rate_on("ob_storhelg_night", day).example is True
