"""The hard rules of every staffing proposal, one small class each.

Each rule can

* ``allows(c, s, extra)``: say whether candidate ``c`` may take open shift ``s`` on top of
  their existing commitments (and ``extra``, e.g. the greedy baseline's earlier picks); when
  not, ``text(s)`` is the Swedish reason shown to the coordinator;
* ``build(model, v)``: add its CP-SAT constraints over the variables ``v`` (every pair of
  ``v`` that breaks the rule on its own is fixed to 0, and the rule's interactions between
  open shifts are added).

The rules, in the order a reason is reported (the first that excludes):

1. **employed**: an employment in force on every local date the shift touches;
2. **absent**: no absence (any type, any extent) overlapping the shift;
3. **known only** (a setting per case): worked or booked in the case within its window;
4. **overlap**: no other shift, worked time, or proposed shift at the same time;
5. **daily rest** (dygnsvila): between two consecutive work intervals (assistance and on-call)
   the gap is either a break of at most ``max_break_hours`` (work continues in a row) or a
   rest of at least ``daily_rest_hours`` (11 h);
6. **in a row**: a run of work and on-call whose gaps are breaks spans at most
   ``max_in_a_row_hours`` (20 h, the municipal agreement for assistants);
7. **weekly rest** (veckovila): every calendar week (Monday 00:00 local) the shift touches
   keeps at least ``weekly_rest_hours`` (36 h) in a row free of assistance, on-call and
   standby;
8. **working-time caps** (arbetstidslagen), one rule each: overtime at most 48 h in four
   weeks, 50 h in a calendar month and 200 h in a calendar year, additional time (mertid) at
   most 200 h a year. The overtime and mertid a proposal adds are its shifts' minutes in
   those tiers (:func:`timbalans.staffing.tiers.allocate`), and whether a cap is reached is
   decided by the same rule objects as the ``limits`` table (:mod:`.limits`). In the CP-SAT
   model the caps bound the model's own overtime and mertid minutes
   (:meth:`HoursLimit.build_caps`).

``monotone`` says whether more work can never repair a breach: those rules may prune a pair
from the model on its own. Daily rest is not monotone: a too-short gap can be filled by
another proposed shift that joins the two into work in a row.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from timbalans.staffing import limits
from timbalans.staffing.prepared import (
    BUSY_KINDS,
    FIXED,
    WORK_KINDS,
    PCandidate,
    Prepared,
    PShift,
    Span,
    Week,
    free_stretches,
    longest_free,
    merged,
    neighbour_gaps,
    overlapping,
    run_of,
    runs_of,
    short_rest,
)
from timbalans.staffing.variables import Variables

if TYPE_CHECKING:  # the solver is imported where a model is built (staffing.model)
    from ortools.sat.python import cp_model

EMPLOYED = "Inte anställd på passets datum"
ABSENT = "Frånvarande under passet"
KNOWN_ONLY = "Ärendet tar bara emot assistenter som arbetat där de senaste {days} dagarna"
OVERLAP = "Har redan pass eller arbetad tid som överlappar passet"
DAILY_REST = "Får mindre än {hours} timmars dygnsvila före eller efter passet"
IN_A_ROW = "Får mer än {hours} timmar arbete och jour i följd"
WEEKLY_REST = "Får inte {hours} timmars sammanhängande veckovila under veckan"
OVERTIME_4W = "övertidstaket {hours} h/4 veckor är nått"
OVERTIME_MONTH = "övertidstaket {hours} h/månad är nått"
OVERTIME_YEAR = "övertidstaket {hours} h/år är nått"
ADDITIONAL_YEAR = "mertidstaket {hours} h/år är nått"


def hours_text(hours: float) -> str:
    """11.0 -> '11', 11.5 -> '11,5' (Swedish decimal comma)."""
    return f"{hours:g}".replace(".", ",")


class Rule(ABC):
    code: ClassVar[str]
    reason: ClassVar[str]
    monotone: ClassVar[bool] = True

    def __init__(self, prepared: Prepared) -> None:
        self.p = prepared

    def text(self, s: PShift) -> str:
        return self.reason

    @abstractmethod
    def allows(self, c: PCandidate, s: PShift, extra: Sequence[Span] = ()) -> bool:
        """Whether ``c`` may take ``s`` given their commitments and ``extra``."""

    @abstractmethod
    def build(self, model: cp_model.CpModel, v: Variables) -> None:
        """Add this rule's constraints over the pairs of ``v``."""

    def _forbid_alone(self, model: cp_model.CpModel, v: Variables) -> None:
        for (c, s), var in v.x.items():
            if not self.allows(self.p.candidates[c], self.p.shifts[s]):
                model.add(var == 0)


