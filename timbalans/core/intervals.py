"""Interval hours and exact splitting of intervals, vectorised over polars frames.

An *interval* is a row with a half-open ``[start, end)`` pair of instants, dtype
``Datetime("us", "Europe/Stockholm")`` (``timbalans.ingest.schema.TIMESTAMP``), and usually a
``break_minutes`` column (unpaid break inside it). Shifts, worked time and absences all are.

What this module guarantees:

* **Hours are real elapsed time.** ``hours = (end − start) in real time − break_minutes / 60``.
  Polars stores zoned datetimes as UTC instants, so the difference is elapsed time: 22:00–07:00
  across the change to summer time (last Sunday of March) is 8 h, across the change to winter
  time (last Sunday of October) 10 h. Breaks are not clipped: a break longer than its interval
  gives negative hours (the importer rejects such rows).
* **Splitting is exact and conserves hours.** :func:`split_at` cuts each interval at every
  cut instant strictly inside it (a cut equal to ``start`` or ``end`` does nothing). The pieces
  are contiguous, do not overlap, and together cover exactly the original interval. The break
  (and any column named in ``proportional``) is divided in proportion to the elapsed time of
  each piece, so the pieces' ``hours`` add up to the interval's hours (up to float rounding),
  whatever the cuts. Splitting again, at other instants, gives the same pieces and breaks as
  splitting once at all of them.
* **Output shape.** Every input column is kept, in its order; ``start``/``end`` become the
  piece's bounds, as ``TIMESTAMP`` (any zoned input is converted; naive input is refused); the
  break column and the ``proportional`` columns become ``Float64`` (their share of the
  piece); ``hours`` (``Float64``) is added, or recomputed when the frame already has it from an
  earlier split. Rows stay in input order, and the pieces of one row are consecutive and in
  time order. Rows with a null ``start`` or ``end`` are kept unsplit with null ``hours``.
* **Absences** carry their own ``hours`` (authoritative absent hours). Split them with
  ``break_col=None, proportional=["hours"], hours_col="elapsed_hours"``: the given hours are
  shared out in proportion and the elapsed time goes to another column. Naming a
  ``proportional`` column as ``hours_col`` is refused, so data is never overwritten.
* **Months, periods, as-of.** :func:`split_at_months` cuts at local midnight on the first of
  every month and tags each piece with its month ``YYYY-MM``; :func:`split_at_periods` cuts at
  the settlement-period boundaries of the row's case and tags each piece with the
  ``period_start``/``period_end`` (inclusive) of the period that contains it (null when none
  does); :func:`split_at_as_of` cuts at D+1 00:00 local and flags pieces after that instant.
  Because every piece after a split lies inside one month / one period / one side of the cut,
  the tag of a piece is a property of the whole piece. The three compose in any order.

Nothing here loops in Python over rows: cuts are found with expressions (months, a single
instant) or with an as-of join followed by an equi-join restricted to the intervals that are
actually cut (per-case boundaries), and the pieces are attached with one order-preserving join.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

import polars as pl

from timbalans.core.runs import shift_in_runs

TZ = "Europe/Stockholm"
TIMESTAMP = pl.Datetime("us", TZ)
ZONE = ZoneInfo(TZ)

_US_PER_HOUR = 3_600_000_000
_ROW = "__tb_row"
_CUT = "__tb_cut"
_PSTART = "__tb_pstart"
_PEND = "__tb_pend"

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


# --------------------------------------------------------------------------- small helpers


def local_midnight(date: pl.Expr | str) -> pl.Expr:
    """Expression: a ``pl.Date`` as the instant 00:00 local time that day (Europe/Stockholm).

    Midnight exists and is unambiguous every day in Sweden (DST changes at 02:00/03:00).
    """
    col = pl.col(date) if isinstance(date, str) else date
    return col.cast(pl.Datetime("us")).dt.replace_time_zone(TZ)


def local_date(ts: pl.Expr | str) -> pl.Expr:
    """Expression: the local calendar date of an instant."""
    col = pl.col(ts) if isinstance(ts, str) else ts
    return col.dt.convert_time_zone(TZ).dt.date()


def last_local_date(end: pl.Expr | str) -> pl.Expr:
    """Expression: the local date of the last instant of a half-open interval ending at ``end``.

    An absence ``[2025-03-03 00:00, 2025-03-05 00:00)`` has last date 2025-03-04.
    """
    col = pl.col(end) if isinstance(end, str) else end
    return local_date(col - pl.duration(microseconds=1))


def month_of(ts: pl.Expr | str) -> pl.Expr:
    """Expression: the local month ``YYYY-MM`` of an instant (or of a Date)."""
    col = pl.col(ts) if isinstance(ts, str) else ts
    return col.dt.strftime("%Y-%m")


def midnight_after(day: dt.date) -> dt.datetime:
    """The instant D+1 00:00 local: the as-of cut for as-of date D (aware datetime)."""
    nxt = day + dt.timedelta(days=1)
    return dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=ZONE)


def elapsed_hours(start: str = "start", end: str = "end") -> pl.Expr:
    """Expression: real elapsed hours between two instants (DST-aware)."""
    return elapsed_hours_expr(pl.col(start), pl.col(end))


def elapsed_hours_expr(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Expression: real elapsed hours between two instant expressions (DST-aware)."""
    return (end - start).dt.total_microseconds() / _US_PER_HOUR


