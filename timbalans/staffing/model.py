"""Many open shifts at once: an assignment by OR-Tools CP-SAT.

Variables: ``x[c, s]`` (candidate ``c`` takes open shift ``s``) for every pair in the pool
that no monotone rule excludes on its own (:mod:`.rules`; those pairs could never be taken).

Constraints: each shift at most one candidate; every hard rule's ``build``.

Objective, lexicographic by weight: first fill as many shifts as possible (each shift left
open costs more than any whole proposal could), then the least total marginal cost plus
``new_staff_penalty_sek`` for each shift given to an assistant new to its client. The
penalty is per shift, not once per new assistant and client: charged once per person, the
LP relaxation spreads fractions of many new people over a case's shifts and the bound stays
far below the optimum (measured on the demo department: a 40 % gap after 120 s, against
optimal in about a second per shift). The cost is exact: a monthly-paid
person's hours on assistance shifts are split per shift into mertid (``mt``) and overtime
(``ot``) minutes, every cost positive; what neither covers must fit in the month's unused
contracted time, and mertid in the month's mertid room
(:mod:`.tiers`), each at its own rate (:mod:`.cost`).

Units: the objective is in 1/6000 SEK, so SEK amounts and per-minute costs of rates given in
SEK per hour (×100) are whole numbers to within an öre per hour.

The greedy solution (:mod:`.greedy`) is the starting hint. The solver stops at the time
limit, or when the proven gap is within ``relative_gap_limit`` of the greedy cost. The gap
reported is ``(objective − bound) / objective`` of the cost-and-penalty part; it is None
when the solver has not proven that no more shifts can be filled.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from ortools.sat.python import cp_model

from timbalans.staffing.cost import pair_cost
from timbalans.staffing.evaluate import solution_from_pairs
from timbalans.staffing.greedy import solve_greedy
from timbalans.staffing.instance import Solution
from timbalans.staffing.prepared import PCandidate, Prepared, PShift
from timbalans.staffing.rules import HoursLimit, rules_for, screen
from timbalans.staffing.tiers import split_minutes, tier_of
from timbalans.staffing.variables import Variables

SCALE = 6000  # objective units per SEK
_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


def eligible_pairs(
    prepared: Prepared, *, keep: Collection[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Pairs in the pool that no monotone rule excludes on its own.

    With ``max_candidates_per_shift`` set, each shift keeps that many candidates, cheapest
    first by what the pair alone would add to the objective (cost with the month's full room,
    plus the penalty when new to the client), then in rank order; pairs in ``keep`` (the
    hint's) always stay.
    """
    later = [r for r in rules_for(prepared) if r.monotone and r.code in _AFTER_DAILY_REST]
    limit = prepared.config.max_candidates_per_shift
    ids = prepared.employee_ids
    out: list[tuple[int, int]] = []
    for s in prepared.shifts:
        allowed, excluded = screen(prepared, s)
        found = [prepared.candidates[i] for i in allowed]
        # Daily rest is not monotone: a too-short rest can be bridged by another proposal.
        found += [
            prepared.candidates[i]
            for i, rule in excluded
            if not rule.monotone and all(r.allows(prepared.candidates[i], s) for r in later)
        ]
        if limit is not None and len(found) > limit:
            found.sort(key=lambda c: (*_alone(prepared, c, s), ids[c.index]))
            found = [c for i, c in enumerate(found) if i < limit or (c.index, s.index) in keep]
        out.extend(sorted((c.index, s.index) for c in found))
    return out


#: The monotone rules checked after daily rest (``RULES`` order).
_AFTER_DAILY_REST = ("in_a_row", "weekly_rest")


def _alone(prepared: Prepared, c: PCandidate, s: PShift) -> tuple[float, int, bool]:
    """(objective of the pair alone, tier, new to the client)."""
    terms = prepared.terms(c.index, s.index)
    if terms is None:
        return (float("inf"), 9, True)
    minutes = (
        split_minutes(s.minutes, *c.room_minutes.get(s.month, (0, 0))) if terms.uses_room else {}
    )
    new = not prepared.known(c, s)
    penalty = prepared.config.new_staff_penalty_sek if new else 0.0
    return (round(pair_cost(terms, minutes) + penalty, 2), tier_of(terms, minutes), new)


