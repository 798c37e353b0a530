"""staffing-structure (personalstruktur): bought hours that recur in the same weekday and time
pattern, and what they would cost as contracted time instead. One row per recurring pattern.

Issue 19 item 3, the action plan's "minskning av antalet timanställda, optimering av
personalstruktur". From the bought pieces of the 12 calendar months ending with D's month
(facts up to D; :func:`timbalans.figures.staff.worked_categories`, category overtime,
additional or hourly, on assistance time: not on-call or standby):

* a **pattern** is a case, a weekday and a local start and end time (``HH:MM``, Europe/
  Stockholm) of a bought piece; its unit is the case's unit. A week (Monday–Sunday, by the
  piece's start) *has* the pattern when at least one bought piece of it starts that week;
* the pattern **recurs** when it has a run of :data:`MIN_WEEKS` (8) or more consecutive weeks;
  the longest run counts (the latest of equally long ones): ``weeks``, ``first_week`` and
  ``last_week`` (Mondays);
* bought_hours, bought_cost: the pattern's pieces in the run, elapsed minus break, and their
  computed cost (wage, holiday pay, OB and social fees, as case-economics prices them);
  hours_per_week = bought_hours / weeks;
* contracted_cost: the same hours worked as ordinary time by a monthly employee: the hourly
  cost basis × hours plus the OB of the hours, with social fees;
* every price is the one in force on D (:func:`timbalans.figures.prices.at_prices_of`), so
  the bought and the contracted cost compare at the same prices;
* **suggestion** (the full-time-as-norm principle): ``raise_rate`` for the first part-timer
  known to the case (worked in it in the 12 months; most hours in the case first, then
  employee number) who is monthly-paid at D below 100 %, whose raised rate stays at most 100 %,
  who worked none of their other time during the run's occurrences of the pattern and who is
  not already suggested a pattern that overlaps it on the same weekday. The raise is
  100 × hours_per_week / full_time_hours_per_week percentage points. Otherwise
  ``new_position``: a new monthly employment of that rate, at the mean hourly cost basis of the
  unit's monthly employees at D. Patterns are taken in the order unit, case, weekday, start;
* yearly_hours = hours_per_week × 52; yearly_bought_cost = bought_cost × 52 / weeks;
  yearly_contracted_cost = contracted_cost × 52 / weeks; yearly_saving_sek = yearly_bought_cost −
  yearly_contracted_cost (negative where contracted time costs more). A raised rate is paid in
  vacation weeks too: the vacation cover of those weeks is not counted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict

import polars as pl

from timbalans.core.intervals import TZ
from timbalans.core.ob import ob_split
from timbalans.figures.case_economics.worked import priced_pieces
from timbalans.figures.common import counting_factor
from timbalans.figures.frames import Frames
from timbalans.figures.prices import at_prices_of
from timbalans.figures.registry import FigureRequest
from timbalans.figures.savings import window_request
from timbalans.figures.staff import employment_on, worked_categories

COLUMNS = (
    "unit_id",
    "case_id",
    "weekday",
    "start_time",
    "end_time",
    "weeks",
    "first_week",
    "last_week",
    "hours_per_week",
    "bought_hours",
    "bought_cost",
    "contracted_cost",
    "suggestion",
    "employee_id",
    "current_rate_pct",
    "suggested_rate_pct",
    "yearly_hours",
    "yearly_bought_cost",
    "yearly_contracted_cost",
    "yearly_saving_sek",
)
SCHEMA = {
    "unit_id": pl.String,
    "case_id": pl.String,
    "weekday": pl.Int64,
    "start_time": pl.String,
    "end_time": pl.String,
    "weeks": pl.Int64,
    "first_week": pl.Date,
    "last_week": pl.Date,
    "hours_per_week": pl.Float64,
    "bought_hours": pl.Float64,
    "bought_cost": pl.Float64,
    "contracted_cost": pl.Float64,
    "suggestion": pl.String,
    "employee_id": pl.String,
    "current_rate_pct": pl.Float64,
    "suggested_rate_pct": pl.Float64,
    "yearly_hours": pl.Float64,
    "yearly_bought_cost": pl.Float64,
    "yearly_contracted_cost": pl.Float64,
    "yearly_saving_sek": pl.Float64,
}
#: A bought pattern recurs when it is in this many consecutive weeks or more.
MIN_WEEKS = 8
WEEKS_PER_YEAR = 52
RAISE_RATE, NEW_POSITION = "raise_rate", "new_position"
_BOUGHT = ("overtime", "additional", "hourly")
_KEY = ["case_unit_id", "case_id", "weekday", "start_time", "end_time"]


def _bought_pieces(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    """The window's bought assistance pieces with their pattern and week."""
    local_start = pl.col("start").dt.convert_time_zone(TZ)
    local_end = pl.col("end").dt.convert_time_zone(TZ)
    return (
        worked_categories(frames, req.as_of)
        .filter(
            pl.col("category").is_in(list(_BOUGHT))
            & ~pl.col("time_type").is_in(["on_call", "standby"])
            & (pl.col("date") >= pl.lit(req.date_from, pl.Date))
            & (pl.col("date") <= pl.lit(req.as_of, pl.Date))
            & pl.col("case_unit_id").is_in(frames.units["unit_id"].implode())
            & (pl.col("hours") > 0)
        )
        .with_columns(
            local_start.dt.weekday().cast(pl.Int64).alias("weekday"),
            local_start.dt.strftime("%H:%M").alias("start_time"),
            local_end.dt.strftime("%H:%M").alias("end_time"),
            (pl.col("date") - pl.duration(days=local_start.dt.weekday() - 1)).alias("week"),
        )
    )


