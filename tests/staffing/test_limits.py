"""The working-time caps as hard staffing rules: the ``limits`` table's rule objects decide."""

from __future__ import annotations

from ortools.sat.python import cp_model

from tests.staffing.helpers import hourly, instance, monthly, prepared, shift, ts
from timbalans.staffing.greedy import solve_greedy
from timbalans.staffing.instance import Assignment, CappedWork, Config, Solution
from timbalans.staffing.limits import new_work
from timbalans.staffing.model import StaffingModel
from timbalans.staffing.rank import rank_shift
from timbalans.staffing.validation import validate_solution

WED = shift("WED", "2026-03-04 07:00", "2026-03-04 15:00")  # 8 h
THU = shift("THU", "2026-03-05 07:00", "2026-03-05 15:00")  # 8 h


def worked(day: str, hours: float, time_type: str = "overtime_simple") -> CappedWork:
    return CappedWork(
        start=ts(f"{day} 08:00"), end=ts(f"{day} 20:00"), hours=hours, **{"time_type": time_type}
    )


def with_work(candidate, *work: CappedWork):
    return candidate.model_copy(update={"capped_work": list(work)})


def excluded(p, shift_id: str) -> dict[str, str]:
    return {e.employee_id: e.reason for e in rank_shift(p, shift_id).excluded}


def test_it_excludes_overtime_past_48_hours_in_four_weeks():
    # 41 h overtime in the week of 23 February + 8 h on Wednesday 4 March = 49 h in the four
    # weeks ending in the week of 2 March: past 48.
    p = prepared([WED], [with_work(monthly("A"), worked("2026-02-24", 41.0))])
    assert excluded(p, "WED") == {"A": "övertidstaket 48 h/4 veckor är nått"}


def test_it_allows_overtime_up_to_exactly_48_hours_in_four_weeks():
    p = prepared([WED], [with_work(monthly("A"), worked("2026-02-24", 40.0))])
    ranking = rank_shift(p, "WED")
    assert [c.employee_id for c in ranking.candidates] == ["A"]
    assert ranking.candidates[0].hours_by_tier == {4: 8.0}


def test_hours_inside_unused_contracted_time_are_not_overtime():
    p = prepared([WED], [with_work(monthly("A", unused=8.0), worked("2026-02-24", 45.0))])
    assert [c.employee_id for c in rank_shift(p, "WED").candidates] == ["A"]


def test_hourly_staff_have_no_overtime_cap_here():
    p = prepared([WED], [with_work(hourly("H"), worked("2026-02-24", 60.0))])
    assert [c.employee_id for c in rank_shift(p, "WED").candidates] == ["H"]


def test_it_excludes_overtime_past_50_hours_in_the_month():
    # 43 h on 1 March + 8 h = 51 h in March; the four-week cap is set out of the way.
    config = Config(overtime_4w_hours=1000.0)
    p = prepared([WED], [with_work(monthly("A"), worked("2026-03-01", 43.0))], config)
    assert excluded(p, "WED") == {"A": "övertidstaket 50 h/månad är nått"}
    p = prepared([WED], [with_work(monthly("A"), worked("2026-03-01", 42.0))], config)
    assert excluded(p, "WED") == {}


def test_it_excludes_overtime_past_200_hours_in_the_year():
    config = Config(overtime_4w_hours=1000.0, overtime_month_hours=1000.0)
    work = [worked("2026-01-13", 100.0), worked("2026-02-10", 93.0)]
    p = prepared([WED], [with_work(monthly("A"), *work)], config)
    assert excluded(p, "WED") == {"A": "övertidstaket 200 h/år är nått"}
    # Last year's overtime does not count.
    work = [worked("2025-12-09", 100.0), worked("2026-02-10", 93.0)]
    p = prepared([WED], [with_work(monthly("A"), *work)], config)
    assert excluded(p, "WED") == {}


def test_it_excludes_mertid_past_200_hours_in_the_year():
    # A part-timer with 8 h mertid room: the shift is mertid, 193 + 8 = 201 h in the year.
    part = monthly("P", rate=75.0, additional_room=8.0)
    p = prepared([WED], [with_work(part, worked("2026-02-10", 193.0, "additional"))])
    assert excluded(p, "WED") == {"P": "mertidstaket 200 h/år är nått"}
    p = prepared([WED], [with_work(part, worked("2026-02-10", 192.0, "additional"))])
    assert excluded(p, "WED") == {}


def test_a_cap_already_past_may_not_grow():
    p = prepared([WED], [with_work(monthly("A"), worked("2026-02-24", 60.0))])
    assert excluded(p, "WED") == {"A": "övertidstaket 48 h/4 veckor är nått"}


def test_new_overtime_counts_at_the_shifts_own_time_by_the_cheapest_split():
    p = prepared([WED, THU], [monthly("A", unused=4.0)])
    a = p.candidates[0]
    work = new_work(p, a, [0, 1])
    assert work.select("date", "hours", "time_type").rows() == [
        (p.shifts[0].date, 4.0, "overtime_simple"),
        (p.shifts[1].date, 8.0, "overtime_simple"),
    ]


def _feasible_with(p, take: list[tuple[int, int]]) -> bool:
    model = StaffingModel(p, take)
    for pair in take:
        model.model.add(model.v.x[pair] == 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_two_shifts_each_allowed_alone_break_the_cap_together_in_model_greedy_and_checker():
    # 36 h overtime already: one 8 h shift makes 44 h, both make 52 h, past 48.
    a = with_work(monthly("A"), worked("2026-02-24", 36.0))
    inst = instance([WED, THU], [a])
    config = Config()
    p = prepared([WED, THU], [a], config)
    assert _feasible_with(p, [(0, 0)])
    assert _feasible_with(p, [(0, 1)])
    assert not _feasible_with(p, [(0, 0), (0, 1)])
    both = Solution(
        assignments=[
            Assignment(shift_id="WED", employee_id="A"),
            Assignment(shift_id="THU", employee_id="A"),
        ]
    )
    violations = validate_solution(inst, config, both)
    assert [(v.rule, v.shift_ids, v.text) for v in violations] == [
        ("overtime_4w", ["WED", "THU"], "övertidstaket 48 h/4 veckor är nått")
    ]
    greedy = solve_greedy(p)
    assert [(x.shift_id, x.employee_id) for x in greedy.assignments] == [("WED", "A")]
    assert greedy.unfilled == ["THU"]
    assert validate_solution(inst, config, greedy) == []