class Employed(Rule):
    code = "employed"
    reason = EMPLOYED

    def allows(self, c: PCandidate, s: PShift, extra: Sequence[Span] = ()) -> bool:
        cache = self.p.cache.setdefault("employed", {})
        key = (c.index, s.date, s.last_date)
        found = cache.get(key)
        if found is None:
            found = all(
                any(lo <= day <= hi for lo, hi in c.employed)
                for day in range(s.date.toordinal(), s.last_date.toordinal() + 1)
            )
            cache[key] = found
        return found

    def build(self, model: cp_model.CpModel, v: Variables) -> None:
        self._forbid_alone(model, v)


class NotAbsent(Rule):
    code = "absent"
    reason = ABSENT

    def allows(self, c: PCandidate, s: PShift, extra: Sequence[Span] = ()) -> bool:
        return not any(a0 < s.end and s.start < a1 for a0, a1 in c.absences)

    def build(self, model: cp_model.CpModel, v: Variables) -> None:
        self._forbid_alone(model, v)


class KnownOnly(Rule):
    code = "known_only"
    reason = KNOWN_ONLY

    def text(self, s: PShift) -> str:
        return self.reason.format(days=self.p.config.window_days(s.shift.case_id))

    def allows(self, c: PCandidate, s: PShift, extra: Sequence[Span] = ()) -> bool:
        if not self.p.config.known_only(s.shift.case_id):
            return True
        return self.p.known(c, s)

    def build(self, model: cp_model.CpModel, v: Variables) -> None:
        self._forbid_alone(model, v)


class NoOverlap(Rule):
    code = "overlap"
    reason = OVERLAP

    def allows(self, c: PCandidate, s: PShift, extra: Sequence[Span] = ()) -> bool:
        if c.near(s.start, s.end):
            return False
        return not any(overlapping(sp, s) for sp in extra)

    def build(self, model: cp_model.CpModel, v: Variables) -> None:
        self._forbid_alone(model, v)
        shifts = self.p.shifts
        for c, own in v.by_candidate.items():
            # Sweep in start order: at each start, the shifts still running form a clique.
            active: list[int] = []
            for s in own:  # sorted by start
                start = shifts[s].start
                active = [a for a in active if shifts[a].end > start]
                if active:
                    model.add_at_most_one([v.x[(c, a)] for a in [*active, s]])
                active.append(s)


