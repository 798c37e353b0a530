"""The baseline: the priority order, first fit, one shift at a time in time order.

Each open shift, earliest first, goes to the first candidate of its ranking
(:func:`timbalans.staffing.rank.options`), given the picks made so far: the way a
coordinator working down the list by the handbook would fill them. Every pick passes every
hard rule against the picks before it, so the result breaks no rule.
"""

from __future__ import annotations

import time

from timbalans.staffing.evaluate import solution_from_pairs
from timbalans.staffing.instance import Solution
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.rank import RankState, options
from timbalans.staffing.rules import rules_for


def solve_greedy(prepared: Prepared) -> Solution:
    started = time.perf_counter()
    rules = rules_for(prepared)
    state = RankState()
    pairs: list[tuple[int, int]] = []
    for s in sorted(prepared.shifts, key=lambda s: (s.start, s.end, s.index)):
        allowed, _ = options(prepared, s, rules=rules, state=state)
        if allowed:
            best = allowed[0]
            state.take(prepared.candidates[best.c], s, best.minutes)
            pairs.append((best.c, s.index))
    return solution_from_pairs(
        prepared,
        pairs,
        method="greedy",
        status="feasible",
        seconds=time.perf_counter() - started,
    )


__all__ = ["solve_greedy"]
