"""Pages take their columns from the figure modules (web/views/pages.py)."""

from __future__ import annotations

import pytest

from timbalans.figures.hour_balance import COLUMNS as HOUR_BALANCE_COLUMNS
from timbalans.figures.hour_balance import WORKLIST_COLUMNS
from timbalans.web.views.pages import CASE_PERIOD_COLUMNS, _chosen


def test_a_page_selection_keeps_the_pages_order():
    assert _chosen(HOUR_BALANCE_COLUMNS, ["status", "period_start"]) == ["status", "period_start"]


def test_a_page_selection_refuses_a_column_the_figure_does_not_have():
    with pytest.raises(ValueError, match="granted_hour"):
        _chosen(HOUR_BALANCE_COLUMNS, ["period_start", "granted_hour"])


def test_the_case_pages_periods_are_hour_balance_columns_without_its_keys():
    # with the worklist's hours a week (a missing schedule is said in the status and the change)
    assert set(CASE_PERIOD_COLUMNS) == (set(HOUR_BALANCE_COLUMNS) | set(WORKLIST_COLUMNS)) - {
        "case_id",
        "unit_id",
        "is_closed",
        "schedule_missing",
        "pace_weekly_change_hours",
    }
