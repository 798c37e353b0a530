"""The CP-SAT fill: known optima found, the gap reported, and no rule broken."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.staffing.helpers import (
    AS_OF,
    TZ,
    absence,
    hourly,
    instance,
    monthly,
    shift,
)
from timbalans.staffing.greedy import solve_greedy
from timbalans.staffing.instance import (
    Candidate,
    CappedWork,
    Config,
    Instance,
    Interval,
    OpenShift,
)
from timbalans.staffing.model import StaffingModel, components, solve_cpsat
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.validation import validate_solution

NO_PENALTY = Config(new_staff_penalty_sek=0)


def swap_instance() -> Instance:
    """EARLY and LATE overlap. A (free) can take either; B (hourly) is away in the evening;
    C is a full-timer with no room. Greedy gives EARLY to A and must then pay C overtime on
    LATE (4 800 kr); the optimum gives EARLY to B (150 × 1.1 × 8 × 1.5 = 1 980 kr) and LATE
    to A (0 kr)."""
    return instance(
        [
            shift("EARLY", "2026-03-03 07:00", "2026-03-03 15:00"),
            shift("LATE", "2026-03-03 14:00", "2026-03-03 22:00"),
        ],
        [
            monthly("A", unused=20.0),
            hourly("B", wage=150.0).model_copy(
                update={"absences": [absence("2026-03-03 16:00", "2026-03-03 23:00")]}
            ),
            monthly("C", basis=200.0),
        ],
    )


def test_the_model_finds_the_known_optimum_that_greedy_misses():
    inst = swap_instance()
    p = Prepared(inst, NO_PENALTY)
    greedy = solve_greedy(p)
    best = solve_cpsat(p, hint=greedy)
    assert greedy.cost_sek == pytest.approx(4800.0)
    assert sorted((a.shift_id, a.employee_id) for a in best.assignments) == [
        ("EARLY", "B"),
        ("LATE", "A"),
    ]
    assert best.cost_sek == pytest.approx(1980.0)
    assert best.status == "optimal"
    assert best.gap == 0.0
    assert best.bound_sek == pytest.approx(1980.0, abs=0.01)
    assert validate_solution(inst, NO_PENALTY, best) == []


def test_the_model_splits_a_months_room_over_two_shifts():
    """P (75 %, basis 200) has 10 h unused and 4 h mertid room; two 8 h shifts. Both to P:
    Tuesday in unused time, Wednesday 2 h unused + 4 h mertid (200 × 1.5 × 4 = 1 200) +
    2 h overtime (200 × 2 × 1.5 × 2 = 1 200): 2 400 kr. An hourly at 300 kr costs
    300 × 1.1 × 8 × 1.5 = 3 960 kr a shift, so P both is the optimum; greedy ranks the hourly
    (tier 3) before P's overtime (tier 4) on Wednesday and pays 3 960."""
    inst = instance(
        [
            shift("TUE", "2026-03-03 07:00", "2026-03-03 15:00"),
            shift("WED", "2026-03-04 07:00", "2026-03-04 15:00"),
        ],
        [
            monthly("P", rate=75, unused=10.0, additional_room=4.0, basis=200.0),
            hourly("H", wage=300.0),
        ],
    )
    p = Prepared(inst, NO_PENALTY)
    greedy = solve_greedy(p)
    assert greedy.cost_sek == pytest.approx(3960.0)
    best = solve_cpsat(p, hint=greedy)
    assert {a.employee_id for a in best.assignments} == {"P"}
    assert best.cost_sek == pytest.approx(2400.0)
    hours = {}
    for a in best.assignments:
        for tier, h in a.hours_by_tier.items():
            hours[tier] = hours.get(tier, 0.0) + h
    assert hours == {1: 10.0, 2: 4.0, 4: 2.0}


def test_a_shift_given_to_staff_new_to_the_client_carries_the_penalty():
    inst = instance(
        [
            shift("S1", "2026-03-03 07:00", "2026-03-03 15:00", case="C1"),
            shift("S2", "2026-03-04 07:00", "2026-03-04 15:00", case="C2"),
        ],
        [monthly("KNOWN", unused=20.0, known={"C1": "2026-02-20"}), monthly("NEW", unused=20.0)],
    )
    config = Config(new_staff_penalty_sek=500.0)
    best = solve_cpsat(Prepared(inst, config))
    given = {a.shift_id: (a.employee_id, a.new_to_client) for a in best.assignments}
    # S1 goes to the one who knows C1; nobody knows C2, so S2 costs the penalty either way.
    assert given["S1"] == ("KNOWN", False)
    assert given["S2"][1] is True
    assert best.penalty_sek == 500.0
    assert best.objective_sek == pytest.approx(best.cost_sek + 500.0)