class DailyRest(Rule):
    code = "daily_rest"
    reason = DAILY_REST
    monotone = False

    def text(self, s: PShift) -> str:
        return self.reason.format(hours=hours_text(self.p.config.daily_rest_hours))

    def allows(self, c: PCandidate, s: PShift, extra: Sequence[Span] = ()) -> bool:
        if s.shift.kind not in WORK_KINDS:
            return True
        rest = self.p.daily_rest
        spans = merged([*c.near(s.start - rest, s.end + rest), *extra], WORK_KINDS)
        before, after = neighbour_gaps(spans, s.span)
        mb = self.p.max_break
        return not (short_rest(before, mb, rest) or short_rest(after, mb, rest))

    def build(self, model: cp_model.CpModel, v: Variables) -> None:
        p, rest, mb = self.p, self.p.daily_rest, self.p.max_break
        for c, own in v.by_candidate.items():
            pc = p.candidates[c]
            work = [p.shifts[s].span for s in own if p.shifts[s].shift.kind in WORK_KINDS]
            if not work:
                continue
            work.sort(key=lambda sp: (sp.start, sp.end))
            starts = [sp.start for sp in work]
            longest = max(sp.end - sp.start for sp in work)
            for b in work:
                fixed = merged(pc.near(b.start - rest, b.end + rest), WORK_KINDS)
                # Proposed shifts that can end in the rest before b: they start at most
                # rest + the longest shift earlier.
                window = work[
                    bisect_left(starts, b.start - rest - longest) : bisect_left(starts, b.start)
                ]
                for a in [*window, *fixed]:
                    if a.end <= b.start and short_rest(b.start - a.end, mb, rest):
                        self._pair(model, v, c, a, b, fixed, window)
                for z in fixed:
                    if z.start >= b.end and short_rest(z.start - b.end, mb, rest):
                        later = work[
                            bisect_left(starts, b.end - longest) : bisect_left(starts, z.start)
                        ]
                        self._pair(model, v, c, b, z, fixed, later)

    def _pair(
        self,
        model: cp_model.CpModel,
        v: Variables,
        c: int,
        a: Span,
        b: Span,
        fixed: Sequence[Span],
        opens: Sequence[Span],
    ) -> None:
        """a, b taken with nothing between them (a too-short rest) is not allowed.

        ``fixed`` and ``opens`` hold every existing and proposed interval that could lie
        between them."""
        if any(z.start < b.start and z.end > a.end and z not in (a, b) for z in fixed):
            return  # an existing interval lies between: not consecutive
        between = [
            v.x[(c, z.shift)]
            for z in opens
            if z.start < b.start and z.end > a.end and z.shift not in (a.shift, b.shift)
        ]
        taken = [v.x[(c, sp.shift)] for sp in (a, b) if sp.shift != FIXED]
        model.add(sum(taken) - sum(between) <= len(taken) - 1)


class InARow(Rule):
    code = "in_a_row"
    reason = IN_A_ROW

    def text(self, s: PShift) -> str:
        return self.reason.format(hours=hours_text(self.p.config.max_in_a_row_hours))

    def allows(self, c: PCandidate, s: PShift, extra: Sequence[Span] = ()) -> bool:
        if s.shift.kind not in WORK_KINDS:
            return True
        mb = self.p.max_break
        # A gap of exactly max_break still joins: look one minute further each way.
        if not extra and not [
            sp for sp in c.near(s.start - mb - 1, s.end + mb + 1) if sp.kind in WORK_KINDS
        ]:
            return s.end - s.start <= self.p.max_in_a_row  # nothing joins it: a run alone
        reach = self.p.max_in_a_row + mb
        spans = merged([*c.near(s.start - reach, s.end + reach), *extra, s.span], WORK_KINDS)
        lo, hi = run_of(spans, s.span, self.p.max_break)
        return hi - lo <= self.p.max_in_a_row

    def build(self, model: cp_model.CpModel, v: Variables) -> None:
        p = self.p
        reach = p.max_in_a_row + p.max_break
        for c, own in v.by_candidate.items():
            pc = p.candidates[c]
            work = [p.shifts[s] for s in own if p.shifts[s].shift.kind in WORK_KINDS]
            if not work:
                continue
            items: set[Span] = {w.span for w in work}
            for w in work:
                items.update(pc.near(w.start - reach, w.end + reach))
            ordered = merged(items, WORK_KINDS)
            for chain in self._chains(ordered):
                opens = [sp.shift for sp in chain if sp.shift != FIXED]
                if opens:
                    model.add(sum(v.x[(c, o)] for o in opens) <= len(opens) - 1)

    def _chains(self, spans: Sequence[Span]) -> list[list[Span]]:
        """Minimal chains of work in a row longer than the limit with an open shift in them.

        A chain is spans in order of start, each starting at most a break after the latest end
        of those before it (so an overlapping or nested span joins too, as in
        :func:`runs_of`). It breaches when its latest end is more than the limit after its
        first start and it holds an open shift: existing work that is already too long in a
        row (in the data) is extended until an open shift joins it, since that shift may not
        make the run longer still. A breaching chain is kept unless the chain without its
        first span breaches too (that one is kept instead: fewer open shifts, a stronger
        constraint).
        """
        limit, mb = self.p.max_in_a_row, self.p.max_break

        def breaches(chain: Sequence[Span]) -> bool:
            runs = runs_of(chain, mb)
            if len(runs) != 1:
                return False  # not in a row
            lo, hi, _ = runs[0]
            return hi - lo > limit and any(sp.shift != FIXED for sp in chain)

        out: list[list[Span]] = []

        def extend(path: list[Span], end: int, last_index: int) -> None:
            for j in range(last_index + 1, len(spans)):
                nxt = spans[j]
                if nxt.start - end > mb:
                    break  # sorted by start: no later span joins the chain
                chain = [*path, nxt]
                if not breaches(chain):
                    extend(chain, max(end, nxt.end), j)
                elif not breaches(chain[1:]):
                    out.append(chain)

        for i, sp in enumerate(spans):
            if breaches([sp]):
                out.append([sp])
            else:
                extend([sp], sp.end, i)
        return out


