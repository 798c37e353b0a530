"""OB (obekväm arbetstid): every worked minute in exactly one OB category, vectorised.

The categories, lowest first (:data:`OB_CATEGORIES`): ``none``, ``weekday_evening``,
``weekday_night``, ``weekend``, ``storhelg``, ``storhelg_night``. Where windows overlap the
highest applies. The windows and the storhelg days are dated data (versions of
:class:`timbalans.core.rates.ObWindows` in an :class:`timbalans.core.rates.ObSchedule`,
shipped in ``rates.toml``): each day is categorised by the version in force on it. In local
Swedish time, with the shipped values:

* **weekday evening** and **weekday night**: daily windows (default 19–22 and 22–06). On a
  weekend or storhelg day a higher category wins, so they only show on ordinary weekdays.
* **weekend**: every minute of a *red day* (Saturday, Sunday, or a holiday of
  :func:`timbalans.core.calendar.holiday_frame`, eves included), from ``weekend[0]`` (19:00) on
  the day before a red day, and up to ``weekend[1]`` (07:00) on the day after one. So Friday
  19:00 to Monday 07:00, and around every holiday; a run of red days is one window that ends at
  07:00 on the next weekday.
* **storhelg**: from ``storhelg[0]`` (18:00) on the day before each of the version's
  ``storhelg_days`` (shipped: Långfredagen, Pingstafton, Midsommarafton, Julafton and
  Nyårsafton) to ``storhelg[1]`` (07:00) on the first weekday after that day
  (:func:`timbalans.core.calendar.storhelg_frame`), e.g. 23 December 18:00 to 07:00 on the
  first weekday after Annandag jul.
* **storhelg night**: the night window inside a storhelg window.

How (no Python loop over rows): the time line is cut into *segments* at every local midnight
and every window edge of every version (:func:`ob_segments`; the same edges every day, so segment
number = day number × edges per day + the edge's position); each segment lies in one local
date and one category. A row's first and last segment numbers are computed with expressions
from its local date and time of day, the row is exploded over that range and each piece is
clipped to its segment. Instants are UTC underneath, so elapsed time is real time: a night
shift across the change to summer time is an hour shorter, and the repeated hour in October
counts twice. Breaks are shared in proportion to time, as in :mod:`timbalans.core.intervals`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import polars as pl

from timbalans.core.calendar import holiday_frame, storhelg_frame
from timbalans.core.intervals import TIMESTAMP, TZ, local_date
from timbalans.core.rates import ObSchedule, ObWindows, RateSet

#: Lowest first; the highest applies.
OB_CATEGORIES = (
    "none",
    "weekday_evening",
    "weekday_night",
    "weekend",
    "storhelg",
    "storhelg_night",
)
#: The rate key of each category's amount (SEK per hour).
OB_RATE_KEYS: Mapping[str, str] = {
    "weekday_evening": "ob_weekday_evening",
    "weekday_night": "ob_weekday_night",
    "weekend": "ob_weekend",
    "storhelg": "ob_storhelg",
    "storhelg_night": "ob_storhelg_night",
}
EDGE_IN_DST_HOUR = "ett OB-fönster kan inte börja eller sluta mellan 02:00 och 03:00 (sommartid)"

_US_PER_HOUR = 3_600_000_000
_US_PER_MINUTE = 60_000_000
_ROW = "__ob_row"
_SEG = "__ob_seg"

SEGMENT_SCHEMA = {
    "seg_start": TIMESTAMP,
    "seg_end": TIMESTAMP,
    "date": pl.Date(),
    "ob_category": pl.String(),
}


def _in_daily(tod: pl.Expr, window: tuple[int, int]) -> pl.Expr:
    a, b = window
    if a == b:
        return pl.lit(False)
    if a < b:
        return (tod >= a) & (tod < b)
    return (tod >= a) | (tod < b)  # wraps midnight


def ob_segments(first: dt.date, last: dt.date, windows: ObWindows | ObSchedule) -> pl.DataFrame:
    """The time line from ``first`` 00:00 to ``last`` + 1 00:00 (local) in OB segments.

    Columns ``seg_start``, ``seg_end`` (``TIMESTAMP``), ``date`` (local date), ``ob_category``;
    one row per day and window edge (:meth:`ObSchedule.boundaries`: the edges of every
    version), in time order, contiguous. Each day is categorised by the version in force on it.
    """
    schedule = ObSchedule.of(windows)
    edges = schedule.boundaries()
    if any(120 <= e <= 180 for e in edges):
        raise ValueError(EDGE_IN_DST_HOUR)
    parts = [
        _version_segments(lo, hi, version, edges) for version, lo, hi in schedule.spans(first, last)
    ]
    after_last = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    segs = (
        pl.concat(parts)
        .sort("seg_start")
        .with_columns(
            pl.col("seg_start")
            .shift(-1)
            .fill_null(pl.lit(after_last).cast(pl.Datetime("us")).dt.replace_time_zone(TZ))
            .alias("seg_end")
        )
    )
    return segs.select(list(SEGMENT_SCHEMA)).cast(SEGMENT_SCHEMA)  # type: ignore[arg-type]


def _version_segments(
    first: dt.date, last: dt.date, windows: ObWindows, edges: Sequence[int]
) -> pl.DataFrame:
    """``seg_start``, ``date``, ``ob_category`` of the days ``first``..``last`` by one version."""
    years = range(first.year - 1, last.year + 2)
    holidays = holiday_frame(years)["date"].implode()
    storhelg = storhelg_frame(years, windows.storhelg_days).select(
        pl.col("day_before").alias("__sh_from"), pl.col("first_weekday_after").alias("__sh_to")
    )
    days = pl.DataFrame({"date": pl.date_range(first, last, "1d", eager=True)})
    edge_frame = pl.DataFrame({"tod": list(edges)}, schema={"tod": pl.Int64})

    def red(day: pl.Expr) -> pl.Expr:
        return (day.dt.weekday() >= 6) | day.is_in(holidays)

    tod, day = pl.col("tod"), pl.col("date")
    wk_from, wk_to = windows.weekend
    sh_from, sh_to = windows.storhelg
    weekend = (
        red(day)
        | (red(day + pl.duration(days=1)) & (tod >= wk_from))
        | (red(day - pl.duration(days=1)) & (tod < wk_to))
    )
    in_storhelg = (
        ((day > pl.col("__sh_from")) | ((day == pl.col("__sh_from")) & (tod >= sh_from)))
        & ((day < pl.col("__sh_to")) | ((day == pl.col("__sh_to")) & (tod < sh_to)))
    ).fill_null(False)
    night = _in_daily(tod, windows.night)
    category = (
        pl.when(in_storhelg & night)
        .then(pl.lit("storhelg_night"))
        .when(in_storhelg)
        .then(pl.lit("storhelg"))
        .when(weekend)
        .then(pl.lit("weekend"))
        .when(night)
        .then(pl.lit("weekday_night"))
        .when(_in_daily(tod, windows.evening))
        .then(pl.lit("weekday_evening"))
        .otherwise(pl.lit("none"))
    )
    return (
        days.join(edge_frame, how="cross")
        .sort("date", "tod")
        .join_asof(
            storhelg.sort("__sh_from"),
            left_on="date",
            right_on="__sh_from",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(
            (pl.col("date").cast(pl.Datetime("us")) + pl.duration(minutes=tod))
            .dt.replace_time_zone(TZ, ambiguous="earliest")
            .alias("seg_start"),
            category.alias("ob_category"),
        )
        .select("seg_start", "date", "ob_category")
    )


def ob_split(
    frame: pl.DataFrame,
    windows: ObWindows | ObSchedule,
    *,
    start: str = "start",
    end: str = "end",
    break_col: str | None = "break_minutes",
    proportional: Sequence[str] = (),
    hours_col: str = "hours",
) -> pl.DataFrame:
    """Cut every interval of ``frame`` at the OB segment edges; tag each piece.

    Every input column is kept; ``start``/``end`` become the piece's bounds; the break column
    and ``proportional`` columns become their share of the piece (``Float64``); added:
    ``hours_col`` (elapsed hours − break share), ``date`` (the piece's local date: a piece
    never crosses midnight) and ``ob_category``. Rows keep their order, pieces in time order.
    Rows with a null or empty interval are dropped (they have no minutes to categorise).
    """
    names = frame.columns
    bcol = break_col if break_col is not None and break_col in names else None
    valid = frame.filter(
        pl.col(start).is_not_null() & pl.col(end).is_not_null() & (pl.col(end) > pl.col(start))
    )
    extra = [c for c in (hours_col, "date", "ob_category") if c in names]
    if valid.height == 0:
        out = valid.drop(extra).with_columns(
            pl.lit(None, pl.Float64).alias(hours_col),
            pl.lit(None, pl.Date).alias("date"),
            pl.lit(None, pl.String).alias("ob_category"),
        )
        return out.with_columns(
            pl.col([bcol, *proportional] if bcol else proportional).cast(pl.Float64)
        )
    lf = (
        valid.lazy()
        .drop(extra)
        .with_columns(pl.col(start, end).dt.convert_time_zone(TZ).dt.cast_time_unit("us"))
    )
    bounds = lf.select(
        local_date(pl.col(start).min()).alias("lo"),
        local_date(pl.col(end).max()).alias("hi"),
    ).collect()
    first: dt.date = bounds["lo"][0]
    last: dt.date = bounds["hi"][0]
    segs = (
        ob_segments(first, last, windows)
        .with_row_index(_SEG)
        .with_columns(pl.col(_SEG).cast(pl.Int64))
    )
    edges = ObSchedule.of(windows).boundaries()
    per_day = len(edges)
    first_lit = pl.lit(first, pl.Date)

    def segment_of(wall: str) -> pl.Expr:
        # ``wall``: local wall-clock time (naive), so date and time of day are plain arithmetic.
        # The edge at or before the time of day: edges[0] is midnight, so position >= 0.
        w = pl.col(wall)
        tod = w.dt.hour().cast(pl.Int64) * 60 + w.dt.minute().cast(pl.Int64)
        position = pl.sum_horizontal([(tod >= e).cast(pl.Int64) for e in edges]) - 1
        day_no = (w.dt.date() - first_lit).dt.total_days()
        return day_no * per_day + position

    last_instant = pl.col(end) - pl.duration(microseconds=1)
    total_us = (pl.col(end) - pl.col(start)).dt.total_microseconds().cast(pl.Float64)
    pieces = (
        lf.with_columns(
            total_us.alias("__ob_total"),
            # One time-zone lookup per instant: the local wall clock of start and last instant.
            pl.col(start).dt.replace_time_zone(None).alias("__ob_w0"),
            last_instant.dt.replace_time_zone(None).alias("__ob_w1"),
        )
        .with_columns(pl.int_ranges(segment_of("__ob_w0"), segment_of("__ob_w1") + 1).alias(_SEG))
        .drop("__ob_w0", "__ob_w1")
        .explode(_SEG)
        # int_ranges ascend, so the exploded pieces are already in row and time order.
        .join(segs.lazy(), on=_SEG, how="left", maintain_order="left")
        .with_columns(
            pl.max_horizontal(pl.col(start), pl.col("seg_start")).alias(start),
            pl.min_horizontal(pl.col(end), pl.col("seg_end")).alias(end),
        )
    )
    share = (pl.col(end) - pl.col(start)).dt.total_microseconds().cast(pl.Float64) / pl.col(
        "__ob_total"
    )
    scaled = [bcol, *proportional] if bcol is not None else list(proportional)
    pieces = pieces.with_columns(
        [(pl.col(c).cast(pl.Float64).fill_null(0.0) * share).alias(c) for c in scaled]
    )
    hours = (pl.col(end) - pl.col(start)).dt.total_microseconds() / _US_PER_HOUR
    if bcol is not None:
        hours = hours - pl.col(bcol) / 60.0
    return (
        pieces.with_columns(hours.alias(hours_col))
        .drop(_SEG, "__ob_total", "seg_start", "seg_end")
        .collect()
    )


def with_ob_amount(
    pieces: pl.DataFrame, rates: RateSet, *, alias: str = "ob_amount"
) -> pl.DataFrame:
    """``pieces`` (from :func:`ob_split`) with the SEK per hour of each piece's category.

    The amount is the rate valid on the piece's ``date`` (rates change on a date); ``none``
    is 0.
    """
    cols = {f"__ob_{c}": key for c, key in OB_RATE_KEYS.items()}
    joined = rates.join(pieces, cols, on="date")
    amount = pl.lit(0.0)
    for category in OB_RATE_KEYS:
        amount = (
            pl.when(pl.col("ob_category") == category)
            .then(pl.col(f"__ob_{category}"))
            .otherwise(amount)
        )
    return joined.with_columns(amount.alias(alias)).drop(list(cols))


def ob_hours(
    frame: pl.DataFrame, windows: ObWindows | ObSchedule, *, by: Sequence[str], **kwargs: object
) -> pl.DataFrame:
    """Hours per ``by`` keys and OB category: ``by``, one ``Float64`` column per category."""
    pieces = ob_split(frame, windows, **kwargs)  # type: ignore[arg-type]
    return (
        pieces.group_by(*by)
        .agg(
            pl.col("hours").filter(pl.col("ob_category") == c).sum().alias(c) for c in OB_CATEGORIES
        )
        .sort(*by)
    )


__all__ = [
    "OB_CATEGORIES",
    "OB_RATE_KEYS",
    "ob_hours",
    "ob_segments",
    "ob_split",
    "with_ob_amount",
]