def hours_expr(
    start: str = "start", end: str = "end", break_col: str | None = "break_minutes"
) -> pl.Expr:
    """Expression: elapsed hours minus ``break_col`` minutes / 60 (a null break counts as 0)."""
    h = elapsed_hours(start, end)
    if break_col is not None:
        h = h - pl.col(break_col).cast(pl.Float64).fill_null(0.0) / 60.0
    return h


def with_hours(
    frame: Frame,
    *,
    start: str = "start",
    end: str = "end",
    break_col: str | None = "break_minutes",
    hours_col: str = "hours",
) -> Frame:
    """``frame`` with ``hours_col`` = elapsed hours − break (no splitting).

    ``break_col`` may be None or absent from the frame (no break)."""
    _check_zoned(frame, (start, end))
    names = frame.collect_schema().names()
    bcol = break_col if break_col is not None and break_col in names else None
    return frame.with_columns(hours_expr(start, end, bcol).alias(hours_col))


def _check_zoned(frame: pl.DataFrame | pl.LazyFrame, cols: Sequence[str]) -> None:
    schema = frame.collect_schema()
    for c in cols:
        dtype = schema[c]
        if not isinstance(dtype, pl.Datetime) or dtype.time_zone is None:
            raise TypeError(
                f"column {c!r} must be a zoned Datetime (e.g. {TIMESTAMP}), got {dtype}"
            )


