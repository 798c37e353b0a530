"""The priority order as tiers: which hours of a shift fall in which tier, and the order."""

from __future__ import annotations

from tests.staffing.helpers import hourly, monthly, prepared, shift
from timbalans.staffing.instance import (
    TIER_ADDITIONAL,
    TIER_HOURLY,
    TIER_ORDINARY,
    TIER_OVERTIME,
    ShiftRates,
)
from timbalans.staffing.rank import options
from timbalans.staffing.tiers import allocate, split_minutes, tier_totals


def test_minutes_fill_unused_time_then_mertid_then_overtime():
    assert split_minutes(480, 600, 0) == {TIER_ORDINARY: 480}
    assert split_minutes(480, 180, 120) == {
        TIER_ORDINARY: 180,
        TIER_ADDITIONAL: 120,
        TIER_OVERTIME: 180,
    }
    assert split_minutes(480, 0, 0) == {TIER_OVERTIME: 480}


def test_tiers_are_ordered_as_the_handbook_says_even_when_cost_says_otherwise():
    s = shift("S", "2026-03-03 07:00", "2026-03-03 15:00", ob=30.0)
    p = prepared(
        [s],
        [
            monthly("OVERTIME", basis=100.0),  # full-timer with no room: 45 + 100×2×1.5×8
            monthly("ORDINARY", unused=10.0, basis=400.0),  # 45
            hourly("HOURLY", wage=100.0),  # 45 + 100 × 1.1 × 8 × 1.5 = 1365
            monthly("MERTID", rate=75, additional_room=10.0, basis=400.0),  # 45 + 4800
        ],
    )
    allowed, excluded = options(p, p.shifts[0])
    assert excluded == []
    order = [(p.employee_ids[o.c], o.tier, round(o.cost, 2)) for o in allowed]
    assert order == [
        ("ORDINARY", TIER_ORDINARY, 45.0),
        ("MERTID", TIER_ADDITIONAL, 4845.0),
        ("HOURLY", TIER_HOURLY, 1365.0),
        ("OVERTIME", TIER_OVERTIME, 2445.0),
    ]


def test_a_shift_partly_inside_unused_time_ranks_after_one_wholly_inside():
    s = shift("S", "2026-03-03 07:00", "2026-03-03 15:00")
    p = prepared([s], [monthly("PART", unused=2.0), monthly("WHOLE", unused=8.0)])
    allowed, _ = options(p, p.shifts[0])
    assert [(p.employee_ids[o.c], o.tier) for o in allowed] == [
        ("WHOLE", TIER_ORDINARY),
        ("PART", TIER_OVERTIME),
    ]


def test_the_months_room_goes_first_to_the_shift_whose_overtime_costs_most():
    cheap = ShiftRates(social_fee_rate=0.5, overtime_factor=1.5)
    dear = ShiftRates(social_fee_rate=0.5, overtime_factor=2.0)
    p = prepared(
        [
            shift("TUE", "2026-03-03 07:00", "2026-03-03 15:00", rates=cheap),
            shift("SUN", "2026-03-08 07:00", "2026-03-08 15:00", rates=dear),
        ],
        [monthly("A", unused=10.0, basis=200.0)],
    )
    split = allocate(p, [(0, 0), (0, 1)])
    assert split[(0, 1)] == {TIER_ORDINARY: 480}
    assert split[(0, 0)] == {TIER_ORDINARY: 120, TIER_OVERTIME: 360}


def test_the_totals_by_tier_are_the_sums_of_the_split_shift_by_shift():
    # 10 h unused and 3 h mertid in March; three 8 h shifts, the Sunday's overtime dearest:
    # split one by one, SUN 8 h tier 1, TUE 2 h tier 1 + 3 h mertid + 3 h overtime, WED 8 h
    # overtime; in total 600 min tier 1, 180 mertid, 660 overtime. On call uses no room.
    cheap = ShiftRates(social_fee_rate=0.5, overtime_factor=1.5)
    dear = ShiftRates(social_fee_rate=0.5, overtime_factor=2.0)
    p = prepared(
        [
            shift("TUE", "2026-03-03 07:00", "2026-03-03 15:00", rates=cheap),
            shift("SUN", "2026-03-08 07:00", "2026-03-08 15:00", rates=dear),
            shift("WED", "2026-03-04 07:00", "2026-03-04 15:00", rates=cheap),
            shift("CALL", "2026-03-05 22:00", "2026-03-06 06:00", kind="on_call"),
        ],
        [monthly("A", rate=75, unused=10.0, additional_room=3.0, basis=200.0)],
    )
    pairs = [(0, 0), (0, 1), (0, 2), (0, 3)]
    split = allocate(p, pairs)
    assert split[(0, 1)] == {TIER_ORDINARY: 480}
    assert split[(0, 0)] == {TIER_ORDINARY: 120, TIER_ADDITIONAL: 180, TIER_OVERTIME: 180}
    assert split[(0, 2)] == {TIER_OVERTIME: 480}
    assert split[(0, 3)] == {}
    assert tier_totals(p, 0, [0, 1, 2, 3]) == {
        "2026-03": {TIER_ORDINARY: 600, TIER_ADDITIONAL: 180, TIER_OVERTIME: 660}
    }
    assert tier_totals(p, 0, [3]) == {}
