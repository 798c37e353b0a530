"""Helpers for building small frames in core tests."""

from __future__ import annotations

import polars as pl

from timbalans.core.intervals import TIMESTAMP, TZ


def local(df: pl.DataFrame, *cols: str) -> pl.DataFrame:
    """Turn ``YYYY-MM-DD HH:MM`` wall-clock strings in ``cols`` into zoned local timestamps."""
    return df.with_columns(
        pl.col(c).str.to_datetime("%Y-%m-%d %H:%M").dt.replace_time_zone(TZ).cast(TIMESTAMP)
        for c in cols
    )


def shifts(*rows: tuple) -> pl.DataFrame:
    """Rows of (case_id, start, end, break_minutes) with local wall-clock strings."""
    df = pl.DataFrame(
        [dict(zip(("case_id", "start", "end", "break_minutes"), r, strict=True)) for r in rows],
        schema={
            "case_id": pl.String,
            "start": pl.String,
            "end": pl.String,
            "break_minutes": pl.Int64,
        },
    )
    return local(df, "start", "end")


def wall(frame: pl.DataFrame, col: str) -> list[str]:
    """The local wall-clock strings of a timestamp column."""
    return frame[col].dt.strftime("%Y-%m-%d %H:%M").to_list()