class StaffingModel:
    """The CP-SAT model of one prepared instance."""

    def __init__(
        self,
        prepared: Prepared,
        pairs: list[tuple[int, int]] | None = None,
        *,
        required: set[int] | None = None,
        keep: Collection[tuple[int, int]] = (),
    ) -> None:
        """``required``: shifts that must be filled (a known-feasible set, e.g. greedy's);
        ``keep``: pairs that stay in the model whatever the candidate limit (the hint's)."""
        self.p = prepared
        self.model = cp_model.CpModel()
        self.v = Variables.create(
            self.model, prepared, eligible_pairs(prepared, keep=keep) if pairs is None else pairs
        )
        for rule in rules_for(prepared):
            rule.build(self.model, self.v)
        required = required or set()
        optional = []
        for s, cands in self.v.by_shift.items():
            xs = [self.v.x[(c, s)] for c in cands]
            if s in required:
                self.model.add_exactly_one(xs)
            else:
                self.model.add_at_most_one(xs)
                optional.append(s)
        #: Each pair's overtime and mertid minutes in the model (absent: none).
        self.overtime: dict[tuple[int, int], cp_model.LinearExprT] = {}
        self.additional: dict[tuple[int, int], cp_model.LinearExprT] = {}
        self.cost = self._cost_terms()
        for rule in rules_for(prepared):
            if isinstance(rule, HoursLimit):
                counted = self.additional if rule.code == "additional_year" else self.overtime
                rule.build_caps(self.model, self.v, counted)
        # Filling comes first: a shift left open costs more than any whole proposal. Only
        # shifts not already known to be fillable together carry this (large) weight.
        self.weight = self._unfilled_weight(optional)
        filled = cp_model.LinearExpr.sum(
            [self.v.x[(c, s)] for s in optional for c in self.v.by_shift[s]]
        )
        self.open_weighted = len(optional)
        self.model.minimize(self.cost + self.weight * (len(optional) - filled))

    # ------------------------------------------------------------------ objective

    def _cost_terms(self) -> cp_model.LinearExpr:
        p, m, x = self.p, self.model, self.v.x
        terms: list[cp_model.LinearExprT] = []
        groups: dict[tuple[int, str], list[int]] = defaultdict(list)
        new_pairs: list[tuple[int, int]] = []
        for (c, s), var in x.items():
            t = p.terms(c, s)
            assert t is not None  # employed: the Employed rule keeps only such pairs
            terms.append(round(t.fixed_sek * SCALE) * var)
            if t.uses_room:
                groups[(c, p.shifts[s].month)].append(s)
            if not p.known(p.candidates[c], p.shifts[s]):
                new_pairs.append((c, s))
        for (c, month), shifts in groups.items():
            unused, room = p.candidates[c].room_minutes.get(month, (0, 0))
            if unused >= sum(p.shifts[s].minutes for s in shifts):
                continue  # all of it inside unused contracted time: OB only
            charged: list[cp_model.IntVar] = []  # minutes paid as mertid or overtime
            extra: list[cp_model.IntVar] = []
            for s in shifts:
                t = p.terms(c, s)
                assert t is not None
                minutes = p.shifts[s].minutes
                c4 = round(t.overtime_per_hour * 100)  # per minute, in 1/6000 SEK
                if unused == 0 and room == 0:
                    terms.append(c4 * minutes * x[(c, s)])  # all of it overtime
                    self.overtime[(c, s)] = minutes * x[(c, s)]
                    continue
                over = m.new_int_var(0, minutes, f"ot_{c}_{s}")
                terms.append(c4 * over)
                self.overtime[(c, s)] = over
                parts = [over]
                if room > 0:
                    more = m.new_int_var(0, min(minutes, room), f"mt_{c}_{s}")
                    terms.append(round(t.additional_per_hour * 100) * more)
                    self.additional[(c, s)] = more
                    parts.append(more)
                    extra.append(more)
                m.add(sum(parts) <= minutes * x[(c, s)])
                charged.extend(parts)
            if charged:
                # What is not paid as mertid or overtime must fit in the unused time.
                taken = sum(p.shifts[s].minutes * x[(c, s)] for s in shifts)
                m.add(taken - sum(charged) <= unused)
            if extra:
                m.add(sum(extra) <= room)
        penalty = round(p.config.new_staff_penalty_sek * SCALE)
        if penalty:
            terms.extend(penalty * x[pair] for pair in new_pairs)
        return cp_model.LinearExpr.sum(terms)

    def _unfilled_weight(self, optional: list[int]) -> int:
        """More than the cost of any whole proposal: filling comes first."""
        if not optional:
            return 0
        p = self.p
        worst = 0.0
        for s, cands in self.v.by_shift.items():
            most = 0.0
            for c in cands:
                t = p.terms(c, s)
                assert t is not None
                most = max(most, t.fixed_sek + t.overtime_per_hour * p.shifts[s].minutes / 60)
            worst += most + p.config.new_staff_penalty_sek
        return round(worst * SCALE) + SCALE

    # ------------------------------------------------------------------ solving

    def solve_part(
        self,
        *,
        time_limit: float,
        hint: Collection[tuple[int, int]] = (),
        reference_sek: float = 0.0,
    ) -> Part:
        """Solve this model; ``hint``: pairs to start from; ``reference_sek``: the hint's
        objective, for the stopping gap."""
        cfg = self.p.config
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(time_limit, 0.1)
        solver.parameters.num_workers = max(1, cfg.workers)
        solver.parameters.cp_model_presolve = cfg.presolve
        if hint:
            chosen = set(hint)
            for pair, var in self.v.x.items():
                self.model.add_hint(var, pair in chosen)
            limit = cfg.relative_gap_limit * max(reference_sek, 1.0) * SCALE
            solver.parameters.absolute_gap_limit = limit
        code = solver.solve(self.model)
        status = _STATUS.get(code, "unknown")
        solved = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        pairs = (
            [pair for pair, var in self.v.x.items() if solver.boolean_value(var)] if solved else []
        )
        objective = solver.objective_value if solved else 0.0
        if hint and (
            not solved
            or len(pairs) < len(hint)
            or solution_from_pairs(self.p, pairs).objective_sek > reference_sek + 0.005
        ):
            # The solver stopped before it got back to where it started: the hint stands
            # (a bound the solver proved still holds).
            pairs, status = list(hint), "feasible"
            objective = reference_sek * SCALE + self.weight * self._unfilled(pairs)
        if not pairs and not solved:
            return Part(status, [], None, None)
        unfilled = self._unfilled(pairs)
        objective -= self.weight * unfilled
        bound: float | None = solver.best_objective_bound - self.weight * unfilled
        if status == "optimal":
            bound = objective
        elif solved and (unfilled == 0 or (bound is not None and bound > -SCALE)):
            # A bound above W·(unfilled − 1) + every cost proves no more shifts can be filled.
            bound = max(bound or 0.0, 0.0)
        else:
            bound = None
        return Part(status, pairs, objective, bound)

    def _unfilled(self, pairs: Collection[tuple[int, int]]) -> int:
        """Shifts of this model that carry the open-shift weight and ``pairs`` leave open."""
        if not self.weight:
            return 0
        filled = {s for _, s in pairs}
        return sum(1 for s in self.v.by_shift if s not in filled)

    def solve(self, *, hint: Solution | None = None) -> Solution:
        """This model alone, as a solution (the whole instance when built on all pairs)."""
        started = time.perf_counter()
        p = self.p
        chosen = (
            [
                (p.candidate_index[a.employee_id], p.shift_index[a.shift_id])
                for a in hint.assignments
            ]
            if hint is not None
            else []
        )
        part = self.solve_part(
            time_limit=p.config.time_limit_s,
            hint=chosen,
            reference_sek=hint.objective_sek if hint is not None else 0.0,
        )
        return _combine(p, [part], started)


