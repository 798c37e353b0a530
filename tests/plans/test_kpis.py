"""The KPI and effect arithmetic, on small frames and hand-computed values (no database)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from timbalans.plans import kpis


def test_the_window_is_the_twelve_months_ending_with_ds_month():
    assert kpis.window(dt.date(2025, 6, 30)) == (dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    assert kpis.window(dt.date(2026, 1, 15)) == (dt.date(2025, 2, 1), dt.date(2026, 1, 15))
    assert kpis.window(dt.date(2025, 12, 31)) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_the_share_of_the_year_counts_the_start_day_and_31_december():
    # 30 June to 31 December: 1 + 31 + 31 + 30 + 31 + 30 + 31 = 185 of 365 days.
    assert kpis.year_share(dt.date(2025, 6, 30), 2025) == pytest.approx(185 / 365)
    assert kpis.year_share(dt.date(2024, 3, 1), 2025) == 1.0
    assert kpis.year_share(dt.date(2026, 1, 1), 2025) == 0.0
    # 2024 is a leap year: 31 March to 31 December is 276 of 366 days.
    assert kpis.year_share(dt.date(2024, 3, 31), 2024) == pytest.approx(276 / 366)


def test_effects_are_rounded_to_whole_thousands_halves_away_from_zero():
    assert kpis.round_kr(11_150.7) == 11_000
    assert kpis.round_kr(22_500) == 23_000
    assert kpis.round_kr(-22_500) == -23_000
    assert kpis.round_kr(499) == 0


def test_the_expected_current_year_effect_is_the_full_year_prorated_from_the_start():
    e = kpis.expected_effect(effect_low=300_000, effect_high=400_000, start=dt.date(2026, 3, 31))
    # 31 March to 31 December 2026: 276 of 365 days = 0.7562
    assert (e.full_low, e.full_high) == (300_000, 400_000)
    assert (e.current_low, e.current_high) == (227_000, 302_000)


def test_no_savings_range_gives_no_expected_effect():
    e = kpis.expected_effect(effect_low=None, effect_high=None, start=dt.date(2026, 3, 31))
    assert e == kpis.ExpectedEffect(None, None, None, None)


def test_the_measured_effect_is_baseline_less_now_annualised_by_months_elapsed():
    e = kpis.measured_effect(
        baseline_cost=220_000,
        baseline_date=dt.date(2025, 6, 30),
        now_cost=180_000,
        now_date=dt.date(2025, 9, 30),
        start=dt.date(2025, 6, 30),
    )
    months = 92 / (365.25 / 12)  # 3.0226 months
    assert e.realised == pytest.approx(40_000)
    assert e.months == pytest.approx(months)
    # 40 000 × 12 × 30.4375 / 92 = 158 804.35 kr/år
    assert e.annualised == pytest.approx(158_804.35, abs=0.01)
    assert e.current_year == pytest.approx(e.annualised * 185 / 365)


def test_after_a_year_the_measured_effect_is_not_scaled_up():
    e = kpis.measured_effect(
        baseline_cost=500_000,
        baseline_date=dt.date(2024, 1, 1),
        now_cost=420_000,
        now_date=dt.date(2025, 6, 1),
        start=dt.date(2024, 1, 1),
    )
    assert e.annualised == pytest.approx(80_000)
    assert e.current_year == pytest.approx(80_000)  # the whole of 2025


def test_a_measured_effect_under_a_month_has_no_annual_rate():
    e = kpis.measured_effect(
        baseline_cost=100.0,
        baseline_date=dt.date(2025, 6, 30),
        now_cost=90.0,
        now_date=dt.date(2025, 7, 20),
        start=dt.date(2025, 6, 30),
    )
    assert e.realised == pytest.approx(10.0)
    assert e.annualised is None
    assert e.current_year is None


def test_an_unknown_cost_gives_no_measured_effect():
    e = kpis.measured_effect(
        baseline_cost=None,
        baseline_date=dt.date(2025, 6, 30),
        now_cost=90.0,
        now_date=dt.date(2025, 9, 30),
        start=dt.date(2025, 6, 30),
    )
    assert (e.realised, e.annualised, e.current_year) == (None, None, None)


def test_the_target_is_the_baseline_less_the_low_reduction():
    assert kpis.target_for(220_000, low_pct=10) == pytest.approx(198_000)
    assert kpis.target_for(None, low_pct=10) is None


SAVINGS = pl.DataFrame(
    {
        "area": list(kpis.AREAS),
        "cost_base": [9_000.0, 220_000.0, 5_000.0, 3_000.0, 10_000.0],
        "hours": [18.0, None, 20.0, None, None],
        "effect_low": [900.0, 22_000.0, 500.0, 300.0, None],
        "effect_high": [1_800.0, 44_000.0, 1_000.0, 600.0, None],
    }
)
TABLES = {
    "hour-balance": pl.DataFrame({"case_id": ["A", "B"], "unpaid_hours": [12.5, 0.0]}),
    "coverage": pl.DataFrame({"case_id": ["A", "B"], "excess_worked_hours": [4.0, 1.5]}),
    "overtime": pl.DataFrame(
        {
            "unit_id": ["U", "U"],
            "overtime_cost": [1_000.0, 500.0],
            "hourly_staff_cost": [2_000.0, 0.0],
        }
    ),
    "absence": pl.DataFrame({"unit_id": ["U"], "sick_pay_cost": [2_500.0]}),
    "case-economics": pl.DataFrame(
        {
            "case_id": ["A", "A", "B", "C", ""],
            "result": [-100.0, -50.0, -30.0, 20.0, -7.0],
            "structural_cost": [10.0, 0.0, 5.0, 0.0, 0.0],
        }
    ),
    "savings": SAVINGS,
}


def test_decided_hours_are_the_hours_and_cost_of_the_savings_base():
    # savings' decided_hours: unpaid hours of closed periods + forecast over of open ones.
    v = kpis.kpi_value("decided_hours", TABLES)
    assert v.value == pytest.approx(18.0)
    assert v.cost == pytest.approx(9_000)
    assert v.parts == {"hours": 18.0}


def test_savings_lines_give_each_area_its_base_and_sentence():
    lines = kpis.savings_lines(SAVINGS)
    assert [line.area for line in lines] == list(kpis.AREAS)
    assert lines[0].cost_base == 9_000 and lines[0].hours == 18.0
    assert lines[0].text.startswith("Timmar som inte ersätts")
    assert lines[4].effect_low is None
    assert kpis.savings_lines(None) == ()


def test_the_cases_kpi_from_the_time_data_alone():
    economics = pl.DataFrame(
        {
            "case_id": ["A", "B", ""],
            "result": [-100.0, -30.0, -7.0],
            "computed_revenue": [50.0, 10.0, 0.0],
            "computed_cost_total": [80.0, 15.0, 4.0],
        }
    )
    v = kpis.kpi_value("cases", {"case-economics": economics}, computed=True)
    assert v.cost == pytest.approx(30 + 5)  # the unit row (case "") is not a case
    assert kpis.kpi_value("cases", {"case-economics": economics}).cost == pytest.approx(130)


def test_the_cases_kpi_is_the_deficit_of_the_named_cases():
    v = kpis.kpi_value("cases", TABLES, case_ids=["A", "B"])
    assert v.value == v.cost == pytest.approx(180.0)


def test_the_cases_kpi_without_names_is_every_case_but_never_the_unallocated_row():
    assert kpis.kpi_value("cases", TABLES).value == pytest.approx(160.0)


def test_overtime_and_hourly_staff_cost_is_the_temp_overtime_kpi():
    v = kpis.kpi_value("temp_overtime", TABLES)
    assert v.value == pytest.approx(3_500.0)
    assert v.cost == pytest.approx(5_000.0)


def test_sick_leave_and_structural_kpis():
    assert kpis.kpi_value("sick_leave", TABLES).value == pytest.approx(2_500.0)
    assert kpis.kpi_value("structural", TABLES).value == pytest.approx(15.0)
    no_savings = {k: v for k, v in TABLES.items() if k != "savings"}
    assert kpis.kpi_value("structural", no_savings).cost == pytest.approx(15.0)
    assert kpis.kpi_value("sick_leave", no_savings).cost is None


def test_the_largest_deficits_are_cases_in_deficit_worst_first():
    assert kpis.largest_deficits(TABLES["case-economics"], 4) == [("A", -150.0), ("B", -30.0)]
    assert kpis.largest_deficits(TABLES["case-economics"], 1) == [("A", -150.0)]


def test_measure_3s_potential_is_the_backtest_summed():
    backtest = pl.DataFrame(
        {
            "unit_id": ["U1", "U1"],
            "month": ["2026-02", "2026-03"],
            "bought_hours": [10.0, 30.0],
            "tier1_hours": [4.0, 6.0],
            "tier2_hours": [0.0, 5.0],
            "saving_sek": [1000.0, -200.0],
        }
    )
    p = kpis.backtest_potential(backtest)
    assert p == kpis.BacktestPotential(bought_hours=40.0, refill_hours=15.0, saving_sek=800.0)
    assert p.refill_pct == pytest.approx(37.5)
    assert kpis.backtest_potential(None) is None
