"""Figures at fixed prices (timbalans/figures/prices.py) and the measured effect at them
(timbalans/plans/kpis.py, fixed_price_effect): the FK rate rising from 342.60 (2025) to 347.70
(2026) and a wage rise are not counted as a measure's effect.

C1 has an FK decision for 2025–2026 (7 h/week, one-month periods: no hour is unpaid). E1
(26 000 kr → 150 kr/h, 27 000 kr from 2026 → 155.77 kr/h) works the same 20 h in January 2025
and January 2026. The plan starts 1 June 2025; the baseline B is 31 March 2025 and now D is
31 March 2026, so each window holds one of the two Januaries.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.figures.helpers import frames, worked_row
from timbalans.figures.case_economics import case_economics
from timbalans.figures.prices import at_prices_of, wages_on
from timbalans.figures.registry import FigureRequest
from timbalans.figures.savings import window_request
from timbalans.figures.settings import FigureSettings
from timbalans.plans.kpis import fixed_price_effect, kpi_value

FEE = 1.4453
START = dt.date(2025, 6, 1)
B, D = dt.date(2025, 3, 31), dt.date(2026, 3, 31)


def data():
    days = [f"{y}-01-{d:02d}" for y in (2025, 2026) for d in (13, 14)]
    return frames(
        units=[{"unit_id": "U1", "name": "PA Norr", "cost_center": "81515"}],
        cases=[
            {
                "case_id": "C1",
                "unit_id": "U1",
                "service": "assistans_sfb",
                "start_date": "2024-01-01",
            }
        ],
        decisions=[
            {
                "case_id": "C1",
                "payer": "FK",
                "hours_per_week": 7.0,
                "valid_from": "2025-01-01",
                "valid_to": "2026-12-31",
                "period_start": "2025-01-01",
                "period_months": 1,
            }
        ],
        employees=[{"employee_id": "E1", "unit_id": "U1"}],
        employments=[
            {
                "employee_id": "E1",
                "form": "monthly_permanent",
                "employment_rate": 100.0,
                "monthly_salary": salary,
                "valid_from": first,
                "valid_to": last,
            }
            for salary, first, last in (
                (26000.0, "2024-01-01", "2025-12-31"),
                (27000.0, "2026-01-01", None),
            )
        ],
        worked=[worked_row("C1", "E1", f"{d} 08:00", f"{d} 18:00") for d in days],
    )


def case_cost(f, settings, as_of) -> float:
    """The 'cases' KPI of C1 (− its computed result) over the 12 months ending ``as_of``."""
    req = window_request(FigureRequest.make(as_of, settings=settings))
    tables = {"case-economics": case_economics(f, req)}
    value = kpi_value("cases", tables, case_ids=["C1"], computed=True).cost
    assert value is not None
    return value


def test_the_wages_in_force_on_the_day_hold_for_every_employment():
    fixed = wages_on(data().employments, START)
    assert fixed["monthly_salary"].to_list() == [26000.0, 26000.0]


def test_the_rates_hold_their_value_on_the_day():
    rates = FigureSettings().rates.frozen_on(START)
    assert rates.value("standard_hourly_rate", dt.date(2026, 1, 13)) == 342.60
    assert rates.value("standard_hourly_rate", dt.date(2024, 1, 13)) == 342.60


def test_a_higher_schablon_and_wage_are_a_price_effect_not_the_measures():
    f, s = data(), FigureSettings()
    # At each month's own prices: 2025: 20 × 342.60 − 20 × 150 × 1.4453 = 2 516.10 surplus;
    # 2026: 20 × 347.70 − 20 × 27 000/173.33 × 1.4453 = 2 451.33. The KPI (− result) rose by
    # 64.77: the case looks worse, only from prices (+102 revenue, −166.77 wage and fees).
    actual_b, actual_d = case_cost(f, s, B), case_cost(f, s, D)
    wage_2026 = 27000 / (40 * 52 / 12)
    assert actual_b == pytest.approx(-(20 * 342.60 - 20 * 150 * FEE))
    assert actual_d == pytest.approx(-(20 * 347.70 - 20 * wage_2026 * FEE))
    # At the prices of 1 June 2025 both Januaries are the same: no effect of the measure.
    ff, fs = at_prices_of(f, s, START)
    fixed_b, fixed_d = case_cost(ff, fs, B), case_cost(ff, fs, D)
    assert fixed_b == pytest.approx(actual_b)
    assert fixed_d == pytest.approx(actual_b)
    effect = fixed_price_effect(
        prices_on=START,
        realised=actual_b - actual_d,
        baseline_fixed=fixed_b,
        now_fixed=fixed_d,
        baseline_actual=actual_b,
        now_actual=actual_d,
    )
    assert effect.measured == pytest.approx(0.0)
    assert effect.price_effect == pytest.approx(actual_b - actual_d)  # −64.77
    assert effect.price_effect == pytest.approx(
        20 * (347.70 - 342.60) - 20 * (wage_2026 - 150) * FEE
    )


def test_the_measured_effect_at_fixed_prices_and_the_price_effect_add_up_to_the_realised():
    # Realised 40 000 (booked); the time data: at own prices 1 000 − 1 300, at fixed prices
    # 1 000 − 1 000: the price effect is −300 − 0 = −300, the measure's 40 300.
    effect = fixed_price_effect(
        prices_on=START,
        realised=40_000,
        baseline_fixed=1_000,
        now_fixed=1_000,
        baseline_actual=1_000,
        now_actual=1_300,
    )
    assert effect.price_effect == pytest.approx(-300)
    assert effect.measured == pytest.approx(40_300)
    none = fixed_price_effect(
        prices_on=START,
        realised=None,
        baseline_fixed=1_000,
        now_fixed=1_000,
        baseline_actual=1_000,
        now_actual=1_300,
    )
    assert none.measured is None and none.price_effect == pytest.approx(-300)