def _runs(pieces: pl.DataFrame) -> pl.DataFrame:
    """Per pattern, its longest run of consecutive weeks (the latest of equal ones)."""
    weeks = pieces.select(*_KEY, "week").unique().sort(*_KEY, "week")
    new_run = ((pl.col("week") - pl.col("week").shift(1)).dt.total_days().fill_null(0) != 7).over(
        _KEY
    )
    runs = (
        weeks.with_columns(new_run.cum_sum().over(_KEY).alias("__run"))
        .group_by(*_KEY, "__run")
        .agg(
            pl.len().cast(pl.Int64).alias("weeks"),
            pl.col("week").min().alias("first_week"),
            pl.col("week").max().alias("last_week"),
        )
        .filter(pl.col("weeks") >= MIN_WEEKS)
        .sort("weeks", "last_week", descending=True)
    )
    return runs.group_by(_KEY, maintain_order=True).first().drop("__run")


def _priced(frames: Frames, req: FigureRequest, pieces: pl.DataFrame) -> pl.DataFrame:
    """Per piece (by ``__p``): bought cost and, as ordinary monthly time, its OB with fees."""
    settings = req.settings
    split = ob_split(pieces.drop("date", "month"), settings.rates.ob_windows)
    split = split.with_columns(
        pl.col("date").dt.strftime("%Y-%m").alias("month"),
        (pl.col("hours") * counting_factor(settings)).alias("counted_hours"),
    )
    rates = settings.rates
    priced = priced_pieces(rates.join(split, {"__fee": "social_fee_rate"}), rates)
    fees = 1 + pl.col("__fee")
    return priced.group_by("__p").agg(
        ((pl.col("wage") + pl.col("ob")) * fees).sum().alias("cost"),
        (pl.col("ob_amount").fill_null(0.0) * pl.col("hours") * fees).sum().alias("ob_fee"),
        (pl.col("hours") * fees).sum().alias("hours_fee"),
    )


