"""Key figures from hand-made figure tables of two units, A and B (every value below is
summed by hand from the rows).

capacity: A in January 100 h contracted, 10 h unused (3 000 kr), bought 5 + 2 + 1 = 8 h
(hourly, mertid, overtime), 4 h substitutable; A in February 100, 6 (1 800 kr), 3 + 0 + 4 = 7,
3; B in January 50, 0, 8 + 1 + 0 = 9, 0. Bought hours 24, unused 16 h and 4 800 kr.

hour-balance (current periods): A case c1 over (2 h unpaid) and balanced, A c2 under, B c3
over (1.5 h unpaid); forecast deviations +5, 0, −10 and +3 h: 8 h over and −10 h under granted,
A +5 and −10, B +3 and 0 (netted, A's −5 would hide its overrun).

overtime: A January 4 h against 5 in the comparison year, February 8 against 5; B January 2
against 0. 14 against 10: +40 %.

absence: A January 160 h ordinary, 8 h sick (short), 1 000 kr sick pay; February 160, 16 sick
(4 short, 12 long), sick pay NaN (missing, not a number); B January 80, 0. 24 of 400: 6 %.

case-economics: A c1 −100 and −50, A c2 +30, A's unit row −4, B c3 −20: result −144; cases
c1 −150, c2 +30, c3 −20, so two of three in deficit, −170 kr.

forecast: cost centres A −300 (budget −200) and B −50 (no budget); a case row −999 is not a
cost centre.
"""

from __future__ import annotations

import polars as pl
import pytest

from timbalans.figures import key_figures as kf

NAN = float("nan")


def capacity() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_id": ["A", "A", "B"],
            "month": ["2025-01", "2025-02", "2025-01"],
            "contracted_hours": [100.0, 100.0, 50.0],
            "unused_hours": [10.0, 6.0, 0.0],
            "unused_cost": [3000.0, 1800.0, 0.0],
            "hourly_staff_hours": [5.0, 3.0, 8.0],
            "additional_hours": [2.0, 0.0, 1.0],
            "overtime_hours": [1.0, 4.0, 0.0],
            "substitutable_hours": [4.0, 3.0, 0.0],
        }
    )


def hour_balance() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_id": ["A", "A", "A", "B"],
            "case_id": ["c1", "c1", "c2", "c3"],
            "status": ["over", "balanced", "under", "over"],
            "unpaid_hours": [2.0, 0.0, 0.0, 1.5],
            "granted_hours": [100.0, 50.0, 80.0, 60.0],
            "forecast_deviation_hours": [5.0, 0.0, -10.0, 3.0],
        }
    )


def overtime() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_id": ["A", "A", "B"],
            "month": ["2025-01", "2025-02", "2025-01"],
            "overtime_hours": [4.0, 8.0, 2.0],
            "baseline_overtime_hours": [5.0, 5.0, 0.0],
        }
    )


def absence() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_id": ["A", "A", "B"],
            "month": ["2025-01", "2025-02", "2025-01"],
            "ordinary_hours": [160.0, 160.0, 80.0],
            "sick_hours": [8.0, 16.0, 0.0],
            "short_sick_hours": [8.0, 4.0, 0.0],
            "long_sick_hours": [0.0, 12.0, 0.0],
            "sick_pay_cost": [1000.0, NAN, 0.0],
        }
    )


def economics() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_id": ["A", "A", "A", "A", "B"],
            "case_id": ["c1", "c1", "c2", "", "c3"],
            "month": ["2025-01", "2025-02", "2025-01", "2025-01", "2025-01"],
            "result": [-100.0, -50.0, 30.0, -4.0, -20.0],
        }
    )


def forecast(budget: list[float | None] | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "level": ["cost_center", "cost_center", "case"],
            "year_result": [-300.0, -50.0, -999.0],
            "budget": budget if budget is not None else [-200.0, None, None],
        },
        schema_overrides={"budget": pl.Float64},
    )


