"""/healthz/: anonymous, 200 when the database answers, 503 when it does not."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from timbalans.web.views.health import DATABASE_DOWN, HEALTHY

# A client in a process whose database is a PostgreSQL port where nothing listens.
NO_DATABASE = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
django.setup()
from django.test import Client
r = Client().get("/healthz/", HTTP_HOST="localhost")
print(r.status_code, r.content.decode())
"""


@pytest.mark.django_db
def test_it_answers_200_without_a_login_when_the_database_answers(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content.decode() == HEALTHY
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/").status_code == 200
    assert client.get("/logga-in/").status_code == 301


def test_it_answers_503_when_the_database_does_not(tmp_path):
    env = {
        **os.environ,
        "TIMBALANS_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/ingen",
        "TIMBALANS_SECRET_KEY": "t" * 60,
    }
    result = subprocess.run(
        [sys.executable, "-c", NO_DATABASE], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"503 {DATABASE_DOWN}"
