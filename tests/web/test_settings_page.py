"""Settings: an administrator changes one; the change is logged and used by the figures."""

from __future__ import annotations

import pytest

from timbalans.accounts.models import AuditEvent
from timbalans.records.models import SettingChange
from timbalans.records.selectors import figure_settings_load

pytestmark = pytest.mark.django_db


def test_an_admin_changes_a_setting_and_it_is_logged(as_user):
    client = as_user("admin")
    response = client.post(
        "/installningar/", {"key": "repeated_occasions", "value": "5"}, follow=True
    )
    assert "Inställningen repeated_occasions är sparad." in response.content.decode()
    assert figure_settings_load().repeated_occasions == 5
    change = SettingChange.objects.get()
    assert (change.key, change.old, change.new, change.changed_by_name) == (
        "repeated_occasions",
        6,
        5,
        "admin",
    )
    assert AuditEvent.objects.get(action="setting").target == "repeated_occasions"


def test_an_unknown_setting_is_refused_in_swedish(as_user):
    response = as_user("admin").post("/installningar/", {"key": "nope", "value": "1"}, follow=True)
    assert "Värdet för nope kunde inte sparas: okänd inställning: nope" in response.content.decode()
    assert SettingChange.objects.count() == 0


def test_a_controller_cannot_change_settings(as_user):
    response = as_user("controller").post(
        "/installningar/", {"key": "repeated_occasions", "value": "5"}
    )
    assert response.status_code == 403
    assert SettingChange.objects.count() == 0


def test_an_admin_sets_a_rate_from_a_date_and_the_figures_use_it(as_user):
    import datetime as dt

    from timbalans.records.models import RateChange

    client = as_user("admin")
    response = client.post(
        "/installningar/",
        {"kind": "rate", "key": "social_fee_rate", "valid_from": "2026-01-01", "value": "0,4215"},
        follow=True,
    )
    assert "Satsen social_fee_rate från 2026-01-01 är sparad." in response.content.decode()
    rates = figure_settings_load().rates
    assert rates.value("social_fee_rate", dt.date(2026, 3, 1)) == pytest.approx(0.4215)
    assert rates.value("social_fee_rate", dt.date(2025, 12, 31)) == pytest.approx(0.4453)
    change = RateChange.objects.get()
    assert (change.old, change.new, change.changed_by_name) == (
        pytest.approx(0.4453),
        0.4215,
        "admin",
    )
    assert AuditEvent.objects.get(action="rate").detail == {
        "valid_from": "2026-01-01",
        "value": "0,4215",
    }


def test_a_rate_without_a_date_is_refused(as_user):
    response = as_user("admin").post(
        "/installningar/",
        {"kind": "rate", "key": "social_fee_rate", "valid_from": "", "value": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert "Satsen social_fee_rate kunde inte sparas: Ange datumet satsen gäller från" in html


def test_every_setting_on_the_page_has_a_swedish_help_text():
    from dataclasses import asdict

    from timbalans.figures.settings import FigureSettings
    from timbalans.web.views.admin_pages import SETTING_HELP

    shown = set(asdict(FigureSettings())) - {"source", "rates", "rates_on"}
    assert shown == set(SETTING_HELP)
