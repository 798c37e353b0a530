"""staffing-backtest (vad prioriteringsordningen hade sparat): one row per unit and month of
the 12 calendar months ending with D's month (facts up to D).

spec/figures.md "staffing-backtest". Every piece of worked time that was bought (category
overtime, additional or hourly, :func:`timbalans.figures.staff.worked_categories`: split at
months, in the case's unit) becomes an open shift at its real time, in its case, of its kind
(on-call and standby worked stay on-call and standby), with the OB and rates of its date.
Month by month, the candidates are built by the staffing core as at the month's last day (or
D): everyone's employments, worked time, booked plans, absences and the month's contracted,
absent and worked hours as they were, **less the month's bought worked rows themselves** (the
hours now open). Then, in time order, each shift goes to the first candidate in the staffing
priority order (:func:`timbalans.staffing.rank.options`: tier, known to the client, cost) whose
hours all fall in tier 1 (unused contracted time) or tier 2 (mertid up to full time) and whom no
hard rule excludes, given the picks before it (:class:`~timbalans.staffing.rank.RankState`):
employment, absence, known staff only (a case setting of ``config``), overlap, daily rest,
work in a row, weekly rest and the working-time caps. A shift no one can take that way stays
bought as it was.

* bought_hours: the hours of those pieces (elapsed minus break); actual_cost: their computed
  cost per unit, month and kind (:func:`timbalans.figures.case_economics.bought.bought_hours`:
  wage, holiday pay, OB, social fees);
* tier1_hours, tier2_hours: the refilled shifts' hours in each tier;
* remaining_bought_hours = bought_hours − tier1_hours − tier2_hours;
* backtest_cost: each refilled shift at its staffing marginal cost (tier 1: its OB with fees;
  tier 2: the hours at the hourly cost basis with fees, plus OB), plus the remaining hours of
  each kind at that kind's actual cost per hour in the unit and month;
* saving_sek = actual_cost − backtest_cost (negative where the priority order costs more);
  saving_pct = 100 × saving_sek / actual_cost (null when actual_cost is 0).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace

import numpy as np
import polars as pl

from timbalans.figures.backtest_columns import COLUMNS
from timbalans.figures.case_economics.bought import BOUGHT, bought_hours
from timbalans.figures.common import month_first_last, months_between
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.savings import window_request
from timbalans.figures.staff import share_absence_days, worked_categories
from timbalans.ingest.schema import MONTHLY_FORMS
from timbalans.staffing.candidates import candidates_from_frames, narrow
from timbalans.staffing.cost import pair_cost
from timbalans.staffing.instance import TIER_ADDITIONAL, TIER_ORDINARY, Config, Instance
from timbalans.staffing.open_shifts import OPEN_SCHEMA, open_shifts_from_frame
from timbalans.staffing.prepared import (
    BUSY_KINDS,
    WORK_KINDS,
    Prepared,
    PShift,
    Span,
    free_stretches,
)
from timbalans.staffing.rank import REACH_MINUTES
from timbalans.staffing.rules import HOURS_LIMITS, InARow, Rule, first_breach, rules_for
from timbalans.staffing.tiers import split_minutes

_KIND = {"on_call": "on_call", "standby": "standby"}
_ASKED_FIRST: tuple[type[Rule], ...] = (InARow, *HOURS_LIMITS)


def _bought_pieces(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """The bought worked pieces of the window's months with an open-shift id."""
    first = req.date_from
    pieces = worked_categories(frames, req.as_of).filter(
        pl.col("category").is_in(list(BOUGHT))
        & (pl.col("date") >= pl.lit(first, pl.Date))
        & (pl.col("date") <= pl.lit(req.as_of, pl.Date))
        & pl.col("case_unit_id").is_in(frames.units["unit_id"].implode())
        & (pl.col("end") > pl.col("start"))
        & (pl.col("hours") > 0)
    )
    units = frames.units.select(pl.col("unit_id").alias("case_unit_id"), "department")
    return (
        pieces.join(units, on="case_unit_id", how="left")
        .sort("start", "case_id", "employee_id", "end")
        .with_row_index("__n")
        .select(
            pl.format("B{}", pl.col("__n")).alias("id"),
            pl.lit(None, pl.String).alias("shift_id"),
            "case_id",
            pl.col("case_unit_id").alias("unit_id"),
            "department",
            "employee_id",
            "start",
            "end",
            pl.col("break_minutes").round(0).cast(pl.Int64).alias("break_minutes"),
            pl.col("time_type").replace_strict(_KIND, default="assistance").alias("kind"),
            pl.lit("unassigned").alias("reason"),
            "month",
            "category",
            "hours",
        )
    )


