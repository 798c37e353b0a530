"""A session ends after 30 minutes without use and after its absolute limit."""

from __future__ import annotations

import time

import pytest

from timbalans.accounts.middleware import SEEN, STARTED

pytestmark = pytest.mark.django_db


def _logged_in(client, users, *, started_ago, seen_ago):
    client.force_login(users["controller"])
    session = client.session
    now = time.time()
    session[STARTED] = now - started_ago
    session[SEEN] = now - seen_ago
    session.save()
    return client


def test_the_defaults_are_30_minutes_idle_and_10_hours_in_all(settings):
    assert settings.TIMBALANS_SESSION_IDLE_MINUTES == 30
    assert settings.TIMBALANS_SESSION_MAX_HOURS == 10
    assert settings.SESSION_COOKIE_AGE == 10 * 3600


def test_a_session_used_within_the_idle_time_goes_on(client, users):
    client = _logged_in(client, users, started_ago=3600, seen_ago=29 * 60)
    assert client.get("/arenden/").status_code == 200
    assert time.time() - client.session[SEEN] < 5


def test_a_session_idle_for_more_than_30_minutes_is_logged_out(client, users):
    client = _logged_in(client, users, started_ago=3600, seen_ago=31 * 60)
    response = client.get("/arenden/")
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/")
    assert "_auth_user_id" not in client.session


def test_a_session_past_its_absolute_limit_ends_even_in_use(client, users, settings):
    settings.TIMBALANS_SESSION_MAX_HOURS = 2
    client = _logged_in(client, users, started_ago=2 * 3600 + 1, seen_ago=10)
    assert client.get("/arenden/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_idle_time_is_a_setting(client, users, settings):
    settings.TIMBALANS_SESSION_IDLE_MINUTES = 5
    client = _logged_in(client, users, started_ago=600, seen_ago=6 * 60)
    assert client.get("/arenden/").status_code == 302
