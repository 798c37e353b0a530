import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from timbalans.core.runs import (
    cum_sum_in_runs,
    latest_date_before_in_runs,
    run_starts,
    shift_in_runs,
)

# Rows of (key a, key b, integer, date offset or None), keys with nulls among them.
rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.sampled_from(["x", "y", "z"])),
        st.one_of(st.none(), st.integers(0, 2)),
        st.integers(-5, 5),
        st.one_of(st.none(), st.integers(-40_000, 40_000)),
    ),
    max_size=40,
)

# Polars's running maximum is null on a null row, where the latest date before skips it (the
# hand-made case below): the comparison is of dates without nulls.
_DAY = dt.date(2000, 1, 1)


def _frame(data: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "a": [r[0] for r in data],
            "b": [r[1] for r in data],
            "v": [r[2] for r in data],
            "d": [
                None if r[3] is None else dt.date(1970, 1, 1) + dt.timedelta(days=r[3])
                for r in data
            ],
        },
        schema={"a": pl.String, "b": pl.Int64, "v": pl.Int64, "d": pl.Date},
    ).sort("a", "b", "v", nulls_last=True)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_steps_over_runs_give_what_polars_windows_give(data):
    df = _frame(data)
    for by in (["a"], ["a", "b"]):
        got = df.select(
            shift_in_runs(pl.col("v"), by).alias("prev"),
            shift_in_runs(pl.col("d"), by, -1).alias("next"),
            cum_sum_in_runs(pl.col("v"), by).alias("total"),
            cum_sum_in_runs(pl.col("v") > 0, by).alias("count"),
            latest_date_before_in_runs(pl.col("d").fill_null(_DAY), by).alias("latest"),
        )
        want = df.select(
            pl.col("v").shift(1).over(by).alias("prev"),
            pl.col("d").shift(-1).over(by).alias("next"),
            pl.col("v").cum_sum().over(by).alias("total"),
            (pl.col("v") > 0).cast(pl.Int64).cum_sum().over(by).alias("count"),
            pl.col("d").fill_null(_DAY).cum_max().shift(1).over(by).alias("latest"),
        )
        assert got.equals(want), (by, df, got, want)


def test_runs_by_hand():
    df = pl.DataFrame(
        {
            "k": ["a", "a", "a", "b", None, None],
            "v": [3, 1, 2, 5, 7, 1],
            "d": [
                dt.date(2026, 1, 9),
                None,
                dt.date(2026, 1, 5),
                dt.date(2026, 2, 1),
                None,
                dt.date(2026, 3, 1),
            ],
        }
    )
    out = df.select(
        run_starts("k").alias("start"),
        shift_in_runs(pl.col("v"), "k").alias("prev"),
        shift_in_runs(pl.col("v"), "k", -1).alias("next"),
        cum_sum_in_runs(pl.col("v"), "k").alias("total"),
        latest_date_before_in_runs(pl.col("d"), "k").alias("latest"),
    )
    assert out.to_dict(as_series=False) == {
        "start": [True, False, False, True, True, False],
        "prev": [None, 3, 1, None, None, 7],
        "next": [1, 2, None, None, 1, None],
        "total": [3, 4, 6, 5, 7, 8],
        # A null date is skipped; the run of null keys is one run.
        "latest": [None, dt.date(2026, 1, 9), dt.date(2026, 1, 9), None, None, None],
    }