@dataclass
class Part:
    status: str  # optimal, feasible, infeasible, invalid, unknown
    pairs: list[tuple[int, int]]
    objective: float | None  # objective units, without the weight of open shifts
    bound: float | None  # None: not proven that no more shifts can be filled


def _combine(prepared: Prepared, parts: list[Part], started: float) -> Solution:
    found = {part.status for part in parts}
    if found <= {"optimal"}:
        status = "optimal"
    elif found <= {"optimal", "feasible"}:
        status = "feasible"
    else:
        status = sorted(found - {"optimal", "feasible"})[0]
    objective = sum(part.objective or 0.0 for part in parts)
    proven = all(part.bound is not None for part in parts)
    bound = sum(part.bound or 0.0 for part in parts) if proven else None
    gap = None if bound is None else max(0.0, objective - bound) / max(objective, SCALE)
    return solution_from_pairs(
        prepared,
        [pair for part in parts for pair in part.pairs],
        method="cp-sat",
        status=status,
        bound_sek=None if bound is None else bound / SCALE,
        gap=gap,
        seconds=time.perf_counter() - started,
    )


def components(pairs: Collection[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The pairs split into independent parts: shifts linked through a shared candidate."""
    parent: dict[int, int] = {}

    def root(s: int) -> int:
        while parent.setdefault(s, s) != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    first_shift: dict[int, int] = {}
    for c, s in pairs:
        other = first_shift.setdefault(c, s)
        parent[root(s)] = root(other)
    groups: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for c, s in pairs:
        groups[root(s)].append((c, s))
    return sorted(groups.values(), key=lambda g: (-len(g), min(g)))


def solve_cpsat(prepared: Prepared, *, hint: Solution | None = None) -> Solution:
    """The CP-SAT proposal, started from ``hint`` (default: the greedy baseline).

    The shifts the hint fills must be filled (the hint shows they can be, together); the
    others are filled where the rules allow. Independent parts (no candidate in common) are
    solved one by one, each with a share of what is left of the time limit by its size (at
    least 0.1 s); the gap is that of the sums.
    """
    started = time.perf_counter()
    hint = hint if hint is not None else solve_greedy(prepared)
    keep = {
        (prepared.candidate_index[a.employee_id], prepared.shift_index[a.shift_id])
        for a in hint.assignments
    }
    required = {s for _, s in keep}
    parts: list[Part] = []
    groups = components(eligible_pairs(prepared, keep=keep))
    left = sum(len(g) for g in groups)
    for group in groups:
        shifts = {s for _, s in group}
        model = StaffingModel(prepared, group, required=required & shifts)
        budget = prepared.config.time_limit_s - (time.perf_counter() - started)
        share = budget * len(group) / left
        left -= len(group)
        mine = [pair for pair in keep if pair[1] in shifts]
        reference = solution_from_pairs(prepared, mine).objective_sek
        parts.append(model.solve_part(time_limit=share, hint=mine, reference_sek=reference))
    return _combine(prepared, parts, started)


__all__ = ["SCALE", "Part", "StaffingModel", "components", "eligible_pairs", "solve_cpsat"]
