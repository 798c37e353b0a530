"""The board report reads its key figures where the overview does (``figures.key_figures``):
for the same scope and date, the same numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from timbalans.records.figure_access import (
    figure_scope,
    figure_tables,
    key_figure_specs,
    units_visible,
)
from timbalans.reports.defaults import board_texts
from timbalans.reports.selectors import board_report_data, unit_table
from timbalans.web import selectors as web
from timbalans.web.filters import Filters

pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

AS_OF = dt.date(2025, 2, 28)
#: The key figures both show, by their names in the board report.
SHARED = (
    "contracted_hours",
    "unused_hours",
    "unused_cost",
    "bought_hours",
    "substitutable_hours",
    "periods_total",
    "periods_over",
    "periods_under",
    "unpaid_hours",
    "overtime_hours",
    "baseline_overtime_hours",
    "ordinary_hours",
    "sick_hours",
    "short_sick_hours",
    "long_sick_hours",
    "sick_pay_cost",
    "result",
    "year_result",
    "year_budget",
)


def board(access, unit_id=""):
    return board_report_data(
        access=access, unit_id=unit_id, as_of=AS_OF, texts=board_texts(), with_charts=False
    ).figures


@pytest.mark.parametrize(
    ("user", "unit"), [("ledning", ""), ("ledning", "81516"), ("chef", "81515")]
)
def test_the_overview_and_the_board_report_give_the_same_key_figures(
    imported, access_of, user, unit
):
    access = access_of(user)
    overview = web.overview(access=access, filters=Filters(as_of=AS_OF, unit=unit)).figures
    report = board(access, unit)
    assert {n: getattr(overview, n) for n in SHARED} == {n: getattr(report, n) for n in SHARED}
    assert (overview.result_cases, overview.deficit_cases) == (
        report.cases_total,
        report.cases_deficit,
    )


def test_the_departments_key_figures_are_the_hand_computed_ones(imported, access_of):
    figures = web.overview(access=access_of("ledning"), filters=Filters(as_of=AS_OF)).figures
    # tests/plans/conftest.py: −219 000 kr in 81515 and −30 000 kr in 81516; six of the seven
    # cases in deficit (−255 000 kr); 3 h overtime against 6 h in February 2024.
    assert figures.result == -249_000
    assert (figures.result_cases, figures.deficit_cases, figures.deficit_sum) == (7, 6, -255_000)
    assert (figures.overtime_hours, figures.baseline_overtime_hours) == (3.0, 6.0)
    assert (figures.periods_total, figures.periods_under, figures.period_cases) == (7, 7, 7)


def annex_units(access):
    tables = figure_tables(
        scope=figure_scope(access=access, as_of=AS_OF),
        specs=key_figure_specs(as_of=AS_OF, economics=True),
    )
    return unit_table(tables, units_visible(access=access))


def test_the_units_page_and_the_board_reports_annex_give_the_same_unit_figures(imported, access_of):
    access = access_of("ledning")
    page = web.unit_summary(access=access, filters=Filters(as_of=AS_OF)).sort("unit_id")
    annex = annex_units(access)
    shared = [
        "unit_id",
        "periods_over",
        "periods_under",
        "unused_hours",
        "bought_hours",
        "overtime_hours",
        "ytd_change_pct",
        "sick_rate_pct",
        "result_ytd",
    ]
    assert page.select(shared).rows() == annex.select(shared).rows()
    # 81515: E1's 8 hourly-paid hours and E3's 3 hours of overtime; 81516: E2's 8 hours.
    assert page.select("unit_id", "bought_hours", "overtime_hours", "result_ytd").rows() == [
        ("81515", 11.0, 3.0, -219_000.0),
        ("81516", 8.0, 0.0, -30_000.0),
    ]


def test_the_annex_counts_the_cases_with_a_result_and_those_in_deficit(imported, access_of):
    from timbalans.records.figure_access import (
        figure_scope,
        figure_tables,
        key_figure_specs,
        units_visible,
    )

    access = access_of("ledning")
    tables = figure_tables(
        scope=figure_scope(access=access, as_of=AS_OF),
        specs=key_figure_specs(as_of=AS_OF, economics=True),
    )
    units = unit_table(tables, units_visible(access=access))
    assert units.select("unit_id", "cases", "deficit_cases").rows() == [
        ("81515", 6, 5),
        ("81516", 1, 1),
    ]