def _as_timestamp(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Cut values as ``TIMESTAMP``: a Date means local midnight that day."""
    if dtype == pl.Date:
        return local_midnight(expr)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            raise TypeError("cut instants must be zoned datetimes or dates")
        return expr.dt.convert_time_zone(TZ).dt.cast_time_unit("us")
    raise TypeError(f"cut instants must be Date or zoned Datetime, got {dtype}")


# --------------------------------------------------------------------------- the split engine


def _share_of(piece_start: pl.Expr, piece_end: pl.Expr, start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Elapsed time of the piece as a share of the whole interval's (1 for an empty or unknown
    interval, which is then its own single piece)."""
    total = (end - start).dt.total_microseconds().cast(pl.Float64)
    part = (piece_end - piece_start).dt.total_microseconds().cast(pl.Float64)
    return pl.when(total > 0).then(part / total).otherwise(pl.lit(1.0))


def _to_pieces(
    frame: Frame,
    piece_start: pl.Expr,
    piece_end: pl.Expr,
    *,
    start: str,
    end: str,
    scaled: Sequence[str],
    break_col: str | None,
    hours_col: str | None,
) -> Frame:
    """Every row of ``frame`` made the piece ``[piece_start, piece_end)`` of its interval.

    The one place where a piece is made, whatever found its bounds: the ``scaled`` columns
    (the break, the ``proportional`` ones) get the piece's share of elapsed time, ``start``
    and ``end`` become the piece's bounds, and ``hours_col`` (unless None) is recomputed from
    them and the piece's break.
    """
    share = _share_of(pl.col(_PSTART), pl.col(_PEND), pl.col(start), pl.col(end))
    # Lazily, also for a frame: one pass, no frame of the bounds made between the steps.
    out = (
        frame.lazy()
        .with_columns(piece_start.alias(_PSTART), piece_end.alias(_PEND))
        .with_columns([(pl.col(c).cast(pl.Float64) * share).alias(c) for c in scaled])
        .with_columns(pl.col(_PSTART).alias(start), pl.col(_PEND).alias(end))
        .drop(_PSTART, _PEND)
    )
    if hours_col is not None:
        out = out.with_columns(hours_expr(start, end, break_col).alias(hours_col))
    return _collect_like(frame, out)


def _apply_cuts(
    lf: pl.LazyFrame,
    cuts: pl.LazyFrame,
    *,
    start: str,
    end: str,
    break_col: str | None,
    proportional: Sequence[str],
    hours_col: str,
) -> pl.LazyFrame:
    """Cut the rows of ``lf`` (which has ``_ROW``) at ``cuts``.

    ``cuts`` has ``_ROW``, the row's ``start`` and ``end`` and ``_CUT``; it may hold cuts
    outside their interval and duplicates: only distinct cuts strictly inside ``(start, end)``
    are used. Carrying the bounds in ``cuts`` keeps the full frame out of every join but the
    last one.
    """
    inside = (
        cuts.filter((pl.col(_CUT) > pl.col(start)) & (pl.col(_CUT) < pl.col(end)))
        .select(_ROW, start, end, _CUT)
        .unique(subset=[_ROW, _CUT])
    )
    # Piece starts of every cut row: its own start and each cut; the piece ends at the next
    # piece start, the last one at the row's end.
    pieces = (
        pl.concat(
            [
                inside.unique(subset=[_ROW]).select(_ROW, pl.col(start).alias(_PSTART), end),
                inside.select(_ROW, pl.col(_CUT).alias(_PSTART), end),
            ]
        )
        .sort(_ROW, _PSTART)
        .with_columns(shift_in_runs(pl.col(_PSTART), _ROW, -1).fill_null(pl.col(end)).alias(_PEND))
        .select(_ROW, _PSTART, _PEND)
    )
    # "left_right": the rows keep their order and the pieces of a row keep theirs (by time).
    # A row that is not cut has no piece bounds: it stays whole.
    out = lf.join(
        pieces.rename({_PSTART: "__tb_ps", _PEND: "__tb_pe"}),
        on=_ROW,
        how="left",
        maintain_order="left_right",
    )
    scaled = [break_col, *proportional] if break_col is not None else list(proportional)
    out = _to_pieces(
        out,
        pl.coalesce("__tb_ps", start),
        pl.coalesce("__tb_pe", end),
        start=start,
        end=end,
        scaled=scaled,
        break_col=break_col,
        hours_col=hours_col,
    )
    return out.drop(_ROW, "__tb_ps", "__tb_pe")


def _collect_like(frame: pl.DataFrame | pl.LazyFrame, lf: pl.LazyFrame):
    return lf.collect() if isinstance(frame, pl.DataFrame) else lf


def _prepare(
    frame: pl.DataFrame | pl.LazyFrame,
    start: str,
    end: str,
    break_col: str | None,
    proportional: Sequence[str],
    hours_col: str,
) -> tuple[pl.LazyFrame, str | None]:
    _check_zoned(frame, (start, end))
    names = frame.collect_schema().names()
    for c in proportional:
        if c not in names:
            raise KeyError(f"proportional column {c!r} is not in the frame")
    if hours_col in proportional or hours_col == break_col:
        # e.g. absences carry their own ``hours``: it must not be overwritten by elapsed time.
        raise ValueError(
            f"hours_col {hours_col!r} would overwrite a data column; choose another name"
        )
    bcol = break_col if break_col is not None and break_col in names else None
    lf = (
        frame.lazy()
        .with_columns(pl.col(start, end).dt.convert_time_zone(TZ).dt.cast_time_unit("us"))
        .with_row_index(_ROW)
    )
    return lf, bcol


def split_at(
    frame: Frame,
    cuts: dt.datetime | Sequence[dt.datetime] | pl.Series | pl.DataFrame | pl.Expr,
    *,
    by: str | Sequence[str] = (),
    start: str = "start",
    end: str = "end",
    break_col: str | None = "break_minutes",
    proportional: Sequence[str] = (),
    hours_col: str = "hours",
) -> Frame:
    """Split every interval of ``frame`` at the cut instants strictly inside it.

    ``cuts`` is one of:

    * an aware ``datetime`` or a sequence of them, or a ``pl.Series`` of zoned datetimes or
      dates (a date = local midnight): the same cuts for every row;
    * a ``pl.DataFrame`` with the key columns ``by`` and one more column (zoned Datetime, or
      Date = local midnight) holding cut instants: row r is cut at the instants of the cut
      rows whose keys equal r's (e.g. ``by="case_id"`` for per-case boundaries); with no
      ``by``, every row is cut at all of them;
    * a ``pl.Expr`` evaluating, per row of ``frame``, to a List of instants (or one instant):
      per-row cuts.

    ``break_col`` (default ``break_minutes``; None or an absent column = no break) and the
    columns in ``proportional`` are divided among the pieces in proportion to elapsed time.
    Returns the same kind of frame it was given (DataFrame or LazyFrame); see the module
    docstring for the guarantees.
    """
    keys = [by] if isinstance(by, str) else list(by)
    lf, bcol = _prepare(frame, start, end, break_col, proportional, hours_col)
    rows = lf.select(_ROW, *keys, start, end)

    if isinstance(cuts, pl.Expr):
        if keys:
            raise ValueError("by= is only meaningful with a frame of cuts")
        cut_long = lf.select(_ROW, start, end, cuts.alias(_CUT))
        if isinstance(cut_long.collect_schema()[_CUT], pl.List):
            cut_long = cut_long.explode(_CUT)
        dtype = cut_long.collect_schema()[_CUT]
        cut_long = cut_long.drop_nulls(_CUT).with_columns(_as_timestamp(pl.col(_CUT), dtype))
    else:
        if isinstance(cuts, pl.DataFrame):
            value_cols = [c for c in cuts.columns if c not in keys]
            if len(value_cols) != 1:
                raise ValueError(
                    "a frame of cuts needs the key columns and exactly one column of instants"
                )
            table = cuts.select(*keys, pl.col(value_cols[0]).alias(_CUT))
        else:
            if keys:
                raise ValueError("by= needs a frame of cuts with those key columns")
            if isinstance(cuts, dt.datetime):
                cuts = [cuts]
            if isinstance(cuts, pl.Series):
                series = cuts
            else:
                values = list(cuts)
                series = pl.Series(_CUT, values) if values else pl.Series(_CUT, [], TIMESTAMP)
            if isinstance(series.dtype, pl.Datetime) and series.dtype.time_zone is None:
                raise TypeError("cut instants must be timezone-aware")
            table = pl.DataFrame({_CUT: series})
        table = (
            table.with_columns(_as_timestamp(pl.col(_CUT), table.schema[_CUT]))
            .drop_nulls()
            .unique()
            .sort(_CUT)
        )
        cut_long = _cuts_from_table(rows, table.lazy(), keys, start, end)

    out = _apply_cuts(
        lf,
        cut_long,
        start=start,
        end=end,
        break_col=bcol,
        proportional=proportional,
        hours_col=hours_col,
    )
    return _collect_like(frame, out)


def _cuts_from_table(
    rows: pl.LazyFrame, table: pl.LazyFrame, keys: list[str], start: str, end: str
) -> pl.LazyFrame:
    """Long (row, cut) pairs with the cut strictly inside the row's interval.

    First an as-of join finds, per row, the first cut after its start; only rows where that cut
    falls before the end are cut at all (a small minority: intervals crossing a boundary), and
    only those are joined with all the cuts of their key.
    """
    probe = (
        rows.drop_nulls([start, end, *keys])
        .sort(start)
        .join_asof(
            table,
            left_on=start,
            right_on=_CUT,
            by=keys or None,
            strategy="forward",
            allow_exact_matches=False,
            check_sortedness=False,
        )
        .filter(pl.col(_CUT) < pl.col(end))
        .select(_ROW, *keys, start, end)
    )
    joined = probe.join(table, on=keys, how="inner") if keys else probe.join(table, how="cross")
    return joined.filter((pl.col(_CUT) > pl.col(start)) & (pl.col(_CUT) < pl.col(end))).select(
        _ROW, start, end, _CUT
    )


# --------------------------------------------------------------------------- named splits


def split_at_months(
    frame: Frame,
    *,
    start: str = "start",
    end: str = "end",
    break_col: str | None = "break_minutes",
    proportional: Sequence[str] = (),
    hours_col: str = "hours",
    month_col: str | None = "month",
) -> Frame:
    """Split at local midnight of the 1st of each month; tag pieces with ``month_col`` (YYYY-MM).

    The month of a piece is the local month of its start; since no piece crosses a month
    boundary, the whole piece lies in that month.
    """
    lf, bcol = _prepare(frame, start, end, break_col, proportional, hours_col)
    first = pl.col(start).dt.date().dt.month_start()
    last = last_local_date(end).dt.month_start()
    cut_long = (
        lf.select(_ROW, start, end)
        .drop_nulls([start, end])
        .filter((pl.col(end) > pl.col(start)) & (first < last))
        .select(
            _ROW,
            start,
            end,
            pl.date_ranges(first.dt.offset_by("1mo"), last, interval="1mo").alias(_CUT),
        )
        .explode(_CUT)
        .with_columns(local_midnight(_CUT).alias(_CUT))
    )
    out = _apply_cuts(
        lf,
        cut_long,
        start=start,
        end=end,
        break_col=bcol,
        proportional=proportional,
        hours_col=hours_col,
    )
    if month_col is not None:
        out = out.with_columns(month_of(start).alias(month_col))
    return _collect_like(frame, out)


def split_at_as_of(
    frame: Frame,
    as_of: dt.date,
    *,
    start: str = "start",
    end: str = "end",
    break_col: str | None = "break_minutes",
    proportional: Sequence[str] = (),
    hours_col: str = "hours",
    flag_col: str | None = "after_as_of",
) -> Frame:
    """Split at D+1 00:00 local (the end of the as-of day D) and flag the later pieces.

    ``flag_col`` is True for a piece that starts at or after the cut (it has not happened by
    D 24:00), False for a piece that ends at or before it.
    """
    cut = midnight_after(as_of)
    out = split_at(
        frame,
        cut,
        start=start,
        end=end,
        break_col=break_col,
        proportional=proportional,
        hours_col=hours_col,
    )
    if flag_col is not None:
        out = out.with_columns((pl.col(start) >= cut).alias(flag_col))
    return out


def period_cuts(periods: pl.DataFrame, *, by: str | Sequence[str] = "case_id") -> pl.DataFrame:
    """Cut instants of a periods frame: local midnight at every period start and day after end.

    ``periods`` has the key columns ``by``, ``period_start`` and ``period_end`` (inclusive,
    ``pl.Date``). Returns the key columns and ``at`` (``TIMESTAMP``).
    """
    keys = [by] if isinstance(by, str) else list(by)
    return (
        pl.concat(
            [
                periods.select(*keys, pl.col("period_start").alias("at")),
                periods.select(*keys, (pl.col("period_end") + pl.duration(days=1)).alias("at")),
            ]
        )
        .unique()
        .with_columns(local_midnight("at").alias("at"))
    )


def split_at_periods(
    frame: Frame,
    periods: pl.DataFrame,
    *,
    by: str | Sequence[str] = "case_id",
    start: str = "start",
    end: str = "end",
    break_col: str | None = "break_minutes",
    proportional: Sequence[str] = (),
    hours_col: str = "hours",
) -> Frame:
    """Split at the settlement-period boundaries of each row's case and tag the pieces.

    ``periods``: key columns ``by`` (default ``case_id``), ``period_start``, ``period_end``
    (inclusive dates; periods of one key must not overlap, as those of
    :func:`timbalans.core.periods.settlement_periods` do not). Adds ``period_start`` and
    ``period_end`` (``pl.Date``) of the period containing each piece, null when no period of
    the row's key contains it (e.g. work before the first decision). If ``frame`` already has
    columns of those names they are replaced.
    """
    keys = [by] if isinstance(by, str) else list(by)
    out = split_at(
        frame,
        period_cuts(periods, by=keys),
        by=keys,
        start=start,
        end=end,
        break_col=break_col,
        proportional=proportional,
        hours_col=hours_col,
    )
    return _tag_periods(out, periods, keys, start)


def _tag_periods(frame: Frame, periods: pl.DataFrame, keys: list[str], start: str) -> Frame:
    existing = [c for c in ("period_start", "period_end") if c in frame.collect_schema().names()]
    lf = frame.lazy().drop(existing).with_row_index(_ROW)
    table = (
        periods.lazy()
        .select(*keys, "period_start", "period_end")
        .with_columns(
            local_midnight("period_start").alias(_PSTART),
            local_midnight(pl.col("period_end") + pl.duration(days=1)).alias(_PEND),
        )
        .sort(_PSTART)
    )
    # The as-of join is one-to-one with its left side, so after sorting back into row order
    # the tags line up with the frame and are attached side by side (no join on 25M rows).
    inside = pl.col(start) < pl.col(_PEND)
    tagged = (
        lf.select(_ROW, *keys, start)
        .sort(start, nulls_last=True)
        .join_asof(
            table,
            left_on=start,
            right_on=_PSTART,
            by=keys or None,
            strategy="backward",
            check_sortedness=False,
        )
        .select(
            _ROW,
            pl.when(inside).then(pl.col("period_start")).alias("period_start"),
            pl.when(inside).then(pl.col("period_end")).alias("period_end"),
        )
        .sort(_ROW)
        .drop(_ROW)
    )
    out = pl.concat([lf.drop(_ROW), tagged], how="horizontal")
    return _collect_like(frame, out)


# --------------------------------------------------------------------------- fast paths
#
# The same pieces as the splits above, for the figures' big frames: most intervals lie inside
# one day, one month or one period, so these find the few rows that are cut (by a binary
# search among the midnights or month starts of the data's range, or by one equi-join with
# non-overlapping periods) and make every piece with the same :func:`_to_pieces`. Rows come
# out in another order than the input (said per function).


def _midnights(days: list[dt.date]) -> pl.Series:
    return pl.Series("at", days, pl.Date).cast(pl.Datetime("us")).dt.replace_time_zone(TZ)


def _local_day(instant: object) -> dt.date:
    assert isinstance(instant, dt.datetime)
    return instant.astimezone(ZONE).date()


def local_dates(instants: pl.Series) -> pl.Series:
    """The local (Europe/Stockholm) date of each instant, null for null.

    The same as :func:`local_date` (a time-zone conversion of every value), computed by a
    binary search among the local midnights of the few hundred days the instants span.
    """
    if instants.null_count() == instants.len():
        return pl.Series(instants.name, [None] * instants.len(), pl.Date)
    first, last = _local_day(instants.min()), _local_day(instants.max())
    n = (last - first).days + 1
    midnights = _midnights([first + dt.timedelta(days=k) for k in range(n)])
    index = midnights.search_sorted(instants, side="right").cast(pl.Int32) - 1
    epoch_days = (first - dt.date(1970, 1, 1)).days
    days = (index + epoch_days).cast(pl.Date).alias(instants.name)
    return (
        days
        if not instants.has_nulls()
        else pl.select(pl.when(instants.is_not_null()).then(days)).to_series()
    )


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from ``first``'s to the one after ``last``'s."""
    out = [first.replace(day=1)]
    while out[-1] <= last:
        d = out[-1]
        out.append(dt.date(d.year + 1, 1, 1) if d.month == 12 else dt.date(d.year, d.month + 1, 1))
    return out


def split_months_fast(
    frame: pl.DataFrame, *, break_col: str | None = "break_minutes", month: bool = True
) -> pl.DataFrame:
    """:func:`split_at_months` (pieces, ``hours``, ``month``), rows in another order.

    Every row stays where it is as its first piece (its month from a binary search among the
    month starts); the later pieces of the few rows that cross a month boundary, from the
    general split, come after them. Nothing is filtered: a filter would copy the frame, and
    the columns of the frame are copied only when there are later pieces to append.
    ``month=False``: without the ``month`` column (a string a piece), for a caller that
    takes the month from a date of its own.
    """
    if frame.height == 0 or frame["start"].null_count() or frame["end"].null_count():
        out = split_at_months(frame, break_col=break_col)
        return out if month else out.drop("month")
    frame = frame.with_columns(pl.col("start", "end").cast(TIMESTAMP))
    starts = _month_starts(_local_day(frame["start"].min()), _local_day(frame["end"].max()))
    bounds = _midnights(starts)
    i = bounds.search_sorted(frame["start"], side="right")
    j = bounds.search_sorted(frame["end"], side="left")
    crossing = j > i
    labels = pl.Series("month", [d.strftime("%Y-%m") for d in starts[:-1]] + [None], pl.String)
    bcol = break_col if break_col is not None and break_col in frame.columns else None
    first = _to_pieces(
        frame,
        pl.col("start"),
        pl.when(crossing).then(pl.lit(bounds).gather(i)).otherwise(pl.col("end")),
        start="start",
        end="end",
        scaled=[bcol] if bcol else [],
        break_col=bcol,
        hours_col="hours",
    )
    if month:
        first = first.with_columns(labels.gather(i - 1).alias("month"))
    if not crossing.any():
        return first
    later = (
        split_at_months(frame.filter(crossing).with_row_index("__tb_r"), break_col=break_col)
        .filter(~pl.col("__tb_r").is_first_distinct())
        .drop("__tb_r")
    )
    # One chunk: an expression over a frame whose columns are chunked differently copies
    # every column of it first, so the pieces are made alike once, here.
    return pl.concat([first, later.select(first.columns)], rechunk=True)


def split_at_days(
    frame: pl.DataFrame,
    *,
    break_col: str | None = "break_minutes",
    proportional: Sequence[str] = (),
    hours_col: str = "hours",
) -> pl.DataFrame:
    """:func:`split_at` at every local midnight inside each interval; adds ``date`` (local).

    Rows come out in another order: the intervals inside one day (most) are taken as they
    are, and those that span midnights become one piece per day they touch.
    """
    if frame.height == 0 or frame["start"].null_count() or frame["end"].null_count():
        out = split_at(
            frame,
            pl.date_ranges(
                local_date("start") + pl.duration(days=1), last_local_date("end"), interval="1d"
            ),
            break_col=break_col,
            proportional=proportional,
            hours_col=hours_col,
        )
        return out.with_columns(local_date("start").alias("date"))
    first = local_dates(frame["start"])
    last = local_dates(frame["end"] - dt.timedelta(microseconds=1))
    one = (first >= last).fill_null(False)
    bcol = break_col if break_col is not None and break_col in frame.columns else None
    scaled = ([bcol] if bcol else []) + list(proportional)
    spanning = _to_pieces(
        frame.filter(~one)
        .with_columns(pl.col("start", "end").cast(TIMESTAMP))
        .with_columns(
            pl.date_ranges(first.filter(~one), last.filter(~one), interval="1d").alias("date")
        )
        .explode("date"),
        pl.max_horizontal("start", local_midnight("date")),
        pl.min_horizontal("end", local_midnight(pl.col("date") + pl.duration(days=1))),
        start="start",
        end="end",
        scaled=scaled,
        break_col=bcol,
        hours_col=hours_col,
    )
    spanning = spanning.select(*[c for c in spanning.columns if c != "date"], "date")
    whole = (
        frame.filter(one)
        .with_columns(
            pl.col("start", "end").cast(TIMESTAMP), *[pl.col(c).cast(pl.Float64) for c in scaled]
        )
        .with_columns(
            hours_expr("start", "end", bcol).alias(hours_col), first.filter(one).alias("date")
        )
    )
    return pl.concat([whole.select(spanning.columns), spanning])


def period_pieces(
    intervals: pl.DataFrame,
    periods: pl.DataFrame,
    *,
    until: dt.datetime | None = None,
    after: dt.datetime | None = None,
    break_col: str = "break_minutes",
) -> pl.DataFrame:
    """Each interval cut to each settlement period of its case (``case_id``) it overlaps.

    The same pieces as :func:`split_at_periods` (and, with ``until``, :func:`split_at_as_of`
    first, keeping what lies before ``until``), dropping what lies in no period, computed as
    one equi-join on the case and a clip instead of cuts and as-of joins: periods of a case do
    not overlap, so a piece is the interval ∩ the period. ``start``/``end`` become the piece's
    bounds; adds ``period_start``, ``period_end``, ``period_row`` (the period's position in
    ``periods``), ``hours`` (elapsed − the break in proportion to elapsed time) and, with
    ``after``, ``hours_after`` (the hours of the part of the piece from ``after`` on). Rows
    with null bounds are dropped.
    """
    bounds = periods.select(
        "case_id",
        "period_start",
        "period_end",
        local_midnight("period_start").alias("_ps"),
        local_midnight(pl.col("period_end") + pl.duration(days=1)).alias("_pe"),
    ).with_row_index("period_row")
    start, end = pl.col("start"), pl.col("end")
    lf = intervals.lazy().drop("period_start", "period_end", "period_row", strict=False)
    if bounds.height:
        lo, hi = bounds["_ps"].min(), bounds["_pe"].max()
        lf = lf.filter((start < hi) & ((end > lo) | (start >= lo)))
    if until is not None:
        lf = lf.filter(start < until)
    ps = pl.max_horizontal(start, pl.col("_ps"))
    pe = pl.min_horizontal(end, pl.col("_pe"), *([pl.lit(until)] if until is not None else []))
    bcol = break_col if break_col and break_col in intervals.columns else None
    out = (
        lf.join(bounds.lazy(), on="case_id", how="inner")
        # A piece is kept when it has length, or is an empty interval lying in the period.
        .filter((pe > ps) | ((end == start) & (start >= pl.col("_ps")) & (start < pl.col("_pe"))))
        .with_columns(ps.alias("_a"), pe.alias("_b"))
    )
    if after is not None:
        # The hours of the piece's part from ``after`` on: its elapsed time there, less the
        # break in proportion to the whole interval's elapsed time (as for any piece).
        a, b, cut = pl.col("_a"), pl.col("_b"), pl.lit(after)
        brk = pl.col(bcol).cast(pl.Float64).fill_null(0.0) if bcol else pl.lit(0.0)
        from_cut = elapsed_hours_expr(cut, b) - brk * _share_of(cut, b, start, end) / 60
        whole = elapsed_hours_expr(a, b) - brk * _share_of(a, b, start, end) / 60
        out = out.with_columns(
            pl.when(a >= cut)
            .then(whole)
            .when(b > cut)
            .then(from_cut)
            .otherwise(pl.lit(0.0))
            .alias("hours_after")
        )
    out = _to_pieces(
        out,
        pl.col("_a"),
        pl.col("_b"),
        start="start",
        end="end",
        scaled=[bcol] if bcol else [],
        break_col=bcol,
        hours_col="hours",
    )
    out = out.drop("_ps", "_pe", "_a", "_b")
    if after is not None:
        out = out.select(pl.exclude("hours_after"), "hours_after")
    # On the streaming engine, though the figures collect in memory (timbalans.figures): the
    # join repeats each interval for every period of its case before the filter keeps one,
    # which the streaming engine does a morsel at a time (national hour-balance: peak 3.5 GB
    # streaming, 3.8 GB in memory).
    return out.collect(engine="streaming")


def cut_off_after(frame: pl.DataFrame, cut: dt.datetime) -> pl.DataFrame:
    """Intervals up to the instant ``cut``: later rows dropped, a row across it cut there with
    its break in proportion: what :func:`split_at_as_of` keeps before the cut, without the
    split (no ``hours`` added)."""
    return _cut_off(frame, cut, keep="before")


def cut_off_before(frame: pl.DataFrame, cut: dt.datetime) -> pl.DataFrame:
    """Intervals from the instant ``cut`` on: earlier rows (and those ending at it) dropped, a
    row across it cut there with its break in proportion: what splitting at ``cut`` keeps
    after it, without the split (no ``hours`` added)."""
    return _cut_off(frame, cut, keep="after")


def _cut_off(frame: pl.DataFrame, cut: dt.datetime, *, keep: str) -> pl.DataFrame:
    at = pl.lit(cut).dt.convert_time_zone(TZ).dt.cast_time_unit("us")
    names = frame.columns
    start, end = pl.col("start"), pl.col("end")
    kept = start < at if keep == "before" else end > at
    # Filtered only when it drops a row: a filter copies every column.
    if not frame.select(kept.fill_null(False).all()).item():
        frame = frame.filter(kept)
    if keep == "before":
        bounds = (start, pl.when(end > at).then(at).otherwise(end))
    else:
        bounds = (pl.when(start < at).then(at).otherwise(start), end)
    return _to_pieces(
        frame,
        *bounds,
        start="start",
        end="end",
        scaled=["break_minutes"] if "break_minutes" in names else [],
        break_col=None,
        hours_col=None,
    )


__all__ = [
    "TIMESTAMP",
    "TZ",
    "cut_off_after",
    "cut_off_before",
    "elapsed_hours",
    "hours_expr",
    "last_local_date",
    "local_date",
    "local_dates",
    "local_midnight",
    "midnight_after",
    "month_of",
    "period_cuts",
    "period_pieces",
    "split_at",
    "split_at_as_of",
    "split_at_days",
    "split_at_months",
    "split_at_periods",
    "split_months_fast",
    "with_hours",
]
