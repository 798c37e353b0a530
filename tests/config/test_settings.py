"""The settings: a secret key never written in the code, the log of server errors, the
session limits."""

from __future__ import annotations

import io
import logging
import os
import stat
import subprocess
import sys

import pytest

from timbalans.config.settings import NO_SECRET_KEY, secret_key_kept_in


def _run_settings(tmp_path, **env_extra):
    env = {**os.environ, "TIMBALANS_DATA_DIR": str(tmp_path), **env_extra}
    for name in ("TIMBALANS_SECRET_KEY", "DATABASE_URL", "TIMBALANS_DEBUG"):
        if name not in env_extra:
            env.pop(name, None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from timbalans.config import settings as s; print(s.SECRET_KEY)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_keeps_a_random_key_in_the_data_directory_readable_by_its_owner_only(tmp_path):
    key = secret_key_kept_in(tmp_path / "a")
    assert len(key) >= 50
    assert secret_key_kept_in(tmp_path / "a") == key
    assert secret_key_kept_in(tmp_path / "b") != key
    mode = stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["secret_key"]


def test_with_no_key_the_app_uses_the_one_kept_in_its_data_directory(tmp_path):
    first = _run_settings(tmp_path)
    second = _run_settings(tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (tmp_path / "secret_key").read_text().strip()
    assert second.stdout == first.stdout


def test_postgresql_without_debug_and_without_a_key_is_an_error(tmp_path):
    result = _run_settings(tmp_path, DATABASE_URL="postgres://timbalans@127.0.0.1:5432/timbalans")
    assert result.returncode != 0
    assert NO_SECRET_KEY in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_postgresql_with_a_key_uses_that_key(tmp_path):
    result = _run_settings(
        tmp_path,
        DATABASE_URL="postgres://timbalans@127.0.0.1:5432/timbalans",
        TIMBALANS_SECRET_KEY="given-" + "k" * 50,
    )
    assert result.stdout.strip() == "given-" + "k" * 50


@pytest.mark.django_db
@pytest.mark.urls("tests.config.urls_failing")
def test_a_server_error_reaches_the_log_and_gets_the_swedish_page(client, users):
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    log = io.StringIO()
    old = handler.setStream(log)
    try:
        client.raise_request_exception = False
        client.force_login(users["chef"])
        response = client.get("/fel/")
    finally:
        handler.setStream(old)
    assert response.status_code == 500
    assert "<h1>Något gick fel</h1>" in response.content.decode()
    written = log.getvalue()
    assert "ERROR django.request" in written
    assert "Internal Server Error: /fel/" in written
    assert "RuntimeError: ett fel i en vy" in written
