"""One ruler for every proposal: the cost and penalty of a set of (candidate, shift) pairs.

The CP-SAT model and the greedy baseline both report their result through
:func:`solution_from_pairs`, so their costs are measured the same way: hours split into tiers
by :func:`timbalans.staffing.tiers.allocate`, SEK by :mod:`timbalans.staffing.cost`, and the
penalty ``new_staff_penalty_sek`` for each shift given to an assistant new to its client (not
known to the case on the shift's date, :meth:`Prepared.known`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from timbalans.staffing.cost import pair_cost
from timbalans.staffing.instance import Assignment, Solution
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.tiers import allocate, tier_of


def solution_from_pairs(
    prepared: Prepared, pairs: Iterable[tuple[int, int]], **fields: Any
) -> Solution:
    pairs = sorted(set(pairs), key=lambda cs: (prepared.shifts[cs[1]].start, cs[1], cs[0]))
    split = allocate(prepared, pairs)
    assignments = []
    new_count = 0
    for c, s in pairs:
        terms = prepared.terms(c, s)
        shift = prepared.shifts[s]
        new = not prepared.known(prepared.candidates[c], shift)
        new_count += new
        minutes = split.get((c, s), {})
        hours_by_tier = (
            {tier: m / 60 for tier, m in sorted(minutes.items())}
            if terms is not None and terms.uses_room
            else {terms.tier if terms else 0: shift.minutes / 60}
        )
        assignments.append(
            Assignment(
                shift_id=shift.shift.id,
                employee_id=prepared.candidates[c].candidate.employee_id,
                tier=tier_of(terms, minutes) if terms is not None else 0,
                hours_by_tier=hours_by_tier,
                cost_sek=pair_cost(terms, minutes) if terms is not None else 0.0,
                new_to_client=new,
            )
        )
    filled = {s for _, s in pairs}
    cost = sum(a.cost_sek for a in assignments)
    penalty = new_count * prepared.config.new_staff_penalty_sek
    return Solution(
        assignments=assignments,
        unfilled=[s.shift.id for s in prepared.shifts if s.index not in filled],
        cost_sek=cost,
        penalty_sek=penalty,
        objective_sek=cost + penalty,
        **fields,
    )


__all__ = ["solution_from_pairs"]