def tables() -> dict[str, pl.DataFrame]:
    return {
        "capacity": capacity(),
        "hour-balance": hour_balance(),
        "overtime": overtime(),
        "absence": absence(),
        "case-economics": economics(),
        "forecast": forecast(),
    }


UNITS = [{"unit_id": "B", "name": "Syd"}, {"unit_id": "A", "name": "Norr"}]


# ---------------------------------------------------------------------------- sums


def test_total_sums_a_column():
    assert kf.total(capacity(), "unused_hours") == 16.0


def test_total_of_a_missing_table_or_column_is_zero():
    assert kf.total(None, "unused_hours") == 0.0
    assert kf.total(capacity(), "no_such_column") == 0.0


def test_total_or_none_keeps_a_missing_table_apart_from_zero():
    assert kf.total_or_none(None, "unused_hours") is None
    assert kf.total_or_none(capacity(), "no_such_column") is None
    assert kf.total_or_none(capacity().clear(), "unused_hours") == 0.0


def test_total_treats_nan_as_missing_not_as_a_number():
    assert kf.total(absence(), "sick_pay_cost") == 1000.0
    all_nan = pl.DataFrame({"x": [NAN, NAN]})
    assert kf.total(all_nan, "x") == 0.0
    assert kf.total_or_none(all_nan, "x") == 0.0


def test_total_sums_integers_and_nulls():
    assert kf.total(pl.DataFrame({"n": [1, None, 2]}), "n") == 3.0


def test_bought_hours_are_hourly_staff_mertid_and_overtime():
    assert kf.bought_hours(capacity()) == 24.0
    assert kf.bought_hours(None) == 0.0
    per_row = capacity().select(kf.BOUGHT_HOURS)["bought_hours"].to_list()
    assert per_row == [8.0, 7.0, 9.0]


def test_case_results_sum_per_case_worst_first_without_the_unit_row():
    assert kf.case_results(economics()).rows() == [("c1", -150.0), ("c3", -20.0), ("c2", 30.0)]


def test_monthly_overtime_is_summed_per_month_against_the_comparison_year():
    monthly = kf.monthly_overtime(overtime())
    assert monthly.rows() == [("2025-01", 6.0, 5.0, 20.0), ("2025-02", 8.0, 5.0, 60.0)]


def test_pct_change_and_share_have_no_value_without_a_base():
    assert kf.pct_change(14.0, 10.0) == 40.0
    assert kf.pct_change(2.0, 0.0) is None
    assert kf.share_pct(24.0, 400.0) == 6.0
    assert kf.share_pct(1.0, 0.0) is None


# ---------------------------------------------------------------------------- one scope


def test_key_figures_of_one_scope():
    k = kf.key_figures(tables())
    assert (k.contracted_hours, k.unused_hours, k.unused_cost) == (250.0, 16.0, 4800.0)
    assert (k.bought_hours, k.substitutable_hours) == (24.0, 7.0)
    assert k.status_counts == {"over": 2, "balanced": 1, "under": 1}
    assert (k.periods_total, k.periods_over, k.periods_under) == (4, 2, 1)
    assert (k.unpaid_hours, k.period_cases) == (3.5, 3)
    assert (k.forecast_over_hours, k.forecast_under_hours) == (8.0, -10.0)
    assert (k.overtime_hours, k.baseline_overtime_hours) == (14.0, 10.0)
    assert k.overtime_change_pct == pytest.approx(40.0)
    assert (k.ordinary_hours, k.sick_hours, k.sick_rate_pct) == (400.0, 24.0, 6.0)
    assert (k.short_sick_hours, k.long_sick_hours) == (12.0, 12.0)
    assert k.sick_pay_cost == 1000.0  # the NaN month is missing, not NaN
    assert k.result == -144.0
    assert (k.result_cases, k.deficit_cases, k.deficit_sum) == (3, 2, -170.0)
    assert (k.year_result, k.year_budget) == (-350.0, -200.0)


