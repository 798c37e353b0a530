"""The Swedish names of the raw values (timbalans/text/labels.py): the one mapping the pages,
the exports and the documents use."""

from __future__ import annotations

import pytest

from timbalans.text.labels import (
    detail_text,
    setting_label,
    setting_value_text,
    value_label,
)


@pytest.mark.parametrize(
    ("value", "column", "label"),
    [
        ("ledger", "source", "Bokföring"),
        ("computed", "source", "Beräknad"),
        ("over", "status", "Över"),
        ("balanced", "status", "I balans"),
        ("under", "status", "Under"),
        ("monthly_permanent", "form", "Månadsavlönad tillsvidare"),
        ("hourly", "", "Timavlönad"),
        ("overtime_simple", "time_type", "Enkel övertid"),
        ("KOMMUN", "payer", "Kommunen"),
        ("FK", "payer", "FK"),
        ("temp_overtime", "area", "Timavlönade, övertid och mertid"),
        ("case", "level", "Ärende"),
        ("cost_center", "level", "Ansvar"),
        ("other", "type", "Annat"),
        ("other", "category", "Övrigt"),
        ("optimal", "", "bästa lösning"),
        ("absent_employee", "reason", "Ordinarie frånvarande"),
    ],
)
def test_a_code_has_its_swedish_name(value, column, label):
    assert value_label(value, column) == label


def test_a_list_of_breached_limits_is_named_limit_by_limit():
    assert value_label("overtime_4w, overtime_year", "limit_breach") == (
        "Övertid mer än 48 timmar på fyra veckor, Övertid mer än 200 timmar under året"
    )


def test_a_value_that_is_no_code_is_shown_as_it_is():
    assert value_label("Anna Andersson", "name") == "Anna Andersson"
    assert value_label("51470", "case_id") == "51470"
    assert value_label(None, "status") == "–"


def test_settings_are_named_by_their_description_and_values_read_as_swedish():
    assert setting_label("savings_top_cases") == (
        "Antal ärenden med störst underskott som åtgärd 2 (Ärenden) räknar med"
    )
    assert setting_label("as_of") == "Per datum (D)"
    assert setting_label("rapport") == "rapport"
    assert setting_value_text({"2026": -50.0}) == "2026: \u221250"
    assert setting_value_text(1 / 7) == "0,142857"
    assert setting_value_text(0.25) == "0,25"
    assert setting_value_text(12) == "12"
    assert setting_value_text(True) == "ja"
    assert setting_value_text("standard") == "standardvärden"
    assert setting_value_text(None) == "–"


def test_an_audit_entry_of_a_new_plan_reads_as_swedish():
    detail = {"händelse": "skapad", "nivå": "unit", "enhet": "81515", "baslinje": "2026-11-23"}
    assert detail_text(detail) == (
        "händelse: skapad; nivå: enhet; enhet: 81515; baslinje: 2026-11-23"
    )


def test_an_audit_entry_of_a_change_names_the_fields_and_old_and_new():
    detail = {
        "händelse": "ändrad",
        "ändringar": {"title": ["A", "B"], "status": ["draft", "active"]},
    }
    assert detail_text(detail) == (
        "händelse: ändrad; ändringar: rubrik: A → B; status: utkast → pågående"
    )
    detail = {"händelse": "ändrad", "fält": ["title", "statement"]}
    assert detail_text(detail) == "händelse: ändrad; fält: rubrik, förvaltningens yttrande"


def test_the_english_keys_of_audit_entries_read_as_swedish():
    assert detail_text({"value": 4}) == "värde: 4"
    assert detail_text({"known_only": True, "window_days": None}) == (
        "endast kända assistenter: ja; fönster (dagar): –"
    )
    assert detail_text({"units": ["81515", "81516"], "rows": 3, "as_of": "2026-11-23"}) == (
        "enheter: 81515, 81516; rader: 3; per: 2026-11-23"
    )
    assert detail_text({"valid_from": "2026-01-01", "value": "0.45"}) == (
        "gäller från: 2026-01-01; värde: 0.45"
    )
    assert detail_text({}) == ""
