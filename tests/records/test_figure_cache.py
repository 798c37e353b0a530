"""The figure cache: no stale figures after an import, an undo or a setting change; scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from tests.builders import write_set
from timbalans.figures.registry import FigureRequest
from timbalans.records import frames as reader
from timbalans.records import models as m
from timbalans.records.figure_cache import data_version_pinned, figure_data_version, figure_table
from timbalans.records.rates import rate_update
from timbalans.records.selectors import figure_settings_load
from timbalans.records.services import (
    import_batch_apply,
    import_batch_undo,
    import_dataset_validate,
    setting_update,
)

pytestmark = pytest.mark.django_db

W_HEAD = "case_id;employee_id;start;end;break_minutes;time_type\n"
# February again for unit 81515 (case 51470): 5 h instead of the base set's 8 h.
FEBRUARY_AGAIN = W_HEAD + "51470;E1;2025-02-10 07:00;2025-02-10 12:00;0;ordinary\n"
D = dt.date(2025, 2, 28)


def apply(path):
    return import_batch_apply(dataset=import_dataset_validate(source=path), source=str(path))


def request():
    return FigureRequest.make(D, settings=figure_settings_load())


def worked(table, case):
    return table.filter(table["case_id"] == case)["worked_hours"].to_list()


@pytest.fixture
def counted_loads(monkeypatch):
    """How often the frames are read from the database."""
    calls = []
    real = reader._read_all

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(reader, "_read_all", counting)
    return calls


def test_tables_are_computed_once_per_data_version_and_share_one_load(tmp_path, counted_loads):
    apply(write_set(tmp_path / "base"))
    first = figure_table(name="hour-balance", request=request())
    again = figure_table(name="hour-balance", request=request())
    figure_table(name="coverage", request=request())
    assert again.equals(first)
    assert len(counted_loads) == 1
    # 51470: 2025-01-10 and 2025-02-10, 07:00-16:00 less 60 min = 8 h each.
    assert worked(first, "51470") == [16.0]


def test_a_new_import_and_its_undo_change_the_figures(tmp_path, counted_loads):
    apply(write_set(tmp_path / "base"))
    assert worked(figure_table(name="hour-balance", request=request()), "51470") == [16.0]

    batch = apply(
        write_set(tmp_path / "feb", **dict.fromkeys(_others(), None), worked=FEBRUARY_AGAIN)
    )
    assert worked(figure_table(name="hour-balance", request=request()), "51470") == [13.0]

    import_batch_undo(number=batch.number)
    assert worked(figure_table(name="hour-balance", request=request()), "51470") == [16.0]
    assert len(counted_loads) == 3


def test_a_setting_change_changes_the_figures(tmp_path):
    apply(write_set(tmp_path / "base"))
    before = figure_table(name="hour-balance", request=request())
    # 51357: period 2025-01-01..2025-02-28, granted 60 × 59 / 7 = 505.71 h, worked 9 h:
    # deviation −98 %, "under" with the default −3 % threshold.
    assert before.filter(before["case_id"] == "51357")["status"].to_list() == ["under"]
    setting_update(key="status_under_pct", value=-99.0)
    after = figure_table(name="hour-balance", request=request())
    assert after.filter(after["case_id"] == "51357")["status"].to_list() == ["balanced"]


def test_the_settings_are_read_once_per_data_version_and_again_after_a_change(
    django_assert_num_queries,
):
    assert figure_settings_load().status_under_pct == -3.0
    with data_version_pinned(), django_assert_num_queries(0):  # a page asks again and again
        assert figure_settings_load().status_under_pct == -3.0
    setting_update(key="status_under_pct", value=-99.0)
    assert figure_settings_load().status_under_pct == -99.0
    rate_update(key="ob_weekend", valid_from=dt.date(2026, 4, 1), value=65, user_name="a")
    assert figure_settings_load().rates.value("ob_weekend", dt.date(2026, 4, 1)) == 65.0
    assert figure_settings_load().status_under_pct == -99.0


def test_an_edit_in_the_admin_moves_the_data_version(tmp_path, admin_user):
    apply(write_set(tmp_path / "base"))
    version = figure_data_version()
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(m.Unit),
        object_id=str(m.Unit.objects.get(unit_id="81515").pk),
        object_repr="81515",
        action_flag=CHANGE,
    )
    assert figure_data_version() != version


def test_a_pinned_version_holds_inside_the_block_and_the_change_shows_after_it(tmp_path):
    apply(write_set(tmp_path / "base"))
    with data_version_pinned() as pinned:
        assert figure_data_version() == pinned
        asked = request()
        before = figure_table(name="hour-balance", request=asked)
        setting_update(key="status_under_pct", value=-99.0)
        # The page being read answers for the data version it started with.
        assert figure_data_version() == pinned
        assert figure_table(name="hour-balance", request=asked).equals(before)
    assert figure_data_version() != pinned
    after = figure_table(name="hour-balance", request=request())
    assert after.filter(after["case_id"] == "51357")["status"].to_list() == ["balanced"]


def test_scoping_by_units_filters_cached_tables(tmp_path):
    apply(write_set(tmp_path / "base"))
    everything = figure_table(name="hour-balance", request=request())
    south = figure_table(name="hour-balance", request=request(), units={"81516"})
    north = figure_table(name="hour-balance", request=request(), units={"81515"})
    assert sorted(everything["case_id"].to_list()) == ["51357", "51470"]
    assert south["case_id"].to_list() == ["51357"]
    assert south["unit_id"].to_list() == ["81516"]
    assert north["case_id"].to_list() == ["51470"]
    # And the full table is still whole after the scoped ones were computed.
    assert figure_table(name="hour-balance", request=request()).height == 2


def test_a_cached_table_handed_out_cannot_be_changed_by_its_caller(tmp_path):
    apply(write_set(tmp_path / "base"))
    table = figure_table(name="hour-balance", request=request())
    table.drop_in_place("worked_hours")
    assert "worked_hours" in figure_table(name="hour-balance", request=request()).columns


def _others():
    return ("units", "cases", "decisions", "employees", "employments", "accounts", "ledger")
