"""An ``Instance`` compiled to integer minutes, and the time-line facts the rules share.

Every rule, the ranking, the greedy baseline, the CP-SAT model and the checker work on this
form: instants are whole minutes since the epoch (UTC underneath, so durations are real
elapsed time across clock changes), calendar weeks start on Monday 00:00 local time.

The time-line functions at the bottom are the single definition of "consecutive", "work in a
row" and "free time in a week" used by rule checks and by :mod:`timbalans.staffing.validation`;
the CP-SAT constraints (:mod:`timbalans.staffing.rules`) are separate code, so the checker
cross-checks the model.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from timbalans.staffing.cost import PairTerms, pair_terms
from timbalans.staffing.instance import Candidate, Config, Employment, Instance, OpenShift

ZONE = ZoneInfo("Europe/Stockholm")
#: Kinds that are work for daily rest and for "work plus on-call in a row". Standby
#: (beredskap) is spent away from the workplace: it is rest for those rules.
WORK_KINDS = frozenset({"assistance", "on_call"})
#: Kinds that are not weekly rest (ATL 14 §: standby does not count as weekly rest either).
BUSY_KINDS = frozenset({"assistance", "on_call", "standby"})
FIXED = -1  # Span.shift of an existing commitment


def minute(ts: dt.datetime) -> int:
    """Whole minutes since the epoch of an aware instant."""
    return int(ts.timestamp()) // 60


def local_date(ts: dt.datetime) -> dt.date:
    return ts.astimezone(ZONE).date()


def day_start(day: dt.date) -> int:
    """Local midnight at the start of ``day``, in epoch minutes."""
    return minute(dt.datetime(day.year, day.month, day.day, tzinfo=ZONE))


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class Span(NamedTuple):
    start: int
    end: int
    kind: str
    shift: int = FIXED  # index of the open shift, or FIXED for an existing commitment
    case_id: str | None = None


@dataclass(frozen=True)
class Week:
    monday: dt.date
    start: int
    end: int


@dataclass
class PShift:
    index: int
    shift: OpenShift
    start: int
    end: int
    minutes: int
    date: dt.date  # local date of the start
    last_date: dt.date  # local date of the last minute
    month: str  # local month of the start: the month whose contracted time it uses
    weeks: tuple[dt.date, ...]  # Mondays of the calendar weeks it touches

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.shift.kind, self.index, self.shift.case_id)


@dataclass
class PCandidate:
    index: int
    candidate: Candidate
    spans: list[Span]  # existing commitments, sorted by start
    absences: list[tuple[int, int]]
    room_minutes: dict[str, tuple[int, int]]  # month -> (unused contracted, mertid room)
    employments: list[Employment] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    max_len: int = 0
    employed: list[tuple[int, int]] = field(default_factory=list)  # (from, to) day ordinals
    _employment_on: dict[dt.date, Employment | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.starts = [sp.start for sp in self.spans]
        self.max_len = max((sp.end - sp.start for sp in self.spans), default=0)
        self.employed = [
            (e.valid_from.toordinal(), (e.valid_to or dt.date.max).toordinal())
            for e in self.employments
        ]

    def employment_on(self, day: dt.date) -> Employment | None:
        if day not in self._employment_on:
            self._employment_on[day] = self.candidate.employment_on(day)
        return self._employment_on[day]

    def near(self, lo: int, hi: int) -> list[Span]:
        """The existing commitments that intersect ``[lo, hi)``."""
        i = bisect_left(self.starts, hi)
        j = bisect_left(self.starts, lo - self.max_len)
        return [sp for sp in self.spans[j:i] if sp.end > lo]


class Prepared:
    """The instance and config compiled once; cheap to share between solvers."""

    def __init__(self, instance: Instance, config: Config) -> None:
        self.instance = instance
        self.config = config
        self.shifts = [_prepare_shift(i, s) for i, s in enumerate(instance.shifts)]
        self.candidates = [_prepare_candidate(i, c) for i, c in enumerate(instance.candidates)]
        self.shift_index = {s.shift.id: s.index for s in self.shifts}
        self.candidate_index = {c.candidate.employee_id: c.index for c in self.candidates}
        self.employee_ids = [c.candidate.employee_id for c in self.candidates]
        self.weeks: dict[dt.date, Week] = {}
        for s in self.shifts:
            for monday in s.weeks:
                self.week(monday)
        h = 60
        self.max_break = round(config.max_break_hours * h)
        self.daily_rest = round(config.daily_rest_hours * h)
        self.weekly_rest = round(config.weekly_rest_hours * h)
        self.max_in_a_row = round(config.max_in_a_row_hours * h)
        self._terms: dict[tuple[int, int], PairTerms | None] = {}
        self._pools: dict[tuple[str, str | None, str], list[int]] = {}
        self._base_pools: dict[tuple[str, str | None], tuple[list[int], set[int]]] = {}
        self.by_unit: dict[str, list[int]] = {}
        self.by_department: dict[str | None, list[int]] = {}
        self.by_case: dict[str, list[int]] = {}
        for c in self.candidates:
            self.by_unit.setdefault(c.candidate.unit_id, []).append(c.index)
            self.by_department.setdefault(c.candidate.department, []).append(c.index)
            for case in c.candidate.cases:
                self.by_case.setdefault(case, []).append(c.index)
        #: Per-solver caches keyed by name (rule screens, free gaps of weeks).
        self.cache: dict[str, dict] = {}

    def pool(self, s: PShift) -> list[int]:
        """Indices of the candidates considered for ``s``, in order (see :meth:`in_pool`)."""
        shift = s.shift
        key = (shift.unit_id, shift.department, shift.case_id)
        found = self._pools.get(key)
        if found is None:
            base, members = self._base_pool(shift.unit_id, shift.department)
            known = set(self.by_case.get(shift.case_id, [])).difference(members)
            # The cases of a unit mostly share one list (the same object), sorted.
            found = self._pools[key] = sorted([*base, *known]) if known else base
        return found

    def _base_pool(self, unit_id: str, department: str | None) -> tuple[list[int], set[int]]:
        """The pool before the staff known to the case: everyone, the unit, or the department
        with the unit's staff who have none."""
        key = (unit_id, department)
        found = self._base_pools.get(key)
        if found is None:
            chosen: set[int]
            if self.config.pool == "all":
                chosen = {c.index for c in self.candidates}
            elif self.config.pool == "unit" or department is None:
                chosen = set(self.by_unit.get(unit_id, []))
            else:
                chosen = set(self.by_department.get(department, []))
                chosen.update(
                    i
                    for i in self.by_unit.get(unit_id, [])
                    if self.candidates[i].candidate.department is None
                )
            found = self._base_pools[key] = (sorted(chosen), chosen)
        return found

    def terms(self, c: int, s: int) -> PairTerms | None:
        """How the pair costs, by the employment in force on the shift's date (None: none)."""
        key = (c, s)
        if key not in self._terms:
            shift = self.shifts[s]
            employment = self.candidates[c].employment_on(shift.date)
            self._terms[key] = (
                None
                if employment is None
                else pair_terms(employment, shift.shift, shift.minutes / 60)
            )
        return self._terms[key]

    def week(self, monday: dt.date) -> Week:
        found = self.weeks.get(monday)
        if found is None:
            found = Week(monday, day_start(monday), day_start(monday + dt.timedelta(days=7)))
            self.weeks[monday] = found
        return found

    def in_pool(self, c: PCandidate, s: PShift) -> bool:
        """Whether ``c`` is considered for ``s`` at all (before any rule)."""
        pool = self.config.pool
        cand, shift = c.candidate, s.shift
        if shift.case_id in cand.cases:
            return True  # staff known to the case are always considered
        if pool == "all":
            return True
        if pool == "unit":
            return cand.unit_id == shift.unit_id
        if shift.department is None or cand.department is None:
            return cand.unit_id == shift.unit_id
        return cand.department == shift.department

    def known(self, c: PCandidate, s: PShift) -> bool:
        """Known to the client: worked or booked in the case within the case's window."""
        history = c.candidate.cases.get(s.shift.case_id)
        if history is None:
            return False
        since = s.date - dt.timedelta(days=self.config.window_days(s.shift.case_id))
        if history.last_worked is not None and since <= history.last_worked <= s.date:
            return True
        return any(since <= d <= s.date for d in history.planned_dates)

    def last_in_case(self, c: PCandidate, s: PShift) -> dt.date | None:
        history = c.candidate.cases.get(s.shift.case_id)
        if history is None:
            return None
        days = [d for d in history.planned_dates if d <= s.date]
        if history.last_worked is not None:
            days.append(history.last_worked)
        return max(days) if days else None


