"""The demo data set is a valid canonical data set: columns, keys, references, time rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from tests.generator.conftest import UNTIL, DataSet
from timbalans.ingest.schema import TABLE_ORDER, TABLES


def test_it_writes_every_table_with_the_canonical_header(ds: DataSet) -> None:
    for name in TABLE_ORDER:
        header = (ds.path / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(";") == list(TABLES[name].names)
        assert ds.counts[name] == ds.raw(name).height


def test_enum_columns_hold_only_allowed_values(ds: DataSet) -> None:
    for name in TABLE_ORDER:
        for col in TABLES[name].columns:
            if col.choices:
                values = set(ds.raw(name)[col.name].drop_nulls().unique())
                assert values <= set(col.choices), (name, col.name, values - set(col.choices))


def test_keys_are_unique(ds: DataSet) -> None:
    for name in ("units", "cases", "decisions", "employees", "employments", "accounts"):
        key = list(TABLES[name].key)
        assert ds.raw(name).select(key).is_duplicated().sum() == 0, name
    assert ds.raw("shifts")["shift_id"].n_unique() == ds.counts["shifts"]


def test_every_reference_exists(ds: DataSet) -> None:
    cases = set(ds.raw("cases")["case_id"])
    employees = set(ds.raw("employees")["employee_id"])
    units = set(ds.raw("units")["unit_id"])
    assert set(ds.raw("cases")["unit_id"]) <= units
    assert set(ds.raw("employees")["unit_id"]) <= units
    for name in ("decisions", "shifts", "worked", "fk_reports"):
        assert set(ds.raw(name)["case_id"]) <= cases, name
    assert set(ds.raw("ledger")["case_id"].drop_nulls()) <= cases
    assert set(ds.raw("ledger")["cost_center"]) <= set(ds.raw("units")["cost_center"])
    for name in ("employments", "worked", "absences"):
        assert set(ds.raw(name)["employee_id"]) <= employees, name
    assert set(ds.raw("shifts")["employee_id"].drop_nulls()) <= employees
    # Every employee has an employment.
    assert set(ds.raw("employments")["employee_id"]) == employees


def test_the_ledger_books_cases_on_their_units_cost_center(ds: DataSet) -> None:
    led = ds.raw("ledger").filter(pl.col("case_id").is_not_null())
    joined = led.join(ds.raw("cases"), on="case_id").join(ds.raw("units"), on="unit_id")
    assert (joined["cost_center"] == joined["cost_center_right"]).all()


def test_every_ledger_account_is_mapped_by_exactly_one_row(ds: DataSet) -> None:
    rows = ds.raw("accounts").rows(named=True)
    assert any("-" in r["account"] for r in rows)

    def covers(row: dict, account: str) -> bool:
        if "-" in row["account"]:
            lo, hi = row["account"].split("-")
            return int(lo) <= int(account) <= int(hi)
        return row["account"] == account

    for account in ds.raw("ledger")["account"].unique().sort():
        assert sum(covers(r, account) for r in rows) == 1, account


def test_no_employee_has_overlapping_employments(ds: DataSet) -> None:
    e = ds.dates("employments", "valid_from", "valid_to").sort(["employee_id", "valid_from"])
    e = e.with_columns(
        pl.col("valid_from").shift(-1).over("employee_id").alias("next_from"),
    ).filter(pl.col("next_from").is_not_null())
    assert e["valid_to"].null_count() == 0  # only an employee's last row may be open
    assert (e["next_from"] > e["valid_to"]).all()
    # A change from fixed-term to permanent is consecutive.
    changes = e.filter(pl.col("next_from") == pl.col("valid_to") + timedelta(days=1))
    assert changes.height > 0


def test_no_employee_has_overlapping_worked_rows(ds: DataSet) -> None:
    w = ds.times("worked").sort(["employee_id", "start", "end"])
    prev_end = pl.col("end").shift(1).over("employee_id")
    assert w.filter(pl.col("start") < prev_end).height == 0
    assert (w["end"] > w["start"]).all()


def test_worked_time_is_inside_an_employment_and_outside_absences(ds: DataSet) -> None:
    w = (
        ds.times("worked")
        .with_row_index("row")
        .with_columns(
            pl.col("start").dt.date().alias("d0"),
            (pl.col("end") - timedelta(minutes=1)).dt.date().alias("d1"),
        )
    )
    emp = ds.dates("employments", "valid_from", "valid_to")
    for day in ("d0", "d1"):  # a night may start in one employment and end in the next
        inside = w.join(emp, on="employee_id").filter(
            (pl.col("valid_from") <= pl.col(day))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col(day)))
        )
        assert inside["row"].n_unique() == w.height
    ab = ds.dates("absences", "start", "end").rename({"start": "a0", "end": "a1"})
    during = w.join(ab, on="employee_id").filter(
        (pl.col("a0") <= pl.col("d1")) & (pl.col("a1") >= pl.col("d0"))
    )
    assert during.height == 0


def test_worked_time_ends_by_until_and_the_plan_reaches_eight_weeks_past_it(ds: DataSet) -> None:
    cutoff = datetime.combine(UNTIL + timedelta(days=1), datetime.min.time())
    w = ds.times("worked")
    assert w["end"].max() <= cutoff
    assert w["start"].max() >= cutoff - timedelta(days=1)
    s = ds.times("shifts")
    assert s["start"].max() >= cutoff + timedelta(days=54)
    assert s["start"].min() >= datetime(2025, 1, 1)


def test_no_time_is_in_a_skipped_or_repeated_hour(ds: DataSet) -> None:
    for name in ("shifts", "worked"):
        f = ds.times(name)
        for col in ("start", "end"):
            local = f[col].dt.replace_time_zone(
                "Europe/Stockholm", non_existent="null", ambiguous="null"
            )
            assert local.null_count() == 0, (name, col)


def test_timestamps_and_dates_are_written_as_the_spec_says(ds: DataSet) -> None:
    assert ds.raw("worked")["start"].str.contains(r"^\d{4}-\d\d-\d\d \d\d:\d\d$").all()
    assert ds.raw("absences")["start"].str.contains(r"^\d{4}-\d\d-\d\d$").all()
    assert ds.raw("ledger")["month"].str.contains(r"^\d{4}-\d\d$").all()
    assert ds.raw("ledger")["amount"].str.contains(r"^-?\d+\.\d\d$").all()


def test_decisions_cover_each_case_over_the_data_range(ds: DataSet) -> None:
    dec = ds.dates("decisions", "valid_from", "valid_to", "period_start").sort(
        ["case_id", "valid_from"]
    )
    cases = ds.dates("cases", "start_date", "end_date")
    plan_end = UNTIL + timedelta(days=56)
    for case in cases.iter_rows(named=True):
        rows = dec.filter(pl.col("case_id") == case["case_id"])
        assert rows.height >= 1
        # Decisions start with the data (or the case): no granted hours before any time data.
        assert rows["valid_from"][0] == max(case["start_date"], date(2025, 1, 1))
        assert rows["valid_to"][-1] >= min(case["end_date"] or plan_end, plan_end)
        for a, b in zip(rows.iter_rows(named=True), rows[1:].iter_rows(named=True), strict=False):
            assert b["valid_from"] == a["valid_to"] + timedelta(days=1)
        assert rows["period_start"].n_unique() == 1
        assert rows["period_start"][0] <= rows["valid_from"][0]


def test_absences_of_one_employee_never_overlap(ds: DataSet) -> None:
    a = ds.dates("absences", "start", "end").sort(["employee_id", "start"])
    prev_end = pl.col("end").shift(1).over("employee_id")
    assert a.filter(pl.col("start") <= prev_end).height == 0
    assert (a["end"] >= a["start"]).all()


def test_the_budget_covers_until_year_per_cost_centre_and_names_the_action_plan_cases(
    ds: DataSet,
) -> None:
    budget = ds.raw("budget").with_columns(pl.col("amount").cast(pl.Float64))
    year = str(UNTIL.year)
    assert budget["month"].str.starts_with(year).all()
    months = budget.group_by("cost_center").agg(pl.col("month").n_unique())
    assert months["month"].to_list() == [12] * 4
    named = budget.filter(pl.col("case_id").is_not_null())
    assert sorted(named["case_id"].unique()) == sorted(["51470", "51357", "51463", "51451"])
    assert set(named["category"]) == {"result"}
    # A named case's budget is half of its result the same month a year earlier.
    led = ds.ledger().filter((pl.col("case_id") == "51470") & (pl.col("month") == "2025-03"))
    expected = round(0.5 * -led["amount"].sum())
    got = named.filter((pl.col("case_id") == "51470") & (pl.col("month") == f"{year}-03"))
    assert abs(got["amount"].item() - expected) <= 1


def test_the_demo_passes_every_import_rule(ds: DataSet) -> None:
    from timbalans.ingest.read import read_dataset
    from timbalans.ingest.validate import validate

    checked = validate(read_dataset(ds.path))
    assert [str(p) for p in checked.problems] == []
    assert checked.notes == []
