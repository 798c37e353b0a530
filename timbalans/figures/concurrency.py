"""How much time more than one person covers at once, per case and settlement period: the
concurrency coverage reports and hour-balance's period sums compute (spec/figures.md,
"coverage"). A module of its own, so that both import it."""

from __future__ import annotations

import polars as pl

#: A settlement period of a case.
PERIOD_KEY = ["case_id", "period_start"]
_US_PER_HOUR = 3_600_000_000


def concurrent_hours(pieces: pl.DataFrame, person: str, name: str) -> pl.DataFrame:
    """∫ max(0, k − 1) dt per case and period, k = distinct persons at each instant.

    Where k ≥ 1, max(0, k − 1) = k − 1, so the integral is ∫ k dt − ∫ [k ≥ 1] dt: the time
    covered by each person, summed over the persons (a person's own overlapping rows count
    once), less the time covered by anyone. Both are lengths of unions of intervals, each
    found by one sort (:func:`_covered`): per (period, person) and per period. Exact: the
    lengths are integers (microseconds) until the one division into hours.
    """
    if pieces.height == 0:
        return pl.DataFrame(
            schema={"case_id": pl.String, "period_start": pl.Date, name: pl.Float64}
        )
    if "period_row" in pieces.columns:  # the period's number, from ``period_pieces``
        # Each period's key from its first piece (``arg_unique``: a fifth of ``unique``'s CPU).
        first = pieces.get_column("period_row").arg_unique()
        groups = pieces[first].select(pl.col("period_row").cast(pl.Int64).alias("_g"), *PERIOD_KEY)
        frame = pieces.select(
            pl.col("period_row").cast(pl.Int64).alias("_g"), person, "start", "end"
        )
    else:
        groups = pieces.select(PERIOD_KEY).unique().with_row_index("_g")
        groups = groups.with_columns(pl.col("_g").cast(pl.Int64))
        frame = pieces.join(groups, on=PERIOD_KEY).select("_g", person, "start", "end")
    code = pl.col(person).cast(pl.Categorical).to_physical().cast(pl.Int64)
    frame = frame.select(
        "_g",
        code.alias("_p"),
        pl.col("start").dt.epoch("us").alias("_s"),
        pl.col("end").dt.epoch("us").alias("_e"),
    )
    persons = int(frame["_p"].max()) + 1  # type: ignore[arg-type]
    # One integer per (period, person).
    frame = frame.with_columns((pl.col("_g") * persons + pl.col("_p")).alias("_gp"))
    unit = _unit(frame)
    covered = pl.concat(
        [
            _covered(frame, "_gp", persons, unit).select(
                (pl.col("_gp") // persons).alias("_g"), "_us"
            ),
            _covered(frame, "_g", persons, unit).select("_g", -pl.col("_us")),
        ]
    )
    return (
        covered.group_by("_g")
        .agg(pl.col("_us").sum().truediv(_US_PER_HOUR).alias(name))
        .join(groups.lazy(), on="_g")
        .select(*PERIOD_KEY, name)
        .collect()
    )


def _covered(frame: pl.DataFrame, group: str, persons: int, unit: int) -> pl.LazyFrame:
    """Per row of ``frame`` (``_g``, ``_gp``, ``_s``, ``_e``: microseconds since 1970), the
    time it adds to the union of its ``group``'s intervals: ``group``, ``_us``. Summed per
    group, the length of that union.

    Sorted by start, a row adds what lies beyond the latest end before it:
    max(0, end − max(start, latest end)); rows with the same start may come in any order
    (whichever comes first, the later add nothing beyond the longest). Times are counted in
    ``unit`` microseconds (:func:`_unit`), from the first start. When the group, the time
    and the length fit in 62 bits together, each row is one integer (the group in the high
    bits, the start, the length in the low ones), so that no group's ends reach the next
    group's starts, and one sort of one integer column (a third of the time of a sort of
    rows) orders them all; when only the group and the time fit, the rows are sorted by
    one integer of the two; otherwise by the two columns (in microseconds), the latest end
    taken per group.
    """
    t0 = int(frame["_s"].min())  # type: ignore[arg-type]
    span = (int(frame["_e"].max()) - t0) // unit  # type: ignore[arg-type]
    longest = int(frame.select((pl.col("_e") - pl.col("_s")).max()).item()) // unit
    shortest = int(frame.select((pl.col("_e") - pl.col("_s")).min()).item())
    bits = max(span, 0).bit_length()
    groups = (int(frame["_g"].max()) + 1) * persons  # type: ignore[arg-type]
    lf = frame.lazy()
    if shortest >= 0 and groups.bit_length() + bits + longest.bit_length() <= 62:
        low = 2 ** longest.bit_length()
        packed = frame.select(
            (
                (pl.col(group) * 2**bits + (pl.col("_s") - t0) // unit) * low
                + (pl.col("_e") - pl.col("_s")) // unit
            ).alias("_k")
        )
        rows = packed.lazy().sort("_k")
        a = pl.col("_k") // low
        b = a + pl.col("_k") % low
        added = (b - pl.max_horizontal(a, b.cum_max().shift(1))).clip(lower_bound=0) * unit
        return rows.select((a // 2**bits).alias(group), added.alias("_us"))
    if groups.bit_length() + bits <= 62:
        high = pl.col(group) * 2**bits
        rows = lf.select(
            group,
            (high + (pl.col("_s") - t0) // unit).alias("_a"),
            (high + (pl.col("_e") - t0) // unit).alias("_b"),
        ).sort("_a")
        latest = pl.col("_b").cum_max().shift(1)
    else:
        unit = 1
        rows = lf.select(group, pl.col("_s").alias("_a"), pl.col("_e").alias("_b")).sort(
            group, "_a"
        )
        latest = pl.col("_b").cum_max().shift(1).over(group)
    added = (pl.col("_b") - pl.max_horizontal("_a", latest)).clip(lower_bound=0) * unit
    return rows.select(group, added.alias("_us"))


def _unit(frame: pl.DataFrame) -> int:
    """The largest of a minute, a second and a microsecond that every ``_s`` and ``_e`` of
    ``frame`` is a whole number of (canonical times are whole seconds, in practice whole
    minutes)."""
    for unit in (60_000_000, 1_000_000):
        if not frame.select(((pl.col("_s") % unit != 0) | (pl.col("_e") % unit != 0)).any()).item():
            return unit
    return 1


def planned_persons(planned: pl.DataFrame) -> pl.DataFrame:
    """Planned pieces with ``_person``: the employee, or for an open shift an identity of its
    own (an open shift is one more person)."""
    return planned.with_columns(
        pl.coalesce(
            pl.col("employee_id"), pl.lit("open:") + pl.col("shift_row").cast(pl.String)
        ).alias("_person")
    )
