"""A pytest plugin (``-p tests.environment`` in pyproject.toml), loaded before Django's
settings: a PostgreSQL run needs a secret key, and the tests must not use the data
directory's. Set here, not in the settings: a key in the code is the thing they forbid.

Nor may tests write into the user's data directory (the files mode keeps its typed copies of
data sets there): unless one is given, they get a temporary one, removed when they end."""

import atexit
import os
import secrets
import shutil
import tempfile

os.environ.setdefault("TIMBALANS_SECRET_KEY", "tests-" + secrets.token_urlsafe(40))
if not os.environ.get("TIMBALANS_DATA_DIR"):
    _data_dir = tempfile.mkdtemp(prefix="timbalans-tests-")
    os.environ["TIMBALANS_DATA_DIR"] = _data_dir
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)
# The precomputed figure tables (records.figure_cache.PRECOMPUTED) at once, not in a thread:
# the test sets are small, and a thread would outlive the test's database.
os.environ.setdefault("TIMBALANS_PRECOMPUTE", "inline")
# Under pytest-xdist each core has a process of its own (scripts/test): one polars thread per
# process, not a pool per core in each, whose threads the other processes would wait for
# (4-8 % less CPU for the same tests). The commands the tests start inherit it; the tests of
# a server's worker processes give them polars's default (tests/cli/test_cli.py).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("POLARS_MAX_THREADS", "1")