def test_without_economics_and_forecast_their_figures_are_none():
    without = {n: t for n, t in tables().items() if n not in ("case-economics", "forecast")}
    k = kf.key_figures(without)
    assert (k.result, k.result_cases, k.deficit_cases, k.deficit_sum) == (None,) * 4
    assert (k.year_result, k.year_budget) == (None, None)
    assert k.bought_hours == 24.0


def test_a_forecast_without_any_budget_has_no_budget_not_a_budget_of_zero():
    k = kf.key_figures({"forecast": forecast(budget=[None, None, None])})
    assert (k.year_result, k.year_budget) == (-350.0, None)


def test_no_tables_give_zero_hours_and_no_rates():
    k = kf.key_figures({})
    assert (k.unused_hours, k.bought_hours, k.overtime_hours, k.sick_hours) == (0.0,) * 4
    assert (k.periods_total, k.period_cases, k.status_counts) == (0, 0, {})
    assert (k.forecast_over_hours, k.forecast_under_hours) == (0.0, 0.0)
    assert k.overtime_change_pct is None
    assert k.sick_rate_pct is None


def test_empty_tables_give_zero_like_missing_ones():
    k = kf.key_figures({n: t.clear() for n, t in tables().items()})
    assert (k.unused_hours, k.bought_hours, k.periods_total) == (0.0, 0.0, 0)
    assert (k.result, k.result_cases, k.deficit_cases) == (0.0, 0, 0)
    assert (k.year_result, k.year_budget) == (0.0, None)


# ---------------------------------------------------------------------------- per unit


def test_unit_key_figures_per_unit_in_unit_order():
    units = kf.unit_key_figures(tables(), UNITS)
    rows = {r["unit_id"]: r for r in units.iter_rows(named=True)}
    assert units["unit_id"].to_list() == ["A", "B"]
    a, b = rows["A"], rows["B"]
    assert (a["name"], a["period_cases"], a["periods_over"], a["periods_under"]) == (
        "Norr",
        2,
        1,
        1,
    )
    assert (a["granted_hours"], a["forecast_deviation_hours"]) == (230.0, -5.0)
    assert (a["forecast_over_hours"], a["forecast_under_hours"]) == (5.0, -10.0)
    assert (b["forecast_over_hours"], b["forecast_under_hours"]) == (3.0, 0.0)
    assert (a["unused_hours"], a["bought_hours"], b["bought_hours"]) == (16.0, 15.0, 9.0)
    assert (a["overtime_hours"], a["ytd_change_pct"]) == (12.0, 20.0)
    assert (b["overtime_hours"], b["ytd_change_pct"]) == (2.0, None)
    assert (a["sick_rate_pct"], b["sick_rate_pct"]) == (7.5, 0.0)
    assert (a["result_ytd"], a["result_cases"], a["deficit_cases"]) == (-124.0, 2, 1)
    assert (b["result_ytd"], b["result_cases"], b["deficit_cases"]) == (-20.0, 1, 1)


def test_unit_key_figures_add_up_to_the_key_figures_of_the_scope():
    units = kf.unit_key_figures(tables(), UNITS)
    k = kf.key_figures(tables())
    assert units["bought_hours"].sum() == k.bought_hours
    assert units["result_ytd"].sum() == k.result
    assert units["deficit_cases"].sum() == k.deficit_cases
    assert units["forecast_over_hours"].sum() == k.forecast_over_hours
    assert units["forecast_under_hours"].sum() == k.forecast_under_hours


def test_a_unit_without_rows_has_nulls_and_a_table_not_computed_no_columns():
    only = {"capacity": capacity()}
    units = kf.unit_key_figures(only, [*UNITS, {"unit_id": "C", "name": "Väst"}])
    assert units.columns == ["unit_id", "name", "unused_hours", "bought_hours"]
    assert units.row(2) == ("C", "Väst", None, None)
