import pytest


def pytest_configure(config):
    """Tests hash passwords with a fast hasher: Argon2 costs a tenth of a second per user, and
    most tests make five users. tests/web/test_login.py checks that production uses Argon2."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dataset_dir(tmp_path):
    from tests.builders import write_set

    return write_set(tmp_path / "set")


@pytest.fixture(autouse=True)
def _figure_cache_empty():
    """Each test starts with an empty figure cache: test databases reuse what a real one never
    does (numbering that starts over, rows written without an import)."""
    from timbalans.records.figure_cache import figure_cache_clear

    figure_cache_clear()
    yield