def test_a_shift_nobody_may_take_is_reported_open():
    inst = instance(
        [
            shift("S", "2026-03-03 07:00", "2026-03-03 15:00"),
            shift("X", "2026-03-04 07:00", "2026-03-04 15:00"),
        ],
        [monthly("A", unused=20.0, absences=[absence("2026-03-04 00:00", "2026-03-05 00:00")])],
    )
    best = solve_cpsat(Prepared(inst, Config()))
    assert [a.shift_id for a in best.assignments] == ["S"]
    assert best.unfilled == ["X"]


def test_the_model_fills_a_shift_the_hint_left_open_when_it_can():
    inst = instance(
        [shift("S", "2026-03-03 07:00", "2026-03-03 15:00")],
        [monthly("A", unused=20.0)],
    )
    p = Prepared(inst, Config())
    empty = solve_greedy(Prepared(instance(inst.shifts, []), Config()))
    assert empty.unfilled == ["S"]
    best = StaffingModel(p).solve(hint=empty)
    assert [a.employee_id for a in best.assignments] == ["A"]
    assert best.unfilled == []


def test_parts_without_a_candidate_in_common_are_solved_apart():
    pairs = [(0, 0), (1, 0), (1, 1), (2, 2), (3, 3), (2, 3)]
    assert components(pairs) == [[(0, 0), (1, 0), (1, 1)], [(2, 2), (3, 3), (2, 3)]]


# ----------------------------------------------------------------------------- properties

MONDAY = dt.datetime(2026, 3, 2, tzinfo=TZ)
starts = st.integers(min_value=0, max_value=7 * 48 - 1)  # half hours into the week
lengths = st.integers(min_value=4, max_value=24)  # 2 to 12 hours


def _at(half_hours: int) -> dt.datetime:
    return MONDAY + dt.timedelta(minutes=30 * half_hours)


@st.composite
def instances(draw) -> Instance:
    shifts = []
    for i in range(draw(st.integers(min_value=1, max_value=6))):
        a, n = draw(starts), draw(lengths)
        kind = draw(st.sampled_from(["assistance", "assistance", "on_call", "standby"]))
        shifts.append(
            OpenShift(
                id=f"S{i}",
                case_id=draw(st.sampled_from(["C1", "C2"])),
                unit_id="U1",
                department="D1",
                start=_at(a),
                end=_at(a + n),
                kind=kind,
                ob_sek=draw(st.sampled_from([0.0, 25.0, 60.0])),
            )
        )
    candidates: list[Candidate] = []
    for j in range(draw(st.integers(min_value=1, max_value=3))):
        fixed = []
        for _ in range(draw(st.integers(min_value=0, max_value=5))):
            a, n = draw(starts), draw(lengths)
            fixed.append(Interval(start=_at(a), end=_at(a + n)))
        if draw(st.booleans()):
            c = monthly(
                f"E{j}",
                unused=draw(st.sampled_from([0.0, 6.0, 40.0])),
                additional_room=draw(st.sampled_from([0.0, 5.0])),
                rate=draw(st.sampled_from([75.0, 100.0])),
                busy=fixed,
                known={"C1": "2026-02-20"} if draw(st.booleans()) else None,
            )
            # Overtime already worked, near the four-week and the month's caps.
            hours = draw(st.sampled_from([0.0, 30.0, 44.0]))
            if hours:
                day = draw(st.sampled_from(["2026-02-24", "2026-03-01"]))
                work = CappedWork(
                    start=dt.datetime.fromisoformat(f"{day}T08:00").replace(tzinfo=TZ),
                    end=dt.datetime.fromisoformat(f"{day}T20:00").replace(tzinfo=TZ),
                    hours=hours,
                    time_type="overtime_simple",
                )
                c = c.model_copy(update={"capped_work": [work]})
        else:
            c = hourly(f"E{j}", busy=fixed)
        candidates.append(c)
    return Instance(as_of=AS_OF, shifts=shifts, candidates=candidates)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_the_models_proposal_breaks_no_rule_and_never_costs_more_than_greedy(inst):
    config = Config(time_limit_s=5.0, workers=1)
    p = Prepared(inst, config)
    greedy = solve_greedy(p)
    best = solve_cpsat(p, hint=greedy)
    assert validate_solution(inst, config, greedy) == []
    assert validate_solution(inst, config, best) == []
    assert len(best.assignments) >= len(greedy.assignments)
    if len(best.assignments) == len(greedy.assignments):
        assert best.objective_sek <= greedy.objective_sek + 0.01


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_the_model_and_the_checker_agree_on_every_single_pair(inst):
    """A pair the checker accepts alone is one the model may take, and the other way round."""
    from ortools.sat.python import cp_model

    from timbalans.staffing.instance import Assignment, Solution

    config = Config()
    p = Prepared(inst, config)
    for c in p.candidates:
        for s in p.shifts:
            model = StaffingModel(p, [(c.index, s.index)])
            model.model.add(model.v.x[(c.index, s.index)] == 1)
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            ok = solver.solve(model.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            alone = Solution(
                assignments=[Assignment(shift_id=s.shift.id, employee_id=c.candidate.employee_id)]
            )
            assert ok == (validate_solution(inst, config, alone) == []), (c.index, s.index)
