"""A pytest plugin (``-p tests.environment`` in pyproject.toml), loaded before Django's
settings: a PostgreSQL run needs a secret key, and the tests must not use the data
directory's. Set here, not in the settings: a key in the code is the thing they forbid."""

import os
import secrets

os.environ.setdefault("TIMBALANS_SECRET_KEY", "tests-" + secrets.token_urlsafe(40))
# The precomputed figure tables (records.figure_cache.PRECOMPUTED) at once, not in a thread:
# the test sets are small, and a thread would outlive the test's database.
os.environ.setdefault("TIMBALANS_PRECOMPUTE", "inline")
