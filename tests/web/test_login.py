"""Login: Argon2, lockout after repeated failures, and every attempt in the audit trail."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.web.conftest import PASSWORD
from timbalans.accounts.models import AuditEvent
from timbalans.web.views.auth import LOCKED, WRONG

pytestmark = pytest.mark.django_db


def _post(client, username, password):
    return client.post("/logga-in/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(users, settings):
    # The suite hashes with a fast hasher (tests/conftest.py); production's list is this one.
    from timbalans.config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = get_user_model().objects.get(username="chef")
    user.set_password(PASSWORD)
    assert user.password.startswith("argon2$")


def test_a_user_logs_in_and_the_login_is_logged(client, users):
    response = _post(client, "chef", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert AuditEvent.objects.filter(action="login", username="chef").count() == 1


def test_a_wrong_password_gets_a_swedish_message(client, users):
    response = _post(client, "chef", "fel")
    assert WRONG in response.content.decode()
    assert AuditEvent.objects.get(action="login_failed").target == "chef"


def test_five_failures_lock_the_name_even_with_the_right_password(client, users, settings):
    settings.TIMBALANS_LOGIN_MAX_FAILURES = 5
    for _ in range(4):
        assert LOCKED not in _post(client, "chef", "fel").content.decode()
    assert LOCKED in _post(client, "chef", "fel").content.decode()
    response = _post(client, "chef", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert AuditEvent.objects.filter(action="locked", target="chef").count() == 1


def test_the_lock_ends_after_its_time(client, users, settings):
    settings.TIMBALANS_LOGIN_MAX_FAILURES = 2
    settings.TIMBALANS_LOCKOUT_MINUTES = 0
    _post(client, "chef", "fel")
    _post(client, "chef", "fel")
    assert _post(client, "chef", PASSWORD).status_code == 302


def test_a_name_that_does_not_exist_is_locked_the_same_way(client, db, settings):
    settings.TIMBALANS_LOGIN_MAX_FAILURES = 2
    _post(client, "okand", "x")
    assert LOCKED in _post(client, "okand", "x").content.decode()


def test_logout_needs_a_post_and_ends_the_session(client, users):
    _post(client, "chef", PASSWORD)
    assert client.post("/logga-ut/").status_code == 302
    assert client.get("/").status_code == 302
