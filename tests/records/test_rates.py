"""Rates in the database: every change recorded, the set the figures use, the CLI names it."""

from __future__ import annotations

import datetime as dt
import io
import json

import polars as pl
import pytest
from django.core.management import call_command

from timbalans.core.rates import default_rates
from timbalans.records import models as m
from timbalans.records.rates import RATE_VALUE_NOT_NUMBER, rate_set_load, rate_update

pytestmark = pytest.mark.django_db


def test_without_rows_the_set_is_the_shipped_defaults():
    assert rate_set_load() == default_rates()
    assert rate_set_load().name == "standard"


def test_a_change_is_recorded_with_who_when_old_and_new():
    rate_update(
        key="ob_weekend", valid_from=dt.date(2026, 4, 1), value="65,50", user_name="controller"
    )
    change = m.RateChange.objects.get()
    assert (change.key, change.valid_from, change.old, change.new) == (
        "ob_weekend",
        dt.date(2026, 4, 1),
        60.0,
        65.5,
    )
    assert change.changed_by_name == "controller"
    assert change.changed_at is not None
    rates = rate_set_load()
    assert rates.value("ob_weekend", dt.date(2026, 3, 31)) == 60.0
    assert rates.value("ob_weekend", dt.date(2026, 4, 1)) == 65.5
    assert not rates.rate_on("ob_weekend", dt.date(2026, 4, 1)).example
    assert rates.name.startswith("standard + databas (ändrad ")


def test_changing_the_same_date_again_updates_the_row_and_logs_both():
    for value in (65, 70):
        rate_update(key="ob_weekend", valid_from=dt.date(2026, 4, 1), value=value, user_name="a")
    assert m.Rate.objects.count() == 1
    assert [c.new for c in m.RateChange.objects.order_by("id")] == [65.0, 70.0]
    assert [c.old for c in m.RateChange.objects.order_by("id")] == [60.0, 65.0]


def test_a_shipped_value_is_replaced_by_a_row_with_its_key_and_date():
    rate_update(key="social_fee_rate", valid_from=dt.date(2026, 1, 1), value=0.4215, user_name="a")
    rates = rate_set_load()
    assert rates.value("social_fee_rate", dt.date(2026, 6, 1)) == 0.4215
    assert rates.value("social_fee_rate", dt.date(2025, 6, 1)) == 0.4453


def test_unknown_keys_and_non_numbers_are_refused_in_swedish():
    with pytest.raises(ValueError, match="okänd sats: nope"):
        rate_update(key="nope", valid_from=dt.date(2026, 1, 1), value=1, user_name="a")
    with pytest.raises(ValueError, match=r"Värdet för ob_weekend måste vara ett tal\."):
        rate_update(key="ob_weekend", valid_from=dt.date(2026, 1, 1), value="mycket", user_name="a")
    assert RATE_VALUE_NOT_NUMBER.format(key="x") == "Värdet för x måste vara ett tal."
    assert m.RateChange.objects.count() == 0


def test_the_figures_command_names_the_rate_set_and_marks_examples(tmp_path, capsys):
    rate_update(key="ob_weekend", valid_from=dt.date(2026, 4, 1), value=65, user_name="a")
    out = tmp_path / "ce.xlsx"
    err = io.StringIO()
    call_command(
        "figures",
        "case-economics",
        "--as-of",
        "2026-04-30",
        "--format",
        "xlsx",
        "--out",
        str(out),
        stderr=err,
    )
    lines = err.getvalue().splitlines()
    rates_line = next(line for line in lines if line.startswith("Satser: "))
    used = json.loads(rates_line.removeprefix("Satser: "))
    assert used["satser"].startswith("standard + databas")
    assert used["ob_weekend"] == "60 från 2023-01-01 (exempelvärde); 65 från 2026-04-01"
    sheet = pl.read_excel(out, sheet_name="Satser", has_header=False, infer_schema_length=0)
    rows = sheet.rows()
    assert rows[0][1].startswith("standard + databas")
    # the rate by its name, not by its key (ob_weekend)
    assert rows[1] == ("Sats", "Gäller från", "Värde", "Källa", "Anmärkning")
    weekend = [r for r in rows if r[0] == default_rates().labels["ob_weekend"]]
    assert [r[1] for r in weekend] == ["2023-01-01", "2026-04-01"]
    assert [float(r[2]) for r in weekend] == [60, 65]
    assert [r[4] or "" for r in weekend] == ["exempelvärde", ""]


def test_a_rate_change_moves_the_figure_data_version():
    from timbalans.records.figure_cache import figure_data_version

    before = figure_data_version()
    rate_update(key="ob_weekend", valid_from=dt.date(2026, 4, 1), value=65, user_name="a")
    assert figure_data_version() != before
