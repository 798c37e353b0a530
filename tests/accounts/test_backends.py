"""The one lockout: the admin's login form is locked, counted and audited like the app's."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from tests.web.conftest import PASSWORD
from timbalans.accounts.models import AuditEvent, LoginThrottle
from timbalans.web.views.auth import LOCKED

pytestmark = pytest.mark.django_db


def _admin_post(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def _app_post(client, username, password):
    return client.post("/logga-in/", {"username": username, "password": password})


def test_a_locked_account_cannot_log_in_through_the_admin(client, users, settings):
    settings.TIMBALANS_LOGIN_MAX_FAILURES = 5
    for _ in range(5):
        _app_post(client, "admin", "fel")
    response = _admin_post(client, "admin", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_the_admin_form_counts_failures_into_the_same_lock(client, users, settings):
    settings.TIMBALANS_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _admin_post(client, "admin", "fel")
    assert LoginThrottle.objects.get(username="admin").locked_until is not None
    response = _app_post(client, "admin", PASSWORD)
    assert LOCKED in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", target="admin").count() == 3
    assert AuditEvent.objects.filter(action="locked", target="admin").count() == 1


def test_a_login_through_the_admin_is_audited_and_clears_the_count(client, users):
    _admin_post(client, "admin", "fel")
    assert _admin_post(client, "admin", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="login", username="admin").count() == 1
    assert not LoginThrottle.objects.filter(username="admin").exists()


def test_a_refused_attempt_is_audited_without_checking_the_password(users, settings):
    settings.TIMBALANS_LOGIN_MAX_FAILURES = 2
    authenticate(username="chef", password="fel")
    authenticate(username="chef", password="fel")
    assert authenticate(username="chef", password=PASSWORD) is None
    refused = AuditEvent.objects.get(action="login_failed", detail__refused="locked")
    assert refused.target == "chef"
    assert LoginThrottle.objects.get(username="chef").failures == 2


def test_an_ended_lock_starts_a_new_count(users, settings):
    settings.TIMBALANS_LOGIN_MAX_FAILURES = 2
    settings.TIMBALANS_LOCKOUT_MINUTES = 0
    authenticate(username="chef", password="fel")
    authenticate(username="chef", password="fel")
    authenticate(username="chef", password="fel")
    row = LoginThrottle.objects.get(username="chef")
    assert (row.failures, row.locked_until) == (1, None)
