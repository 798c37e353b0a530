"""The fast pass of validation gives exactly what the full rules give, values and messages."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from timbalans.ingest.read import RawFile
from timbalans.ingest.schema import TABLES
from timbalans.ingest.validate import _parse_table

# Canonical values (the fast pass takes them) beside every kind of variant and mistake (it
# must leave those to the full rules).
GOOD = {
    "text": ["51470", "E1", "81515"],
    "account": ["5010"],
    "date": ["2025-01-10", "2024-02-29", "2025-12-31"],
    "timestamp": [
        "2025-01-10 07:00",
        "2025-01-10 16:00",
        "2025-10-26 02:30",
        "2025-03-30 03:00",
        "2025-01-11 00:00",
    ],
    "number": ["0", "30", "37.5", "6", "200"],
    "month": ["2025-01", "2025-12"],
    "yesno": ["yes"],
}
ODD = {
    "text": [" 51470 ", "", None, "x;y"],
    "account": ["5010-5099", "5099-5010", " 50 10 ", "", None],
    "date": ["2025-01-10 00:00", "2025-1-10", "2025-02-30", "", None, " 2025-06-01 ", "x"],
    "timestamp": [
        "2025-01-10 7:00",
        "2025-01-10T07:00",
        "2025-01-10 07:00:30",
        "2025-03-30 02:30",
        "2025-01-32 07:00",
        "07:00",
        "24:00",
        "2025-01-10",
        "garbage",
        "",
        None,
        "2025-01-10 25:00",
        "+2025-01-10 07:00",
    ],
    "number": [
        "37,5",
        "1 234,50",
        "−5",
        "-5",
        "abc",
        "",
        None,
        "1e3",
        "inf",
        "45%",
        "1441",
        "30.5",
    ],
    "month": ["2025-13", "2025-01-01", "2025-1", "", None],
    "yesno": ["ja", "Nej", "maybe", "", None],
}
KIND = {
    "decimal": "number",
    "percent": "number",
    "integer": "number",
    "date_or_timestamp": "timestamp",
}
TYPED = {
    "timestamp": [
        pl.Datetime("us", "Europe/Stockholm"),
        pl.Datetime("us"),
        pl.Datetime("ns", "UTC"),
    ],
    "date_or_timestamp": [pl.Datetime("us", "Europe/Stockholm"), pl.Date],
    "date": [pl.Date, pl.Datetime("us")],
    "decimal": [pl.Int64, pl.Float64],
    "percent": [pl.Int32, pl.Float64],
    "integer": [pl.Int32, pl.Float64],
}
TYPED_VALUES = {
    "datetime": [
        dt.datetime(2025, 1, 10, 7, 0),
        dt.datetime(2025, 10, 26, 2, 30),
        dt.datetime(2025, 3, 30, 2, 30),
        dt.datetime(2025, 1, 11, 0, 0),
        dt.datetime(2025, 1, 10, 7, 0, 59, 500000),
        None,
    ],
    "date": [dt.date(2025, 1, 10), dt.date(2024, 2, 29), None],
    "int": [0, 30, 1441, -5, 6, 7, None, 200],
    "float": [0.0, 30.0, 30.5, 37.5, float("nan"), float("inf"), 1e20, 1e-7, None, 6.0],
}


def _text_cell(kind: str) -> st.SearchStrategy[str | None]:
    group = KIND.get(kind, kind)
    return st.one_of(st.sampled_from(GOOD[group]), st.sampled_from(ODD[group]))


@st.composite
def raw_tables(draw: st.DrawFn) -> tuple[str, pl.DataFrame]:
    table = draw(st.sampled_from(sorted(TABLES)))
    n = draw(st.integers(1, 6))
    mostly_good = draw(st.booleans())
    columns = {}
    for col in TABLES[table].columns:
        if not col.required and draw(st.integers(0, 9)) == 0:
            continue  # an optional column left out
        typed = col.kind in TYPED and draw(st.booleans())
        if typed:
            dtype = draw(st.sampled_from(TYPED[col.kind]))
            if isinstance(dtype, pl.Datetime):
                values = draw(
                    st.lists(st.sampled_from(TYPED_VALUES["datetime"]), min_size=n, max_size=n)
                )
                series = pl.Series(col.name, values, pl.Datetime("us"))
                if dtype.time_zone:
                    series = series.dt.replace_time_zone(
                        "Europe/Stockholm", ambiguous="null", non_existent="null"
                    ).dt.convert_time_zone(dtype.time_zone)
                columns[col.name] = series.dt.cast_time_unit(dtype.time_unit)
                continue
            pool = "date" if dtype == pl.Date else "float" if dtype.is_float() else "int"
            values = draw(st.lists(st.sampled_from(TYPED_VALUES[pool]), min_size=n, max_size=n))
            columns[col.name] = pl.Series(col.name, values, dtype, strict=False)
            continue
        if col.kind == "enum":
            good = st.sampled_from(col.choices)
            odd = st.sampled_from([col.choices[0].upper(), "bogus", "", None, " " + col.choices[0]])
        else:
            group = KIND.get(col.kind, col.kind)
            good, odd = st.sampled_from(GOOD[group]), st.sampled_from(ODD[group])
        cell = st.one_of(good, good, good, good, good, odd) if mostly_good else st.one_of(good, odd)
        columns[col.name] = pl.Series(
            col.name, draw(st.lists(cell, min_size=n, max_size=n)), pl.String
        )
    return table, pl.DataFrame(columns)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_tables())
def test_the_fast_pass_gives_what_the_full_rules_give(case):
    table, frame = case
    raw = RawFile(table, f"{table}.csv", "csv", "-", frame)
    fast_problems: list = []
    full_problems: list = []
    fast = _parse_table(raw, fast_problems, fast=True)
    full = _parse_table(raw, full_problems, fast=False)
    assert_frame_equal(fast, full)
    assert sorted(map(str, fast_problems)) == sorted(map(str, full_problems))


def test_canonical_rows_parse_to_real_time_and_default_breaks():
    frame = pl.DataFrame(
        {
            "case_id": ["51470", "51470"],
            "employee_id": ["E1", "E2"],
            "start": ["2025-10-25 22:00", "2025-03-29 22:00"],
            "end": ["2025-10-26 07:00", "2025-03-30 07:00"],
            "break_minutes": ["30", None],
            "time_type": ["ordinary", "on_call"],
        }
    )
    problems: list = []
    out = _parse_table(RawFile("worked", "worked.csv", "csv", "-", frame), problems)
    assert problems == []
    hours = out.select(((pl.col("end") - pl.col("start")).dt.total_minutes() / 60).alias("h"))
    assert hours["h"].to_list() == [10.0, 8.0]  # real time across both clock changes
    assert out["break_minutes"].to_list() == [30, 0]
