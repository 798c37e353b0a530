"""The greedy baseline: the priority order, first fit, earliest shift first."""

from __future__ import annotations

import pytest

from tests.staffing.helpers import absence, hourly, instance, monthly, shift
from timbalans.staffing.greedy import solve_greedy
from timbalans.staffing.instance import Config
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.validation import validate_solution


def test_greedy_takes_the_first_in_the_priority_order_for_each_shift_in_time_order():
    inst = instance(
        [
            shift("EARLY", "2026-03-03 07:00", "2026-03-03 15:00"),
            shift("LATE", "2026-03-03 14:00", "2026-03-03 22:00"),
        ],
        [
            monthly("A", unused=20.0),
            # B is hourly and away in the evening; C a full-timer with no room left.
            hourly("B", wage=150.0),
            monthly("C", basis=200.0),
        ],
    )
    inst = inst.model_copy(
        update={
            "candidates": [
                inst.candidates[0],
                inst.candidates[1].model_copy(
                    update={"absences": [absence("2026-03-03 16:00", "2026-03-03 23:00")]}
                ),
                inst.candidates[2],
            ]
        }
    )
    config = Config(new_staff_penalty_sek=0)
    g = solve_greedy(Prepared(inst, config))
    # EARLY: A (tier 1). LATE: A overlaps, B is absent, so C on overtime: 200 × 2 × 1.5 × 8.
    assert [(a.shift_id, a.employee_id, a.tier) for a in g.assignments] == [
        ("EARLY", "A", 1),
        ("LATE", "C", 4),
    ]
    assert g.cost_sek == pytest.approx(4800.0)
    assert g.unfilled == []
    assert validate_solution(inst, config, g) == []


def test_greedy_leaves_a_shift_open_when_nobody_may_take_it():
    inst = instance(
        [shift("S", "2026-03-03 07:00", "2026-03-03 15:00")],
        [monthly("A", absences=[absence("2026-03-03 00:00", "2026-03-04 00:00")])],
    )
    g = solve_greedy(Prepared(inst, Config()))
    assert g.assignments == []
    assert g.unfilled == ["S"]
