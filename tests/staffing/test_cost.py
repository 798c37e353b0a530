"""Marginal cost of one candidate on one shift, by hand (helpers.RATES: fees 50 %, holiday
pay 10 %, overtime factor 2, on-call 40 and standby 20 kr/h)."""

from __future__ import annotations

import pytest

from tests.staffing.helpers import d, hourly, monthly, shift
from timbalans.core.rates import default_rates
from timbalans.staffing.cost import pair_cost, pair_terms, shift_rates
from timbalans.staffing.instance import TIER_ADDITIONAL, TIER_ORDINARY, TIER_OVERTIME

DAY = shift("S", "2026-03-03 07:00", "2026-03-03 15:00", ob=30.0)  # 8 h, OB 30 kr
JOUR = shift("J", "2026-03-03 22:00", "2026-03-04 07:00", kind="on_call")  # 9 h
STANDBY = shift("B", "2026-03-03 22:00", "2026-03-04 07:00", kind="standby")


def terms(candidate, s):
    return pair_terms(candidate.employments[0], s)


def test_hours_inside_unused_contracted_time_cost_only_the_ob_with_social_fees():
    t = terms(monthly("A", basis=200.0), DAY)
    assert pair_cost(t, {TIER_ORDINARY: 480}) == pytest.approx(30 * 1.5)


def test_mertid_costs_the_hourly_cost_basis_with_social_fees():
    t = terms(monthly("P", rate=75, basis=200.0), DAY)
    # 3 h unused, 5 h mertid: 45 + 200 × 1.5 × 5
    assert pair_cost(t, {TIER_ORDINARY: 180, TIER_ADDITIONAL: 300}) == pytest.approx(1545.0)


def test_overtime_costs_the_basis_times_the_overtime_factor():
    t = terms(monthly("F", basis=200.0), DAY)
    # 2 h unused, 6 h overtime: 45 + 200 × 2 × 1.5 × 6
    assert pair_cost(t, {TIER_ORDINARY: 120, TIER_OVERTIME: 360}) == pytest.approx(3645.0)


def test_hourly_staff_cost_the_wage_with_holiday_pay():
    t = terms(hourly("H", wage=150.0), DAY)
    assert not t.uses_room
    assert pair_cost(t, {}) == pytest.approx(45 + 150 * 1.1 * 8 * 1.5)  # 2025


def test_on_call_and_standby_use_no_contracted_time():
    monthly_jour = terms(monthly("A"), JOUR)
    assert not monthly_jour.uses_room
    assert pair_cost(monthly_jour, {}) == pytest.approx(40 * 9 * 1.5)  # 540
    assert pair_cost(terms(monthly("A"), STANDBY), {}) == pytest.approx(20 * 9 * 1.5)  # 270
    # Hourly staff: the wage for the counted hours, 1/4 of on-call and 1/8 here of standby.
    assert pair_cost(terms(hourly("H"), JOUR), {}) == pytest.approx(150 * 1.1 * 9 * 0.25 * 1.5)
    assert pair_cost(terms(hourly("H"), STANDBY), {}) == pytest.approx(150 * 1.1 * 9 * 0.125 * 1.5)


def test_shift_rates_are_read_from_the_rate_set_on_the_day():
    rates = default_rates().with_values(
        social_fee_rate=0.4,
        holiday_pay_rate=0.12,
        overtime_factor_simple=1.8,
        overtime_factor_qualified=2.0,
        on_call_pay=50.0,
        standby_pay=25.0,
    )
    r = shift_rates(rates, d("2026-03-03"), qualified_share=0.25)
    assert r.social_fee_rate == 0.4
    assert r.holiday_pay_rate == 0.12
    assert r.overtime_factor == pytest.approx(1.8 * 0.75 + 2.0 * 0.25)  # 1.85
    assert (r.on_call_pay, r.standby_pay) == (50.0, 25.0)


def test_shift_rates_follow_a_change_of_rate_on_a_date():
    from timbalans.core.rates import Rate

    rates = default_rates().overridden([Rate("social_fee_rate", d("2026-03-04"), 0.3)], name="test")
    before = shift_rates(rates, d("2026-03-03")).social_fee_rate
    assert before == rates.value("social_fee_rate", d("2026-03-03"))
    assert shift_rates(rates, d("2026-03-04")).social_fee_rate == 0.3
