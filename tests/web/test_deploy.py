"""Production settings pass Django's deployment checks, and pages carry the CSP header."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "TIMBALANS_DATA_DIR": str(tmp_path),
        "TIMBALANS_DEBUG": "0",
        "TIMBALANS_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-" + "z" * 20,
        "TIMBALANS_SSL_REDIRECT": "1",
        "TIMBALANS_HSTS_SECONDS": "31536000",
    }
    env.pop("DATABASE_URL", None)
    # Set by the browser tests' conftest when both run in one session; never in deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "timbalans", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_say_that_everything_comes_from_this_server(client):
    csp = client.get("/logga-in/")["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp
