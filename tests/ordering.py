"""A pytest plugin (``-p tests.ordering`` in pyproject.toml): with pytest-xdist, the slowest
test files are handed out first.

``--dist loadfile`` gives each process whole files, in the order the files are collected
(pytest-xdist's own reordering, by number of tests, is turned off here: a file of two browser
tests would come last and keep one process busy while the other has nothing left). With the
slowest files first, the short ones fill in at the end and the processes finish together.
Only the order of whole files changes; the tests of a file keep their order, and without
pytest-xdist nothing changes."""

from __future__ import annotations

import pytest

# The slowest files, slowest first: their time in the whole suite's --durations (2 processes
# on the 2-core machine, 2026-12-07). A file not named here keeps its place after them.
SLOWEST_FIRST = (
    "tests/web/test_raw_values.py",
    "tests/records/test_backup.py",
    "tests/browser/test_browser.py",
    "tests/cli/test_cli.py",
    "tests/records/test_figure_cache_files.py",
    "tests/records/test_database_frames.py",
    "tests/reports/test_documents.py",
    "tests/browser/test_wide_tables.py",
    "tests/records/test_import_malformed.py",
    "tests/web/test_access.py",
    "tests/ingest/test_validate.py",
    "tests/records/test_import.py",
    "tests/web/test_staffing_pages.py",
    "tests/web/test_jobs.py",
    "tests/core/test_periods.py",
    "tests/ingest/test_fast_pass.py",
    "tests/plans/test_services.py",
    "tests/core/test_intervals.py",
    "tests/plans/test_views.py",
    "tests/web/test_imports.py",
    "tests/generator/test_exchange.py",
)


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("xdist"):
        config.option.loadscopereorder = False


@pytest.hookimpl(trylast=True)  # after pytest-django's order (transactional tests last)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):  # only in pytest-xdist's processes
        return
    rank = {path: i for i, path in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