def _minutes(value: pl.Series) -> list[int]:
    return (value.dt.epoch("s") // 60).to_list()


class _Busy:
    """An employee's worked intervals (epoch minutes), sorted, to test overlaps."""

    def __init__(self, rows: list[tuple[int, int]]) -> None:
        self.rows = sorted(rows)
        self.starts = [s for s, _ in self.rows]
        self.longest = max((e - s for s, e in self.rows), default=0)

    def overlaps(self, start: int, end: int, skip: set[int]) -> bool:
        i = bisect_left(self.starts, end)
        j = bisect_left(self.starts, start - self.longest)
        return any(s < end and e > start and s not in skip for s, e in self.rows[j:i])


def _clock(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _clock_overlap(a: tuple[int, str, str], b: tuple[int, str, str]) -> bool:
    """Whether two weekly patterns (weekday, start, end) overlap on the same weekday."""
    if a[0] != b[0]:
        return False
    a0, a1, b0, b1 = _clock(a[1]), _clock(a[2]), _clock(b[1]), _clock(b[2])
    a1 = a1 if a1 > a0 else a1 + 24 * 60
    b1 = b1 if b1 > b0 else b1 + 24 * 60
    return a0 < b1 and b0 < a1


def staffing_structure(frames: Frames, req: FigureRequest) -> pl.DataFrame:
    window = window_request(req)
    frames, settings = at_prices_of(frames, req.settings, req.as_of)
    window = FigureRequest(
        as_of=window.as_of, date_from=window.date_from, date_to=window.date_to, settings=settings
    )
    pieces = _bought_pieces(frames, window).with_row_index("__p")
    runs = _runs(pieces)
    if runs.height == 0:
        return pl.DataFrame(schema=SCHEMA)
    inside = pieces.join(runs, on=_KEY, how="inner").filter(
        (pl.col("week") >= pl.col("first_week")) & (pl.col("week") <= pl.col("last_week"))
    )
    inside = inside.join(_priced(frames, window, inside), on="__p", how="left")

    # Who is known to each case, and each employee's employment at D.
    worked = worked_categories(frames, req.as_of).filter(
        (pl.col("date") >= pl.lit(window.date_from, pl.Date))
        & (pl.col("date") <= pl.lit(req.as_of, pl.Date))
    )
    known: dict[str, list[str]] = defaultdict(list)
    for case_id, employee_id, _ in (
        worked.group_by("case_id", "employee_id")
        .agg(pl.col("hours").sum())
        .sort(["case_id", "hours", "employee_id"], descending=[False, True, False])
        .iter_rows()
    ):
        known[case_id].append(employee_id)
    at_d = employment_on(
        frames,
        frames.employees.select("employee_id", "unit_id").with_columns(
            pl.lit(req.as_of, pl.Date).alias("date")
        ),
    )
    staff = {r["employee_id"]: r for r in at_d.filter(pl.col("form_class") == "monthly").to_dicts()}
    unit_basis = {
        u: b
        for u, b in at_d.filter(pl.col("form_class") == "monthly")
        .group_by("unit_id")
        .agg(pl.col("cost_basis").mean())
        .iter_rows()
    }
    busy_rows: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for e, s, t in zip(
        worked["employee_id"].to_list(),
        _minutes(worked["start"]),
        _minutes(worked["end"]),
        strict=True,
    ):
        busy_rows[e].append((s, t))
    busy = {e: _Busy(rows) for e, rows in busy_rows.items()}

    rate_now = {e: float(r["employment_rate"] or 0.0) for e, r in staff.items()}
    taken: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    out = []
    groups = inside.group_by(_KEY, maintain_order=False)
    for key, group in sorted(groups, key=lambda kv: kv[0]):
        unit_id, case_id, weekday, start_time, end_time = key
        run = group.row(0, named=True)
        hours = float(group["hours"].sum())
        weeks = int(run["weeks"])
        per_week = hours / weeks
        occurrences = list(
            zip(_minutes(group["start"]), _minutes(group["end"]), group["employee_id"], strict=True)
        )
        pattern = (int(weekday), str(start_time), str(end_time))
        chosen = None
        for employee_id in known.get(str(case_id), []):
            emp = staff.get(employee_id)
            if emp is None:
                continue
            full = float(emp["full_time_hours_per_week"] or 40.0)
            new_rate = rate_now[employee_id] + 100 * per_week / full
            if rate_now[employee_id] >= 100 or new_rate > 100 + 1e-9:
                continue
            if any(_clock_overlap(pattern, p) for p in taken[employee_id]):
                continue
            own = {s for s, _, e in occurrences if e == employee_id}
            free = busy.get(employee_id, _Busy([]))
            if any(free.overlaps(s, t, own) for s, t, _ in occurrences):
                continue
            chosen = (employee_id, emp, new_rate)
            break
        ob_fee = float(group["ob_fee"].sum())
        hours_fee = float(group["hours_fee"].sum())
        if chosen is not None:
            employee_id, emp, new_rate = chosen
            basis = float(emp["cost_basis"] or 0.0)
            current: float | None = rate_now[employee_id]
            rate_now[employee_id] = new_rate
            taken[employee_id].append(pattern)
            suggestion, who, suggested = RAISE_RATE, employee_id, new_rate
        else:
            basis = float(unit_basis.get(unit_id) or 0.0)
            full = 40.0
            suggestion, who, current, suggested = NEW_POSITION, None, None, 100 * per_week / full
        bought_cost = float(group["cost"].sum())
        contracted = basis * hours_fee + ob_fee
        factor = WEEKS_PER_YEAR / weeks
        out.append(
            {
                "unit_id": unit_id,
                "case_id": case_id,
                "weekday": weekday,
                "start_time": start_time,
                "end_time": end_time,
                "weeks": weeks,
                "first_week": run["first_week"],
                "last_week": run["last_week"],
                "hours_per_week": per_week,
                "bought_hours": hours,
                "bought_cost": bought_cost,
                "contracted_cost": contracted,
                "suggestion": suggestion,
                "employee_id": who,
                "current_rate_pct": current,
                "suggested_rate_pct": suggested,
                "yearly_hours": per_week * WEEKS_PER_YEAR,
                "yearly_bought_cost": bought_cost * factor,
                "yearly_contracted_cost": contracted * factor,
                "yearly_saving_sek": (bought_cost - contracted) * factor,
            }
        )
    return pl.DataFrame(out, schema=SCHEMA, orient="row").select(COLUMNS)


__all__ = ["COLUMNS", "MIN_WEEKS", "NEW_POSITION", "RAISE_RATE", "staffing_structure"]