_WEEK = dt.timedelta(days=7)


def _prepare_shift(index: int, s: OpenShift) -> PShift:
    start, end = minute(s.start), minute(s.end)
    first = local_date(s.start)
    last = local_date(s.end - dt.timedelta(minutes=1))
    weeks: list[dt.date] = []  # from the first day's Monday to the last day's
    monday = week_start_of(first)
    while monday <= last:
        weeks.append(monday)
        monday += _WEEK
    return PShift(
        index=index,
        shift=s,
        start=start,
        end=end,
        minutes=s.minutes,
        date=first,
        last_date=last,
        month=f"{first.year:04d}-{first.month:02d}",
        weeks=tuple(weeks),
    )


def _prepare_candidate(index: int, c: Candidate) -> PCandidate:
    spans = sorted(
        (Span(minute(b.start), minute(b.end), b.kind, FIXED, b.case_id) for b in c.busy),
        key=lambda sp: (sp.start, sp.end),
    )
    absences = sorted((minute(a.start), minute(a.end)) for a in c.absences)
    rooms = {
        m: (round(state.unused_hours * 60), round(state.additional_room_hours * 60))
        for m, state in c.months.items()
    }
    return PCandidate(index, c, spans, absences, rooms, list(c.employments))


# --------------------------------------------------------------------------- the time line


