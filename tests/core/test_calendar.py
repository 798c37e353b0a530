import datetime as dt

import polars as pl

from timbalans.core.calendar import (
    holiday_frame,
    holiday_name,
    is_holiday,
    is_holiday_expr,
    storhelg_frame,
)

D = dt.date


def test_it_lists_the_2025_holidays_with_the_eves():
    h = holiday_frame(2025)
    assert h.schema == {"date": pl.Date, "name": pl.String}
    got = dict(zip(h["date"].to_list(), h["name"].to_list(), strict=True))
    assert got == {
        D(2025, 1, 1): "Nyårsdagen",
        D(2025, 1, 6): "Trettondedag jul",
        D(2025, 4, 18): "Långfredagen",
        D(2025, 4, 20): "Påskdagen",
        D(2025, 4, 21): "Annandag påsk",
        D(2025, 5, 1): "Första maj",
        D(2025, 5, 29): "Kristi himmelsfärdsdag",
        D(2025, 6, 6): "Nationaldagen",
        D(2025, 6, 8): "Pingstdagen",
        D(2025, 6, 20): "Midsommarafton",
        D(2025, 6, 21): "Midsommardagen",
        D(2025, 11, 1): "Alla helgons dag",
        D(2025, 12, 24): "Julafton",
        D(2025, 12, 25): "Juldagen",
        D(2025, 12, 26): "Annandag jul",
        D(2025, 12, 31): "Nyårsafton",
    }


def test_it_knows_the_2026_holidays():
    h = holiday_frame([2026])
    got = dict(zip(h["date"].to_list(), h["name"].to_list(), strict=True))
    assert len(got) == 16
    assert got[D(2026, 4, 3)] == "Långfredagen"
    assert got[D(2026, 4, 6)] == "Annandag påsk"
    assert got[D(2026, 5, 14)] == "Kristi himmelsfärdsdag"
    assert got[D(2026, 5, 24)] == "Pingstdagen"
    assert got[D(2026, 6, 19)] == "Midsommarafton"
    assert got[D(2026, 6, 20)] == "Midsommardagen"
    assert got[D(2026, 10, 31)] == "Alla helgons dag"


def test_frames_of_several_years_are_sorted_and_complete():
    h = holiday_frame([2026, 2025])
    assert h.height == 32
    assert h["date"].is_sorted()


def test_is_holiday_for_single_dates():
    assert is_holiday(D(2025, 6, 20))  # Midsommarafton
    assert is_holiday(D(2026, 4, 3))  # Långfredagen
    assert is_holiday(D(2026, 12, 24))
    assert not is_holiday(D(2025, 6, 19))
    # An ordinary Sunday is not a holiday here; weekends are the OB rules' business.
    assert not is_holiday(D(2025, 6, 22))
    # Annandag pingst has not been a holiday since 2005.
    assert not is_holiday(D(2025, 6, 9))
    assert holiday_name(D(2025, 12, 31)) == "Nyårsafton"
    assert holiday_name(D(2025, 12, 30)) is None


def test_is_holiday_expr_flags_a_date_column_and_a_datetime_column():
    df = pl.DataFrame({"d": [D(2025, 12, 24), D(2025, 12, 23), D(2026, 1, 6)]})
    assert df.select(is_holiday_expr("d", [2025, 2026]))["d"].to_list() == [True, False, True]
    ts = df.select(
        pl.col("d").cast(pl.Datetime("us")).dt.replace_time_zone("Europe/Stockholm")
        + pl.duration(hours=23)
    )
    assert ts.select(is_holiday_expr("d", [2025, 2026]))["d"].to_list() == [True, False, True]


def test_it_exposes_the_storhelg_days_with_their_eves_and_the_weekday_after():
    s = storhelg_frame([2025, 2026])
    rows = s.rows()
    assert rows == [
        ("Långfredagen", D(2025, 4, 18), D(2025, 4, 17), D(2025, 4, 22)),
        ("Pingstafton", D(2025, 6, 7), D(2025, 6, 6), D(2025, 6, 9)),
        ("Midsommarafton", D(2025, 6, 20), D(2025, 6, 19), D(2025, 6, 23)),
        ("Julafton", D(2025, 12, 24), D(2025, 12, 23), D(2025, 12, 29)),
        ("Nyårsafton", D(2025, 12, 31), D(2025, 12, 30), D(2026, 1, 2)),
        ("Långfredagen", D(2026, 4, 3), D(2026, 4, 2), D(2026, 4, 7)),
        ("Pingstafton", D(2026, 5, 23), D(2026, 5, 22), D(2026, 5, 25)),
        ("Midsommarafton", D(2026, 6, 19), D(2026, 6, 18), D(2026, 6, 22)),
        ("Julafton", D(2026, 12, 24), D(2026, 12, 23), D(2026, 12, 28)),
        ("Nyårsafton", D(2026, 12, 31), D(2026, 12, 30), D(2027, 1, 4)),
    ]
    assert s.columns == ["name", "date", "day_before", "first_weekday_after"]
