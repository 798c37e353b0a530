"""A solver-independent check of any proposal: every broken hard rule, listed.

It takes an instance, a config and a solution from anywhere (the CP-SAT model, the greedy
baseline, a coordinator's own choice) and rebuilds each candidate's whole time line (existing
commitments plus every shift the solution gives them) to check each rule on it. It shares the
time-line definitions of :mod:`timbalans.staffing.prepared` with the rule checks but none of
the CP-SAT code, so it cross-checks the model. A breach made only of existing commitments is
not the proposal's doing and is not listed.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from timbalans.staffing.instance import Config, Instance, Solution
from timbalans.staffing.limits import breaks_cap, new_work
from timbalans.staffing.prepared import (
    BUSY_KINDS,
    FIXED,
    WORK_KINDS,
    Prepared,
    Span,
    longest_free,
    merged,
    runs_of,
    short_rest,
)
from timbalans.staffing.rules import (
    HOURS_LIMITS,
    DailyRest,
    Employed,
    InARow,
    KnownOnly,
    NoOverlap,
    NotAbsent,
    Rule,
    WeeklyRest,
)

UNKNOWN_SHIFT = "Passet {id} finns inte bland de öppna passen"
UNKNOWN_EMPLOYEE = "Anställningsnummer {id} finns inte bland kandidaterna"
DUPLICATE = "Passet är föreslaget till {count} personer"


class Violation(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    employee_id: str | None = None
    shift_ids: list[str] = Field(default_factory=list)
    text: str


def validate_solution(instance: Instance, config: Config, solution: Solution) -> list[Violation]:
    """Every hard rule the solution breaks; empty when it breaks none."""
    p = Prepared(instance, config)
    out: list[Violation] = []
    counts = Counter(a.shift_id for a in solution.assignments)
    for shift_id, n in sorted(counts.items()):
        if n > 1:
            out.append(
                Violation(rule="duplicate", shift_ids=[shift_id], text=DUPLICATE.format(count=n))
            )
    given: dict[int, list[int]] = defaultdict(list)
    for a in solution.assignments:
        s = p.shift_index.get(a.shift_id)
        c = p.candidate_index.get(a.employee_id)
        if s is None:
            out.append(
                Violation(
                    rule="unknown_shift",
                    employee_id=a.employee_id,
                    shift_ids=[a.shift_id],
                    text=UNKNOWN_SHIFT.format(id=a.shift_id),
                )
            )
            continue
        if c is None:
            out.append(
                Violation(
                    rule="unknown_employee",
                    employee_id=a.employee_id,
                    shift_ids=[a.shift_id],
                    text=UNKNOWN_EMPLOYEE.format(id=a.employee_id),
                )
            )
            continue
        given[c].append(s)

    # Facts of one candidate and one shift.
    for rule in (Employed(p), NotAbsent(p), KnownOnly(p)):
        out.extend(
            _v(p, rule, c, [s])
            for c, shifts in sorted(given.items())
            for s in shifts
            if not rule.allows(p.candidates[c], p.shifts[s])
        )

    # The time line.
    overlap, daily, in_a_row, weekly = NoOverlap(p), DailyRest(p), InARow(p), WeeklyRest(p)
    for c, shifts in sorted(given.items()):
        pc = p.candidates[c]
        mine = [p.shifts[s].span for s in shifts]
        lo = min(sp.start for sp in mine) - 8 * 24 * 60
        hi = max(sp.end for sp in mine) + 8 * 24 * 60
        line = sorted([*pc.near(lo, hi), *mine], key=lambda sp: (sp.start, sp.end))

        for i, first in enumerate(line):
            for second in line[i + 1 :]:
                if second.start >= first.end:
                    break
                if first.shift != FIXED or second.shift != FIXED:
                    out.append(_v(p, overlap, c, _ids(first, second)))

        work = merged(line, WORK_KINDS)
        prev: Span | None = None
        for sp in work:
            if prev is not None and sp.start >= prev.end:
                gap = sp.start - prev.end
                if short_rest(gap, p.max_break, p.daily_rest) and (
                    sp.shift != FIXED or prev.shift != FIXED
                ):
                    out.append(_v(p, daily, c, _ids(prev, sp)))
            if prev is None or sp.end > prev.end:
                prev = sp

        for _lo, _hi, members in runs_of(work, p.max_break):
            if _hi - _lo > p.max_in_a_row and any(m.shift != FIXED for m in members):
                out.append(_v(p, in_a_row, c, _ids(*members)))

        busy = [sp for sp in line if sp.kind in BUSY_KINDS]
        for monday in sorted({m for s in shifts for m in p.shifts[s].weeks}):
            week = p.week(monday)
            if longest_free(busy, week) < p.weekly_rest:
                inside = [sp for sp in mine if sp.start < week.end and sp.end > week.start]
                out.append(_v(p, weekly, c, _ids(*inside)))

    # The working-time caps: the overtime and mertid of all the candidate's shifts together.
    caps = [rule(p) for rule in HOURS_LIMITS]
    for c, shifts in sorted(given.items()):
        pc = p.candidates[c]
        for cap in caps:
            if breaks_cap(p, cap.cap, pc, shifts):
                counted = new_work(p, pc, shifts).filter(
                    pl.col("time_type").is_in(list(cap.cap.time_types))
                )
                starts = set(counted["start"].to_list())
                mine_counted = [s for s in sorted(shifts) if p.shifts[s].shift.start in starts]
                out.append(_v(p, cap, c, mine_counted))
    return out


def _ids(*spans: Span) -> list[int]:
    return [sp.shift for sp in spans if sp.shift != FIXED]


def _v(p: Prepared, rule: Rule, c: int, shifts: list[int]) -> Violation:
    """A breach involving at least one proposed shift (its reason read on the first)."""
    return Violation(
        rule=rule.code,
        employee_id=p.candidates[c].candidate.employee_id,
        shift_ids=[p.shifts[s].shift.id for s in shifts],
        text=rule.text(p.shifts[shifts[0]]),
    )


__all__ = ["Violation", "validate_solution"]
