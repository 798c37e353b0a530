"""Swedish number formats on the pages."""

from __future__ import annotations

import datetime as dt

from timbalans.web.templatetags.sv import (
    audit_detail,
    hours,
    isodate,
    label,
    number,
    pct,
    sek,
    setting_value,
    share,
    text,
    tkr,
)


def test_thousands_are_separated_by_a_space_and_decimals_by_a_comma():
    assert number(1234567.891, 1) == "1\u00a0234\u00a0567,9"


def test_negative_numbers_get_a_true_minus_sign():
    assert number(-1234.5, 0) == "\u22121\u00a0234"


def test_money_in_kronor_and_thousands():
    assert sek(1234.4) == "1\u00a0234\u00a0kr"
    assert tkr(-1570000) == "\u22121\u00a0570\u00a0tkr"


def test_hours_percent_and_shares():
    assert hours(12.34) == "12,3"
    assert pct(-50) == "\u221250,0\u00a0%"
    assert share(0.125) == "12,5\u00a0%"


def test_missing_values_are_a_dash():
    assert number(None) == "–"
    assert pct(None) == "–"
    assert number(float("nan")) == "–"


def test_free_text_is_paragraphs_and_lists_escaped():
    typed = "Arbetet innebär:\n- beviljade timmar\n- <b>utförd</b> tid\n\n1. först\n2. sedan"
    assert text(typed) == (
        "<p>Arbetet innebär:</p><ul><li>beviljade timmar</li>"
        "<li>&lt;b&gt;utförd&lt;/b&gt; tid</li></ul><ol><li>först</li><li>sedan</li></ol>"
    )
    assert text(None) == ""


def test_a_date_and_its_time_never_part():
    assert isodate(dt.date(2026, 11, 23)) == "2026-11-23"
    assert isodate(dt.datetime(2026, 11, 23, 7, 5)) == "2026-11-23\u00a007:05"


def test_raw_values_by_their_swedish_names():
    assert label("monthly_permanent") == "Månadsavlönad tillsvidare"
    assert label("computed", "source") == "Beräknad"
    assert setting_value({"2026": -50.0}) == "2026: \u221250"
    assert audit_detail({"händelse": "skapad", "nivå": "case"}) == "händelse: skapad; nivå: ärende"
