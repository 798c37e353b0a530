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
        groups = pieces.select(pl.col("period_row").cast(pl.Int64).alias("_g"), *PERIOD_KEY)
        groups = groups.unique("_g")
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
    covered = pl.concat(
        [
            _covered(frame, "_gp", persons).select((pl.col("_gp") // persons).alias("_g"), "_us"),
            _covered(frame, "_g", persons).select("_g", -pl.col("_us")),
        ]
    )
    return (
        covered.group_by("_g")
        .agg(pl.col("_us").sum().truediv(_US_PER_HOUR).alias(name))
        .join(groups.lazy(), on="_g")
        .select(*PERIOD_KEY, name)
        .collect()
    )


def _covered(frame: pl.DataFrame, group: str, persons: int) -> pl.LazyFrame:
    """Per row of ``frame`` (``_g``, ``_gp``, ``_s``, ``_e``: microseconds since 1970), the
    time it adds to the union of its ``group``'s intervals: ``group``, ``_us``. Summed per
    group, the length of that union.

    Sorted by start, a row adds what lies beyond the latest end before it:
    max(0, end − max(start, latest end)). Over all groups at once by one integer when the
    group and the time fit in 62 bits together: the group in the high bits, the time since
    the first start in the low ones (in seconds when every time is a whole second, always so
    for times read from canonical data, else in microseconds), so that no group's ends reach
    the next group's starts; sorting by one integer is three times as fast as by two
    columns. Otherwise sorted by the two columns and the latest end taken per group.
    """
    t0 = int(frame["_s"].min())  # type: ignore[arg-type]
    span = int(frame["_e"].max()) - t0  # type: ignore[arg-type]
    whole = not frame.select(
        ((pl.col("_s") % 1_000_000 != 0) | (pl.col("_e") % 1_000_000 != 0)).any()
    ).item()
    unit = 1_000_000 if whole else 1
    bits = max(span // unit, 0).bit_length()
    groups = (int(frame["_g"].max()) + 1) * persons  # type: ignore[arg-type]
    lf = frame.lazy()
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


def planned_persons(planned: pl.DataFrame) -> pl.DataFrame:
    """Planned pieces with ``_person``: the employee, or for an open shift an identity of its
    own (an open shift is one more person)."""
    return planned.with_columns(
        pl.coalesce(
            pl.col("employee_id"), pl.lit("open:") + pl.col("shift_row").cast(pl.String)
        ).alias("_person")
    )
