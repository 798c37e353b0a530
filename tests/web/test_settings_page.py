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
