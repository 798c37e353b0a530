"""Marginal cost in SEK of giving an open shift to a candidate.

What a shift costs on top of what is already paid (social fees on everything):

* **assistance**, monthly-paid, hours inside unused contracted time (tier 1): OB only, the
  salary is already paid;
* mertid (tier 2): hourly cost basis per hour, plus OB;
* overtime (tier 4): hourly cost basis × overtime factor per hour, plus OB (the factor is
  the shift's mix of simple and qualified overtime, :func:`shift_rates`);
* hourly-paid staff (tier 3): hourly wage × (1 + holiday pay) per hour, plus OB;
* **on-call and standby** use no contracted time: monthly-paid staff get the on-call
  (standby) pay per hour, hourly-paid staff their wage with holiday pay for the counted hours
  (1/4 resp. 1/7 of the hours, as the figures count them).

Every amount is the rate valid on the shift's date. :func:`shift_rates` is the one place
that reads the rate set; everything else takes the plain numbers of
:class:`~timbalans.staffing.instance.ShiftRates`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from timbalans.core.rates import RateSet
from timbalans.staffing.instance import (
    TIER_ADDITIONAL,
    TIER_HOURLY,
    TIER_ORDINARY,
    TIER_OVERTIME,
    Employment,
    OpenShift,
    ShiftRates,
)


def shift_rates(
    rates: RateSet,
    day: dt.date,
    *,
    qualified_share: float = 0.0,
    on_call_factor: float = 0.25,
    standby_factor: float = 1 / 7,
) -> ShiftRates:
    """The plain numbers of the rate set on ``day`` for one shift.

    ``qualified_share``: the share of the shift's hours that would be qualified overtime
    (the night, weekend and storhelg OB windows); the rest is simple overtime.
    """
    simple = rates.value("overtime_factor_simple", day)
    qualified = rates.value("overtime_factor_qualified", day)
    return ShiftRates(
        social_fee_rate=rates.value("social_fee_rate", day),
        holiday_pay_rate=rates.value("holiday_pay_rate", day),
        overtime_factor=simple * (1 - qualified_share) + qualified * qualified_share,
        on_call_pay=rates.value("on_call_pay", day),
        standby_pay=rates.value("standby_pay", day),
        on_call_factor=on_call_factor,
        standby_factor=standby_factor,
    )


@dataclass(frozen=True)
class PairTerms:
    """How one (candidate, shift) pair costs, incl. social fees.

    ``fixed_sek`` is paid whatever tier the hours fall in (OB; on-call or standby pay; an
    hourly-paid person's wage). ``uses_room``: the hours draw on the month's unused contracted
    time and mertid room (monthly-paid staff on an assistance shift); then tier 1 hours cost
    nothing more, tier 2 hours ``additional_per_hour`` and tier 4 hours ``overtime_per_hour``.
    Otherwise the pair has the one tier ``tier``.
    """

    fixed_sek: float
    uses_room: bool
    tier: int
    additional_per_hour: float = 0.0
    overtime_per_hour: float = 0.0


def pair_terms(employment: Employment, shift: OpenShift, hours: float | None = None) -> PairTerms:
    """``hours``: the shift's paid hours, when the caller has them at hand."""
    r = shift.rates
    fees = 1 + r.social_fee_rate
    hours = shift.hours if hours is None else hours
    basis = employment.hourly_cost_basis or 0.0
    wage = (employment.hourly_wage or 0.0) * (1 + r.holiday_pay_rate)
    monthly = employment.form == "monthly"
    if shift.kind == "assistance":
        ob = shift.ob_sek * fees
        if monthly:
            return PairTerms(
                fixed_sek=ob,
                uses_room=True,
                tier=TIER_ORDINARY,
                additional_per_hour=basis * fees,
                overtime_per_hour=basis * r.overtime_factor * fees,
            )
        return PairTerms(fixed_sek=ob + wage * hours * fees, uses_room=False, tier=TIER_HOURLY)
    on_call = shift.kind == "on_call"
    if monthly:
        pay = r.on_call_pay if on_call else r.standby_pay
        return PairTerms(fixed_sek=pay * hours * fees, uses_room=False, tier=TIER_ORDINARY)
    factor = r.on_call_factor if on_call else r.standby_factor
    return PairTerms(fixed_sek=wage * hours * factor * fees, uses_room=False, tier=TIER_HOURLY)


def pair_cost(terms: PairTerms, minutes_by_tier: dict[int, int]) -> float:
    """SEK for a pair whose minutes fall in the given tiers (only ``uses_room`` pairs split)."""
    cost = terms.fixed_sek
    if terms.uses_room:
        cost += terms.additional_per_hour * minutes_by_tier.get(TIER_ADDITIONAL, 0) / 60
        cost += terms.overtime_per_hour * minutes_by_tier.get(TIER_OVERTIME, 0) / 60
    return cost


__all__ = ["PairTerms", "pair_cost", "pair_terms", "shift_rates"]