#: Candidate c's instants in one array: c * _SHIFT + epoch minute (minutes stay far below it).
_SHIFT = 1 << 40


class _Intervals:
    """Every candidate's intervals [start, end) in one array sorted by candidate and start, to
    ask about many candidates at once: the facts of :meth:`PCandidate.near` and
    :func:`neighbour_gaps` for a whole pool."""

    def __init__(self, rows: Iterable[tuple[int, int, int]], n: int) -> None:
        # rows: (candidate, start, end); a first row before every candidate's (every search
        # lands on a row, theirs or ending before theirs) and a last one after (every search
        # for a start at or after an instant finds one).
        keyed = sorted(
            [
                (-1, -1),
                *((c * _SHIFT + lo, c * _SHIFT + hi) for c, lo, hi in rows),
                (n * _SHIFT,) * 2,
            ]
        )
        self.starts = np.array([lo for lo, _ in keyed], dtype=np.int64)
        # The latest end up to each interval is the candidate's own: every earlier
        # candidate's instants are smaller than any of theirs.
        self.latest_end = np.maximum.accumulate(np.array([hi for _, hi in keyed], dtype=np.int64))

    def meeting(self, cs: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Which of the candidates ``cs`` have an interval intersecting ``[lo, hi)``."""
        base = cs * _SHIFT
        last = np.searchsorted(self.starts, base + hi) - 1  # the last one starting before hi
        return self.latest_end[last] > base + lo

    def short_rest(
        self, cs: np.ndarray, lo: int, hi: int, latest: np.ndarray, max_break: int, rest: int
    ) -> np.ndarray:
        """Which of ``cs`` (none with an interval meeting ``[lo, hi)``) have a gap that is
        neither a break nor a full rest (:func:`short_rest`) before ``lo``, from the latest
        end of their intervals before it or ``latest`` (epoch minutes, 0: none), or after
        ``hi``, to the first start at or after it."""
        base = cs * _SHIFT
        # The latest end before lo is theirs when it is after their base (else it is an
        # earlier candidate's or the first row's, and the difference negative). With none,
        # the gap is the whole epoch before lo or from hi to the next candidate's base:
        # far longer than any rest.
        last = np.searchsorted(self.starts, base + lo) - 1
        before = lo - np.maximum(self.latest_end[last] - base, latest)
        after = self.starts[np.searchsorted(self.starts, base + hi)] - base - hi
        return ((max_break < before) & (before < rest)) | ((max_break < after) & (after < rest))


class _LongFree:
    """One week's free stretches that hold the weekly rest ``rest``, per candidate once asked
    about, and what they leave for a shift that overlaps no commitment or pick (so lies in
    one free stretch): with two or more, the other holds the rest whatever the shift; with
    one, ``(a, b)``, it must hold the rest before or after the shift: a shift starting before
    ``a + rest`` and ending after ``b - rest`` takes it; with none, nothing does. A shift
    starting before ``start_under`` and ending after ``end_over`` leaves no weekly rest."""

    def __init__(self, n: int, rest: int) -> None:
        self.rest = rest
        self.known = np.zeros(n, bool)
        self.start_under = np.zeros(n, np.int64)
        self.end_over = np.zeros(n, np.int64)
        self.stretches: dict[int, list[tuple[int, int]]] = {}

    def put(self, i: int, stretches: list[tuple[int, int]]) -> None:
        self.stretches[i] = stretches
        if len(stretches) == 1:
            ((a, b),) = stretches
            self.start_under[i], self.end_over[i] = a + self.rest, b - self.rest
        else:  # none: every shift; two or more: none
            far = _SHIFT if not stretches else -_SHIFT
            self.start_under[i], self.end_over[i] = far, -far
        self.known[i] = True


class _Staff:
    """One month's candidates as arrays, with the picks so far, to narrow a shift's pool at
    once and put it in the priority order."""

    def __init__(self, prepared: Prepared) -> None:
        self.p = prepared
        cands = prepared.candidates
        n = len(cands)
        self.rank = np.empty(n, dtype=np.int64)  # the place in employee-number order
        self.rank[sorted(range(n), key=prepared.employee_ids.__getitem__)] = np.arange(n)
        self.monthly = np.array(
            [any(e.form == "monthly" for e in c.employments) for c in cands], dtype=bool
        )
        # Monthly employments by candidate, start and (for equal starts) earliest listed last:
        # the last one in force on a date is the one Candidate.employment_on picks.
        rows = sorted(
            (
                c.index,
                e.valid_from.toordinal(),
                -k,
                (e.valid_to or dt.date.max).toordinal(),
                e.hourly_cost_basis or 0.0,
            )
            for c in cands
            for k, e in enumerate(c.employments)
            if e.form == "monthly"
        )
        self.emp_c = np.array([r[0] for r in rows], dtype=np.int64)
        self.emp_from = np.array([r[1] for r in rows], dtype=np.int64)
        self.emp_to = np.array([r[3] for r in rows], dtype=np.int64)
        self.emp_basis = np.array([r[4] for r in rows], dtype=np.float64)
        self._on: dict[dt.date, tuple[np.ndarray, np.ndarray]] = {}
        months = sorted({s.month for s in prepared.shifts})
        # Room left: unused contracted minutes and mertid minutes per month, less the picks
        # (none below 0: a shift's minutes fill what there is, :func:`split_minutes`), and
        # both together.
        self.unused, self.room, self.free = {}, {}, {}
        for m in months:
            rooms = [c.room_minutes.get(m, (0, 0)) for c in cands]
            self.unused[m] = np.maximum([u for u, _ in rooms], 0)
            self.room[m] = np.maximum([r for _, r in rooms], 0)
            self.free[m] = self.unused[m] + self.room[m]
        # Existing commitments and absences: either overlapping a shift excludes.
        self.busy = _Intervals(
            [
                *((c.index, sp.start, sp.end) for c in cands for sp in c.spans),
                *((c.index, a0, a1) for c in cands for a0, a1 in c.absences),
            ],
            n,
        )
        self.work = _Intervals(
            ((c.index, sp.start, sp.end) for c in cands for sp in c.spans if sp.kind in WORK_KINDS),
            n,
        )
        self.picks: dict[int, list[Span]] = defaultdict(list)
        # The latest end of each one's picks (every pick starts at or before the shift asked
        # about: the shifts go in time order), of all kinds and of work.
        self.pick_end = np.zeros(n, dtype=np.int64)
        self.work_pick_end = np.zeros(n, dtype=np.int64)
        self._pools: dict[tuple[int, str | None], np.ndarray] = {}
        self._history: dict[str, np.ndarray] = {}
        self._rests: dict[dt.date, _LongFree] = {}

    def employed_on(self, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """Per candidate: whether a monthly employment is in force on ``day``, and its hourly
        cost basis."""
        found = self._on.get(day)
        if found is None:
            n = len(self.p.candidates)
            on, basis = np.zeros(n, dtype=bool), np.zeros(n)
            d = day.toordinal()
            rows = np.flatnonzero((self.emp_from <= d) & (d <= self.emp_to))
            on[self.emp_c[rows]] = True
            c = self.emp_c[rows]
            last = np.append(c[1:] != c[:-1], True)  # each one's last row in force
            basis[c[last]] = self.emp_basis[rows[last]]
            found = self._on[day] = (on, basis)
        return found

    def able(self, s: PShift) -> tuple[np.ndarray, np.ndarray]:
        """The monthly-paid of the shift's pool that may take it for all a first look can tell,
        and whether each would be in tier 2: a monthly employment in force on the date, room
        for every hour in tiers 1–2 (else some would be overtime), and no existing commitment,
        absence or pick overlapping it or leaving a too-short daily rest next to it, and a
        weekly rest left in every week it touches. Every one left out would be excluded by
        those rules (:func:`first_breach`) as well."""
        assistance = s.shift.kind == "assistance"
        pool = self.p.pool(s)
        # The pool's monthly-paid, for assistance only those with room at all in the month
        # (room only shrinks), by the pool list's identity.
        key = (id(pool), s.month if assistance else None)
        cs = self._pools.get(key)
        if cs is None:
            cs = np.array(pool, dtype=np.int64)
            cs = cs[self.monthly[cs]]
            if assistance:
                cs = cs[self.free[s.month][cs] > 0]
            self._pools[key] = cs
        if assistance:
            cs = cs[self.free[s.month][cs] >= s.minutes]
        cs = cs[self.employed_on(s.date)[0][cs] & (self.pick_end[cs] <= s.start)]
        cs = cs[~self.busy.meeting(cs, s.start, s.end)]
        if s.shift.kind in WORK_KINDS:
            p = self.p
            short = self.work.short_rest(
                cs, s.start, s.end, self.work_pick_end[cs], p.max_break, p.daily_rest
            )
            cs = cs[~short]
        cs = cs[self.weekly_rest_kept(cs, s)]
        if not assistance:
            return cs, np.zeros(len(cs), dtype=bool)
        # Tier 2 when some hours fall outside the unused contracted time.
        return cs, s.minutes > self.unused[s.month][cs]

    def weekly_rest_kept(self, cs: np.ndarray, s: PShift) -> np.ndarray:
        """Which of ``cs`` keep a weekly rest in every week the shift touches: a free stretch
        between their existing commitments and picks that holds the weekly rest with the
        shift cut out of it (:class:`WeeklyRest`).

        ``cs`` overlap no commitment or pick (:meth:`able` asks this last): see
        :class:`_LongFree`."""
        kept = np.ones(len(cs), dtype=bool)
        if self.p.weekly_rest <= 0:
            return kept
        for monday in s.weeks:
            found = self._long_free(monday, cs)
            kept &= (s.start >= found.start_under[cs]) | (s.end <= found.end_over[cs])
        return kept

    def _long_free(self, monday: dt.date, cs: np.ndarray) -> _LongFree:
        """The week's long free stretches, found for all of ``cs``."""
        found = self._rests.get(monday)
        if found is None:
            found = self._rests[monday] = _LongFree(len(self.p.candidates), self.p.weekly_rest)
        week = self.p.week(monday)
        for i in cs[~found.known[cs]].tolist():
            busy = [*self.p.candidates[i].near(week.start, week.end), *self.picks.get(i, ())]
            stretches = free_stretches([sp for sp in busy if sp.kind in BUSY_KINDS], week)
            found.put(i, [(a, b) for a, b in stretches if b - a >= self.p.weekly_rest])
        return found

    def in_order(self, s: PShift, tier: int, members: np.ndarray) -> Iterator[int]:
        """``members`` (all of ``tier`` for ``s``) in the priority order, lazily: the rest of
        :meth:`Option.key` after the tier (known to the client, cost rounded to öre, the
        latest day in the case, employee number).

        Only the few with a history in the case can be known or have a latest day there; the
        others follow by cost and employee number. Tier 1 costs the same for everyone (the
        shift's OB, or its on-call or standby pay: the salary is paid already); tier 2 adds
        each one's mertid minutes at their hourly cost basis with fees
        (:func:`pair_cost`'s arithmetic, for all at once)."""
        if len(members) == 0:
            return
        history = self._history.get(s.shift.case_id)
        if history is None:
            history = np.zeros(len(self.p.candidates), dtype=bool)
            history[self.p.by_case.get(s.shift.case_id, [])] = True
            self._history[s.shift.case_id] = history
        if tier == TIER_ORDINARY:
            cost = np.zeros(len(members))
        else:
            fees = 1 + s.shift.rates.social_fee_rate
            basis = self.employed_on(s.date)[1][members]
            used = np.minimum(s.minutes, self.unused[s.month][members])
            cost = s.shift.ob_sek * fees + basis * fees * (s.minutes - used) / 60
            cost = np.array([round(x, 2) for x in cost.tolist()])
        known = history[members]
        others = np.flatnonzero(~known)
        others = others[np.lexsort((self.rank[members[others]], cost[others]))]
        if len(others) == len(members):  # nobody with a history in the case: no merge
            yield from members[others].tolist()
            return
        keyed = []
        for k in np.flatnonzero(known).tolist():
            i = int(members[k])
            c = self.p.candidates[i]
            last = self.p.last_in_case(c, s)
            key = (not self.p.known(c, s), cost[k], -last.toordinal() if last else 0, self.rank[i])
            keyed.append((key, i))
        keyed.sort()
        rest = (
            ((True, cost[k], 0, self.rank[i]), i)
            for k, i in zip(others.tolist(), members[others].tolist(), strict=True)
        )
        for _, i in heapq.merge(keyed, rest):
            yield i

    def near_picks(self, i: int, s: PShift) -> list[Span]:
        return [
            sp
            for sp in self.picks.get(i, ())
            if sp.start < s.end + REACH_MINUTES and sp.end > s.start - REACH_MINUTES
        ]

    def take(self, i: int, s: PShift, minutes: dict[int, int]) -> None:
        first, second = minutes.get(TIER_ORDINARY, 0), minutes.get(TIER_ADDITIONAL, 0)
        self.unused[s.month][i] -= first
        self.room[s.month][i] -= second
        self.free[s.month][i] -= first + second
        self.picks[i].append(s.span)
        for monday in s.weeks:
            found = self._rests.get(monday)
            if found is not None and found.known[i]:
                # The pick lies in one free stretch (it overlaps no commitment or pick): that
                # one is cut in two, the parts kept if they still hold the weekly rest.
                week = self.p.week(monday)
                lo, hi = max(s.start, week.start), min(s.end, week.end)
                cut = (
                    ((a, lo), (hi, b)) if a < hi and lo < b else ((a, b),)
                    for a, b in found.stretches[i]
                )
                found.put(
                    i, [(a, b) for parts in cut for a, b in parts if b - a >= self.p.weekly_rest]
                )
        self.pick_end[i] = max(self.pick_end[i], s.end)
        if s.shift.kind in WORK_KINDS:
            self.work_pick_end[i] = max(self.work_pick_end[i], s.end)


def _refill(prepared: Prepared) -> dict[str, tuple[dict[int, float], float]]:
    """Shift id -> (hours by tier, marginal cost SEK) of the shifts refilled in tiers 1–2.

    The staffing baseline's loop (:func:`timbalans.staffing.greedy.solve_greedy`) with only
    tier 1–2 candidates, in time order: each shift goes to the first candidate in the priority
    order (:meth:`Option.key`) whom no hard rule (:func:`first_breach`) excludes given the
    picks before. Candidates whose hours would be hourly or overtime are not asked at all
    (they would not replace a bought hour). The pool is first narrowed by what surely
    excludes (:meth:`_Staff.able`), then put in the order lazily and asked about every rule
    until one may take the shift: the same pick as asking everyone."""
    # Only whether some rule excludes matters here, not which: those :meth:`_Staff.able`
    # cannot tell are asked first (work in a row, after earlier picks, and the mertid cap).
    rules = sorted(rules_for(prepared), key=lambda rule: not isinstance(rule, _ASKED_FIRST))
    staff = _Staff(prepared)
    out: dict[str, tuple[dict[int, float], float]] = {}
    for s in sorted(prepared.shifts, key=lambda s: (s.start, s.end, s.index)):
        cs, second = staff.able(s)
        best = None
        for tier, members in ((TIER_ORDINARY, cs[~second]), (TIER_ADDITIONAL, cs[second])):
            for i in staff.in_order(s, tier, members):
                if first_breach(rules, prepared.candidates[i], s, staff.near_picks(i, s)) is None:
                    best = i
                    break
            if best is not None:
                break
        if best is None:
            continue
        terms = prepared.terms(best, s.index)
        assert terms is not None  # employed on the date
        if terms.uses_room:
            unused, room = int(staff.unused[s.month][best]), int(staff.room[s.month][best])
            minutes = split_minutes(s.minutes, unused, room)
            hours = {tier: m / 60 for tier, m in minutes.items()}
        else:  # on-call or standby of monthly staff: tier 1, no contracted time used
            minutes, hours = {}, {TIER_ORDINARY: s.minutes / 60}
        staff.take(best, s, minutes)
        out[s.shift.id] = (hours, pair_cost(terms, minutes))
    return out


def staffing_backtest(
    frames: Frames, req: FigureRequest, *, config: Config | None = None
) -> pl.DataFrame:
    config = config or Config()
    window = window_request(req)
    pieces = _bought_pieces(frames, window)
    # Only monthly-paid staff can take a shift in tiers 1–2: the others (most of the staff)
    # are no candidates at all, and their rows are left out of every month's instance.
    monthly = frames.employments.filter(pl.col("form").is_in(list(MONTHLY_FORMS)))
    staff = narrow(frames, monthly["employee_id"].unique())
    refilled: list[dict] = []
    for month in months_between(window.date_from, req.as_of):
        mine = pieces.filter(pl.col("month") == month)
        if mine.height == 0:
            continue
        as_of = min(month_first_last(month)[1], req.as_of)
        # The month's bought rows are the open shifts: not also the candidates' commitments.
        rows = staff.worked.join(
            mine.select("employee_id", "case_id", "start"),
            on=["employee_id", "case_id", "start"],
            how="anti",
        )
        without = replace(staff, worked=rows)
        share_absence_days(staff, without)  # worked rows apart, the same frames
        frame = mine.select([pl.col(c).cast(t) for c, t in OPEN_SCHEMA.items()])
        shifts = open_shifts_from_frame(frame, req.settings)
        candidates = candidates_from_frames(
            without, shifts, as_of=as_of, settings=req.settings, config=config
        )
        prepared = Prepared(Instance(as_of=as_of, shifts=shifts, candidates=candidates), config)
        for shift_id, (hours, cost) in _refill(prepared).items():
            refilled.append(
                {
                    "id": shift_id,
                    "tier1": hours.get(TIER_ORDINARY, 0.0),
                    "tier2": hours.get(TIER_ADDITIONAL, 0.0),
                    "cost": cost,
                }
            )
    done = pl.DataFrame(
        refilled,
        schema={"id": pl.String, "tier1": pl.Float64, "tier2": pl.Float64, "cost": pl.Float64},
    )
    priced = bought_hours(frames, window).select(
        "unit_id", "month", "category", pl.col("cost").alias("actual")
    )
    per_kind = (
        pieces.join(done, on="id", how="left")
        .group_by("unit_id", "month", "category")
        .agg(
            pl.col("hours").sum().alias("bought"),
            pl.col("tier1").fill_null(0.0).sum(),
            pl.col("tier2").fill_null(0.0).sum(),
            pl.col("cost").fill_null(0.0).sum().alias("refill_cost"),
        )
        .join(priced, on=["unit_id", "month", "category"], how="left")
        .with_columns(pl.col("actual").fill_null(0.0))
        .with_columns(
            (pl.col("bought") - pl.col("tier1") - pl.col("tier2")).alias("remaining"),
        )
        .with_columns(
            (
                pl.col("refill_cost")
                + pl.when(pl.col("bought") > 0)
                .then(pl.col("actual") / pl.col("bought") * pl.col("remaining"))
                .otherwise(0.0)
            ).alias("backtest")
        )
    )
    out = (
        per_kind.group_by("unit_id", "month")
        .agg(
            pl.col("bought").sum().alias("bought_hours"),
            pl.col("actual").sum().alias("actual_cost"),
            pl.col("tier1").sum().alias("tier1_hours"),
            pl.col("tier2").sum().alias("tier2_hours"),
            pl.col("remaining").sum().alias("remaining_bought_hours"),
            pl.col("backtest").sum().alias("backtest_cost"),
        )
        .with_columns((pl.col("actual_cost") - pl.col("backtest_cost")).alias("saving_sek"))
        .with_columns(
            pl.when(pl.col("actual_cost") != 0)
            .then(100 * pl.col("saving_sek") / pl.col("actual_cost"))
            .alias("saving_pct")
        )
    )
    return out.select(COLUMNS).sort("unit_id", "month")


__all__ = ["COLUMNS", "staffing_backtest"]
