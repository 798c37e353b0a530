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

from dataclasses import replace

import polars as pl

from timbalans.figures.case_economics.bought import BOUGHT, bought_hours
from timbalans.figures.common import month_first_last, months_between
from timbalans.figures.frames import Frames
from timbalans.figures.registry import FigureRequest
from timbalans.figures.savings import window_request
from timbalans.figures.staff import worked_categories
from timbalans.staffing.candidates import candidates_from_frames
from timbalans.staffing.cost import pair_cost
from timbalans.staffing.instance import TIER_ADDITIONAL, TIER_ORDINARY, Config, Instance
from timbalans.staffing.open_shifts import OPEN_SCHEMA, open_shifts_from_frame
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.rank import REACH_MINUTES, Option, RankState
from timbalans.staffing.rules import first_breach, rules_for
from timbalans.staffing.tiers import split_minutes

COLUMNS = (
    "unit_id",
    "month",
    "bought_hours",
    "actual_cost",
    "tier1_hours",
    "tier2_hours",
    "remaining_bought_hours",
    "backtest_cost",
    "saving_sek",
    "saving_pct",
)
_KIND = {"on_call": "on_call", "standby": "standby"}


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


def _refill(prepared: Prepared) -> dict[str, tuple[dict[int, float], float]]:
    """Shift id -> (hours by tier, marginal cost SEK) of the shifts refilled in tiers 1–2.

    The staffing baseline's loop (:func:`timbalans.staffing.greedy.solve_greedy`) with only
    tier 1–2 candidates: those whose hours would be hourly or overtime are not asked about
    the rules at all (they would not replace a bought hour). The cheap tests come first (an
    employment in force, monthly pay, room for the whole shift), then the candidates left are
    put in the priority order and the hard rules asked of them in that order: the first one
    no rule excludes is the one the order picks, so the rest need not be asked."""
    rules = rules_for(prepared)
    state = RankState()
    ids = prepared.employee_ids
    monthly = {
        c.index for c in prepared.candidates if any(e.form == "monthly" for e in c.employments)
    }
    pools: dict[int, list[int]] = {}  # the pool's monthly-paid, by the pool list's identity
    out: dict[str, tuple[dict[int, float], float]] = {}
    for s in sorted(prepared.shifts, key=lambda s: (s.start, s.end, s.index)):
        assistance = s.shift.kind == "assistance"
        pool = prepared.pool(s)
        mine = pools.get(id(pool))
        if mine is None:
            mine = pools[id(pool)] = [i for i in pool if i in monthly]
        # The cheap part of the priority order first: tier, then known to the client. Only
        # the candidates of the best group are priced and asked about the rules; the next
        # group only when no one in it may take the shift.
        groups: dict[tuple[int, bool], list[tuple[int, dict[int, int]]]] = {}
        for i in mine:
            c = prepared.candidates[i]
            if assistance:
                unused, room = state.room(c, s.month)
                if s.minutes > max(0, unused) + max(0, room):
                    continue  # some of the hours would be overtime: tier 4
                minutes = split_minutes(s.minutes, unused, room)
                tier = TIER_ADDITIONAL if TIER_ADDITIONAL in minutes else TIER_ORDINARY
            else:  # on-call or standby of monthly staff: tier 1
                minutes, tier = {}, TIER_ORDINARY
            employment = c.employment_on(s.date)
            if employment is None or employment.form != "monthly":
                continue  # not employed on the date, or hourly-paid: tier 3
            group = (tier, not prepared.known(c, s))
            groups.setdefault(group, []).append((i, minutes))
        best = None
        for group in sorted(groups):
            tier, unknown = group
            found: list[tuple[tuple, Option]] = []
            for i, minutes in groups[group]:
                terms = prepared.terms(i, s.index)
                assert terms is not None  # employed on the date
                option = Option(
                    c=i,
                    tier=tier,
                    known=not unknown,
                    last=prepared.last_in_case(prepared.candidates[i], s),
                    cost=pair_cost(terms, minutes),
                    minutes=minutes,
                )
                found.append((option.key(ids[i]), option))
            found.sort(key=lambda pair: pair[0])
            for _, option in found:
                c = prepared.candidates[option.c]
                extra = [
                    sp
                    for sp in state.extra.get(option.c, ())
                    if sp.start < s.end + REACH_MINUTES and sp.end > s.start - REACH_MINUTES
                ]
                if first_breach(rules, c, s, extra) is None:
                    best = option
                    break
            if best is not None:
                break
        if best is None:
            continue
        if prepared.terms(best.c, s.index).uses_room:  # type: ignore[union-attr]
            hours = {tier: m / 60 for tier, m in best.minutes.items()}
        else:  # on-call or standby of monthly staff: tier 1, no contracted time used
            hours = {TIER_ORDINARY: s.minutes / 60}
        state.take(prepared.candidates[best.c], s, best.minutes)
        out[s.shift.id] = (hours, best.cost)
    return out


def staffing_backtest(
    frames: Frames, req: FigureRequest, *, config: Config | None = None
) -> pl.DataFrame:
    config = config or Config()
    window = window_request(req)
    pieces = _bought_pieces(frames, window)
    refilled: list[dict] = []
    for month in months_between(window.date_from, req.as_of):
        mine = pieces.filter(pl.col("month") == month)
        if mine.height == 0:
            continue
        as_of = min(month_first_last(month)[1], req.as_of)
        # The month's bought rows are the open shifts: not also the candidates' commitments.
        rows = frames.worked.join(
            mine.select("employee_id", "case_id", "start"),
            on=["employee_id", "case_id", "start"],
            how="anti",
        )
        without = replace(frames, worked=rows)
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