class WeeklyRest(Rule):
    code = "weekly_rest"
    reason = WEEKLY_REST

    def text(self, s: PShift) -> str:
        return self.reason.format(hours=hours_text(self.p.config.weekly_rest_hours))

    def allows(self, c: PCandidate, s: PShift, extra: Sequence[Span] = ()) -> bool:
        rest = self.p.weekly_rest
        for monday in s.weeks:
            week = self.p.week(monday)
            if extra:
                spans = [*c.near(week.start, week.end), *extra, s.span]
                if longest_free([sp for sp in spans if sp.kind in BUSY_KINDS], week) < rest:
                    return False
                continue
            # The week's free stretches between existing commitments; the shift may cut one.
            if not any(
                (hi - lo >= rest and (hi <= s.start or lo >= s.end))
                or min(hi, s.start) - lo >= rest
                or hi - max(lo, s.end) >= rest
                for lo, hi in self._free(c, week)
            ):
                return False
        return True

    def _free(self, c: PCandidate, week: Week) -> list[tuple[int, int]]:
        cache = self.p.cache.setdefault("weekly_free", {})
        key = (c.index, week.monday)
        found = cache.get(key)
        if found is None:
            busy = [sp for sp in c.near(week.start, week.end) if sp.kind in BUSY_KINDS]
            found = cache[key] = free_stretches(busy, week)
        return found

    def build(self, model: cp_model.CpModel, v: Variables) -> None:
        p, rest = self.p, self.p.weekly_rest
        for c, own in v.by_candidate.items():
            pc = p.candidates[c]
            mondays = sorted({m for s in own for m in p.shifts[s].weeks})
            for monday in mondays:
                week = p.week(monday)
                opens = [p.shifts[s] for s in own if overlapping(p.shifts[s], week)]
                fixed = [sp for sp in pc.near(week.start, week.end) if sp.kind in BUSY_KINDS]
                points = {week.start}
                points.update(sp.end for sp in fixed)
                points.update(s.end for s in opens)
                free = [
                    t
                    for t in sorted(points)
                    if week.start <= t <= week.end - rest
                    and not any(sp.start < t + rest and sp.end > t for sp in fixed)
                ]
                if not free:  # the week has no weekly rest already: add nothing to it
                    for s in opens:
                        model.add(v.x[(c, s.index)] == 0)
                    continue
                blockers = {
                    t: [s.index for s in opens if s.start < t + rest and s.end > t] for t in free
                }
                if any(not b for b in blockers.values()):
                    continue  # a rest no proposal can touch
                keep = []
                for t, blocking in blockers.items():
                    w = model.new_bool_var(f"rest_{c}_{monday:%Y%m%d}_{t}")
                    for b in blocking:
                        model.add_implication(w, v.x[(c, b)].Not())
                    keep.append(w)
                model.add_bool_or(keep)


