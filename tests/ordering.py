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
# on the 2-core machine, 2026-12-07, session 9, less what its changes saved in each file). A
# file not named here keeps its place after them.
SLOWEST_FIRST = (
    "tests/web/test_raw_values.py",
    "tests/browser/test_browser.py",
    "tests/cli/test_cli.py",
    "tests/records/test_backup.py",
    "tests/browser/test_wide_tables.py",
    "tests/records/test_database_frames.py",
    "tests/records/test_import_malformed.py",
    "tests/reports/test_documents.py",
    "tests/records/test_figure_cache_files.py",
    "tests/reports/test_documents_changed.py",
    "tests/core/test_intervals.py",
    "tests/web/test_staffing_pages.py",
    "tests/web/test_access.py",
    "tests/records/test_import.py",
    "tests/browser/test_profile_editor.py",
    "tests/ingest/test_fast_pass.py",
    "tests/web/test_imports.py",
    "tests/web/test_jobs.py",
    "tests/ingest/test_validate.py",
    "tests/browser/test_staffing.py",
    "tests/core/test_periods.py",
    "tests/browser/test_decision_form.py",
    "tests/plans/test_views.py",
    "tests/generator/test_exchange.py",
    "tests/ingest/test_exchange_roundtrip.py",
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
