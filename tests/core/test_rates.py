"""The rate set: shipped values, validity dates, vectorised lookup, overrides."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from timbalans.core.calendar import UNKNOWN_DAY, storhelg_frame
from timbalans.core.rates import (
    EXAMPLE_LABEL,
    UNKNOWN_RATE,
    ObWindows,
    Rate,
    RateSet,
    default_rates,
    rates_from_mapping,
)
from timbalans.figures.settings import FigureSettings, settings_from_mapping


def test_the_standard_hourly_rate_ships_for_2023_to_2026():
    r = default_rates()
    assert [x.value for x in r.history("standard_hourly_rate")] == [324.50, 332.60, 342.60, 347.70]
    assert r.value("standard_hourly_rate", dt.date(2025, 6, 30)) == 342.60
    assert r.value("standard_hourly_rate", dt.date(2026, 1, 1)) == 347.70
    assert r.value("raised_rate_cap_pct") == 12.0


def test_storhelg_amounts_of_2023_are_sourced_later_ones_and_weekday_amounts_are_examples():
    r = default_rates()
    assert r.rate_on("ob_storhelg", dt.date(2025, 12, 24)).value == 118.80
    assert r.rate_on("ob_storhelg_night", dt.date(2025, 12, 24)).value == 142.60
    assert not r.rate_on("ob_storhelg", dt.date(2023, 12, 24)).example
    assert r.rate_on("ob_storhelg", None).example  # 2026: not confirmed by a source
    for key in ("ob_weekday_evening", "ob_weekday_night", "ob_weekend", "overtime_factor_simple"):
        assert r.rate_on(key, None).example, key
    assert r.value("social_fee_rate", dt.date(2023, 5, 1)) == 0.4453
    assert r.value("holiday_pay_rate") == 0.12
    assert r.value("sick_pay_share") == 0.80


def test_a_date_before_the_first_value_uses_the_first_value():
    assert default_rates().value("standard_hourly_rate", dt.date(2020, 1, 1)) == 324.50


def test_a_rate_changing_inside_a_month_applies_from_its_date():
    rates = default_rates().overridden(
        [Rate("ob_weekend", dt.date(2025, 3, 15), 70.0, "eget avtal")], name="test"
    )
    days = pl.DataFrame(
        {"date": [dt.date(2025, 3, 16), dt.date(2025, 3, 14), dt.date(2025, 3, 15), None]},
        schema={"date": pl.Date},
    )
    out = rates.join(days, {"ob": "ob_weekend", "fee": "social_fee_rate"})
    # Row order is kept; the 15th is the first day of the new value.
    assert out["ob"].to_list()[:3] == [70.0, 60.0, 70.0]
    assert out["fee"].to_list()[:3] == [0.4453] * 3
    assert out.columns == ["date", "ob", "fee"]


def test_an_unknown_key_is_refused_with_its_name():
    with pytest.raises(KeyError, match="okänd sats: nope"):
        default_rates().value("nope")
    assert UNKNOWN_RATE.format(key="x") == "okänd sats: x"


def test_describe_marks_example_values():
    rows = {(r["sats"], r["gäller_från"]): r for r in default_rates().describe()}
    assert rows["ob_weekend", "2023-01-01"]["anmärkning"] == EXAMPLE_LABEL
    assert rows["standard_hourly_rate", "2025-01-01"]["anmärkning"] == ""
    assert rows["standard_hourly_rate", "2025-01-01"]["värde"] == 342.60
    short = default_rates().describe_short()
    assert short["satser"] == "standard"
    assert "exempelvärde" in short["ob_weekend"]


def test_a_later_rate_with_the_same_key_and_date_replaces_the_earlier():
    base = RateSet.of([Rate("a", dt.date(2025, 1, 1), 1.0), Rate("a", dt.date(2025, 1, 1), 2.0)])
    assert base.value("a") == 2.0
    assert len(base.rates) == 1


def test_ob_windows_are_read_from_the_file_as_minutes():
    w = ObWindows.from_mapping({"evening": ["18:00", "21:30"]})
    assert w.evening == (18 * 60, 21 * 60 + 30)
    assert w.boundaries() == (0, 6 * 60, 7 * 60, 18 * 60, 19 * 60, 21 * 60 + 30, 22 * 60)
    with pytest.raises(ValueError, match="OB-fönstret evening"):
        ObWindows.from_mapping({"evening": ["kväll"]})


def test_a_rate_value_must_be_a_number():
    with pytest.raises(ValueError, match="värdet för x måste vara ett tal"):
        rates_from_mapping({"rates": {"x": {"values": [[dt.date(2025, 1, 1), "tio"]]}}})


def test_old_economic_settings_keys_become_constant_rates():
    s = settings_from_mapping({"social_fee_rate": 0.40}, source="fil.toml")
    assert s.social_fee_rate == 0.40
    assert s.rates.value("social_fee_rate", dt.date(2023, 1, 1)) == 0.40
    assert "social_fee_rate" not in s.describe()


def test_a_settings_file_can_add_dated_rates():
    s = settings_from_mapping(
        {"rates": {"ob_weekend": {"values": [[dt.date(2026, 4, 1), 65.0]]}}}, source="fil.toml"
    )
    assert s.rates.value("ob_weekend", dt.date(2026, 3, 31)) == 60.0
    assert s.rates.value("ob_weekend", dt.date(2026, 4, 1)) == 65.0
    assert s.rates.name == "standard + fil.toml"


def test_the_single_value_properties_read_the_rate_on_rates_on():
    s = FigureSettings(rates_on=dt.date(2024, 5, 1))
    assert s.social_fee_rate == 0.4453
    assert s.overtime_factor_qualified == 2.0
    assert s.with_rates(holiday_pay_rate=0.13).holiday_pay_rate == 0.13


def test_the_ob_windows_are_dated_versions_read_from_the_file():
    r = rates_from_mapping(
        {
            "rates": {"x": {"values": [[dt.date(2023, 1, 1), 1.0]]}},
            "ob_windows": [
                {"valid_from": dt.date(2023, 1, 1), "evening": ["19:00", "22:00"]},
                {
                    "valid_from": dt.date(2026, 4, 1),
                    "evening": ["18:00", "22:00"],
                    "storhelg_days": ["Julafton", "Påskafton"],
                },
            ],
        }
    )
    assert r.ob_windows.on(dt.date(2026, 3, 31)).evening == (19 * 60, 22 * 60)
    assert r.ob_windows.on(dt.date(2026, 4, 1)).evening == (18 * 60, 22 * 60)
    assert r.ob_windows.on(dt.date(2026, 4, 1)).storhelg_days == ("Julafton", "Påskafton")
    assert r.ob_windows.boundaries() == (0, 6 * 60, 7 * 60, 18 * 60, 19 * 60, 22 * 60)


def test_rows_from_examples_from_are_example_values():
    r = rates_from_mapping(
        {
            "rates": {
                "x": {
                    "examples_from": dt.date(2025, 1, 1),
                    "values": [[dt.date(2023, 1, 1), 1.0], [dt.date(2025, 1, 1), 2.0]],
                }
            }
        }
    )
    assert [rate.example for rate in r.history("x")] == [False, True]


def test_an_unknown_storhelg_day_is_refused_by_name():
    with pytest.raises(ValueError) as caught:
        storhelg_frame(2026, ["Julafton", "Kräftskivan"])
    assert str(caught.value) == UNKNOWN_DAY.format(name="Kräftskivan")
    assert storhelg_frame(2026, ["Påskafton"])["date"].to_list() == [dt.date(2026, 4, 4)]