def merged(spans: Iterable[Span], kinds: frozenset[str]) -> list[Span]:
    """The spans of the given kinds, sorted by start (then end)."""
    return sorted((sp for sp in spans if sp.kind in kinds), key=lambda sp: (sp.start, sp.end))


def overlapping(a: Span | PShift | Week, b: Span | PShift | Week) -> bool:
    return a.start < b.end and b.start < a.end


def neighbour_gaps(spans: Sequence[Span], target: Span) -> tuple[int | None, int | None]:
    """Rest before and after ``target`` among ``spans`` (without it): None when none.

    The gap before is ``target.start`` minus the latest end among spans that start before it;
    the gap after is the earliest start at or after ``target.end`` minus ``target.end``.
    Overlapping spans are the overlap rule's business and are ignored here.
    """
    prev_end: int | None = None
    next_start: int | None = None
    for sp in spans:
        if sp.start < target.start and sp.end <= target.start:
            prev_end = sp.end if prev_end is None else max(prev_end, sp.end)
        elif sp.start >= target.end:
            next_start = sp.start if next_start is None else min(next_start, sp.start)
    before = None if prev_end is None else target.start - prev_end
    after = None if next_start is None else next_start - target.end
    return before, after


def short_rest(gap: int | None, max_break: int, rest: int) -> bool:
    """A gap that is neither a break inside work in a row nor a full daily rest."""
    return gap is not None and max_break < gap < rest


def run_of(spans: Sequence[Span], target: Span, max_break: int) -> tuple[int, int]:
    """(start, end) of the run of work in a row that contains ``target``.

    ``spans`` are sorted and include ``target``; two spans are in a row when the gap from the
    latest end so far to the next start is at most ``max_break``.
    """
    runs = runs_of(spans, max_break)
    for lo, hi, members in runs:
        if target in members:
            return lo, hi
    return target.start, target.end


def runs_of(spans: Sequence[Span], max_break: int) -> list[tuple[int, int, list[Span]]]:
    """Runs of work in a row: (start, end, members) of sorted ``spans``."""
    out: list[tuple[int, int, list[Span]]] = []
    for sp in spans:
        if out and sp.start - out[-1][1] <= max_break:
            lo, hi, members = out[-1]
            members.append(sp)
            out[-1] = (lo, max(hi, sp.end), members)
        else:
            out.append((sp.start, sp.end, [sp]))
    return out


def free_stretches(spans: Iterable[Span], week: Week) -> list[tuple[int, int]]:
    """The stretches (start, end) inside the week with none of ``spans`` in it, in order."""
    inside = sorted(
        (max(sp.start, week.start), min(sp.end, week.end))
        for sp in spans
        if sp.start < week.end and sp.end > week.start
    )
    out, cursor = [], week.start
    for lo, hi in inside:
        if lo > cursor:
            out.append((cursor, lo))
        cursor = max(cursor, hi)
    if cursor < week.end:
        out.append((cursor, week.end))
    return out


def longest_free(spans: Iterable[Span], week: Week) -> int:
    """The longest stretch (minutes) inside the week with none of ``spans`` in it."""
    return max((hi - lo for lo, hi in free_stretches(spans, week)), default=0)


__all__ = [
    "BUSY_KINDS",
    "FIXED",
    "WORK_KINDS",
    "ZONE",
    "PCandidate",
    "PShift",
    "Prepared",
    "Span",
    "Week",
    "day_start",
    "free_stretches",
    "local_date",
    "longest_free",
    "merged",
    "minute",
    "neighbour_gaps",
    "overlapping",
    "run_of",
    "runs_of",
    "short_rest",
    "week_start_of",
]
