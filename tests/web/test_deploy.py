"""Production settings pass Django's deployment checks, and pages carry the CSP header."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest


def _production_settings() -> dict[str, str]:
    """The ``env`` block of docs/operations.md's "Production settings", a placeholder
    (``<...>``) filled with a fresh key."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    section = guide.split("## Production settings", 1)[1].split("\n## ", 1)[0]
    block = section.split("```env\n", 1)[1].split("```", 1)[0]
    pairs = (line.split("=", 1) for line in block.splitlines() if "=" in line)
    return {
        name: secrets.token_urlsafe(50) if value.startswith("<") else value for name, value in pairs
    }


def test_the_guide_gives_production_settings_on_postgresql():
    production = _production_settings()
    assert production["DATABASE_URL"].startswith("postgres://")
    assert production["TIMBALANS_DEBUG"] == "false"
    assert len(production["TIMBALANS_SECRET_KEY"]) >= 50


def test_check_deploy_is_clean_with_the_guides_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TIMBALANS_")},
        **_production_settings(),
        # The guide's /var/lib/timbalans is not there on a test machine.
        "TIMBALANS_DATA_DIR": str(tmp_path),
    }
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