class HoursLimit(Rule):
    """One hour cap of the working-time act (see the module docstring, rule 8).

    Monotone: more shifts only take more of the month's room, so more of the hours are
    overtime or mertid. ``build`` forbids the pairs that break the cap alone; the caps over
    several shifts bound the model's overtime and mertid variables (:meth:`build_caps`)."""

    hours_setting: ClassVar[str]

    @cached_property
    def cap(self) -> limits.HoursCap:
        return limits.cap(self.p.config, self.code)

    def text(self, s: PShift) -> str:
        return self.reason.format(hours=hours_text(getattr(self.p.config, self.hours_setting)))

    def allows(self, c: PCandidate, s: PShift, extra: Sequence[Span] = ()) -> bool:
        shifts = [sp.shift for sp in extra if sp.shift != FIXED and sp.shift != s.index]
        return not limits.breaks_cap(self.p, self.cap, c, [*shifts, s.index])

    def build(self, model: cp_model.CpModel, v: Variables) -> None:
        self._forbid_alone(model, v)

    def build_caps(
        self,
        model: cp_model.CpModel,
        v: Variables,
        minutes: dict[tuple[int, int], cp_model.LinearExprT],
    ) -> None:
        """Per candidate, the cap's minutes (``minutes``: each pair's overtime or mertid
        minutes in the model) within each month, year or four weeks' headroom."""
        rule = self.cap
        for c, own in v.by_candidate.items():
            counted = [self.p.shifts[s] for s in own if (c, s) in minutes]
            for inside, room in limits.headrooms(self.p, rule, self.p.candidates[c], counted):
                model.add(sum(minutes[(c, s)] for s in inside) <= room)


class OvertimeFourWeeks(HoursLimit):
    code = "overtime_4w"
    reason = OVERTIME_4W
    hours_setting = "overtime_4w_hours"


class OvertimeMonth(HoursLimit):
    code = "overtime_month"
    reason = OVERTIME_MONTH
    hours_setting = "overtime_month_hours"


class OvertimeYear(HoursLimit):
    code = "overtime_year"
    reason = OVERTIME_YEAR
    hours_setting = "overtime_year_hours"


class AdditionalYear(HoursLimit):
    code = "additional_year"
    reason = ADDITIONAL_YEAR
    hours_setting = "additional_year_hours"


#: The working-time caps, in the ``limits`` table's order.
HOURS_LIMITS: tuple[type[HoursLimit], ...] = (
    OvertimeFourWeeks,
    OvertimeMonth,
    OvertimeYear,
    AdditionalYear,
)

#: In the order a reason is reported.
RULES: tuple[type[Rule], ...] = (
    Employed,
    NotAbsent,
    KnownOnly,
    NoOverlap,
    DailyRest,
    InARow,
    WeeklyRest,
    *HOURS_LIMITS,
)


def rules_for(prepared: Prepared) -> list[Rule]:
    return [rule(prepared) for rule in RULES]


def screen(prepared: Prepared, s: PShift) -> tuple[list[int], list[tuple[int, Rule]]]:
    """The shift's pool split into allowed candidates and excluded ones with the first rule
    that excludes each, given existing commitments only. Cached per shift."""
    cache = prepared.cache.setdefault("screen", {})
    found = cache.get(s.index)
    if found is None:
        rules = prepared.cache.setdefault("rules", {}).get("all")
        if rules is None:
            rules = rules_for(prepared)
            prepared.cache["rules"]["all"] = rules
        allowed: list[int] = []
        excluded: list[tuple[int, Rule]] = []
        for i in prepared.pool(s):
            breach = first_breach(rules, prepared.candidates[i], s)
            if breach is None:
                allowed.append(i)
            else:
                excluded.append((i, breach))
        found = (allowed, excluded)
        cache[s.index] = found
    return found


def first_breach(
    rules: Sequence[Rule], c: PCandidate, s: PShift, extra: Sequence[Span] = ()
) -> Rule | None:
    """The first rule that excludes ``c`` from ``s``, or None."""
    for rule in rules:
        if not rule.allows(c, s, extra):
            return rule
    return None


__all__ = [
    "ABSENT",
    "ADDITIONAL_YEAR",
    "DAILY_REST",
    "EMPLOYED",
    "HOURS_LIMITS",
    "IN_A_ROW",
    "KNOWN_ONLY",
    "OVERLAP",
    "OVERTIME_4W",
    "OVERTIME_MONTH",
    "OVERTIME_YEAR",
    "RULES",
    "WEEKLY_REST",
    "AdditionalYear",
    "DailyRest",
    "Employed",
    "HoursLimit",
    "InARow",
    "KnownOnly",
    "NoOverlap",
    "NotAbsent",
    "OvertimeFourWeeks",
    "OvertimeMonth",
    "OvertimeYear",
    "Rule",
    "WeeklyRest",
    "first_breach",
    "hours_text",
    "rules_for",
    "screen",
]
