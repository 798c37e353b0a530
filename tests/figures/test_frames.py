"""File mode and database mode give identical frames."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.builders import write_set
from timbalans.figures.frames import DataError, Frames, frames_from_files
from timbalans.records.frames import frames_load
from timbalans.records.services import import_batch_apply, import_dataset_validate

ABSENCES = (
    "employee_id;start;end;type;extent_percent;hours\n"
    "E1;2025-02-03;2025-02-04;sick;100;\n"
    "E1;2025-03-03 07:00;2025-03-03 12:00;child_care;50;2,5\n"
)
SHIFTS = (
    "shift_id;case_id;employee_id;start;end;break_minutes;kind\n"
    "P1;51470;E1;2025-01-10 07:00;2025-01-10 16:00;60;assistance\n"
    ";51470;;2025-01-10 22:00;07:00;0;on_call\n"
)


def sort_all(frames: Frames) -> dict[str, pl.DataFrame]:
    return {t: f.sort(f.columns, nulls_last=True) for t, f in frames.as_dict().items()}


@pytest.mark.django_db
def test_file_mode_and_database_mode_give_identical_frames(tmp_path):
    d = write_set(tmp_path / "s", absences=ABSENCES, shifts=SHIFTS)
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    from_files = sort_all(frames_from_files(d))
    from_db = sort_all(frames_load())
    for table, frame in from_files.items():
        assert_frame_equal(from_db[table], frame, check_exact=False, abs_tol=1e-9), table
    assert from_files["shifts"].height == 2


# Text that a database's own CSV must carry through unchanged: quotes of both kinds, the
# delimiter, a line break, a literal NULL, an empty optional text.
TRICKY_CASES = (
    "case_id;unit_id;service;start_date;end_date;label\n"
    '51470;81515;assistans_sfb;2024-01-01;2026-06-30;"Tå\'g, ""x""; y\nz"\n'
    "51357;81516;assistans_sfb;2024-01-01;;NULL\n"
)
TRICKY_LEDGER = (
    "month;cost_center;case_id;account;amount;text\n"
    "2025-01;81515;51470;3010;-1 000,50;\n"
    "2025-01;81515;;5010;2000,25;'lön'\n"
)
TRICKY_FK = "case_id;month;reported_hours\n51470;2025-01;101,5\n"


@pytest.mark.django_db
def test_database_mode_carries_quotes_delimiters_line_breaks_and_empty_text(tmp_path):
    d = write_set(
        tmp_path / "s",
        cases=TRICKY_CASES,
        ledger=TRICKY_LEDGER,
        fk_reports=TRICKY_FK,
        absences=ABSENCES,
        shifts=SHIFTS,
    )
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    from_files = sort_all(frames_from_files(d))
    from_db = sort_all(frames_load())
    for table, frame in from_files.items():
        assert_frame_equal(from_db[table], frame, check_exact=False, abs_tol=1e-9), table
    labels = from_db["cases"].sort("case_id")["label"].to_list()
    assert labels == ["NULL", 'Tå\'g, "x"; y\nz']
    assert from_db["ledger"].sort("amount")["text"].to_list() == [None, "'lön'"]
    assert from_db["fk_reports"]["reported_hours"].to_list() == [101.5]


@pytest.mark.django_db
def test_an_empty_database_gives_empty_frames_of_the_frame_types():
    from timbalans.ingest.schema import frame_schema

    frames = frames_load()
    for table, frame in frames.as_dict().items():
        assert frame.height == 0, table
        assert dict(frame.schema) == frame_schema(table), table


@pytest.mark.django_db
def test_scoping_keeps_only_the_units_cases_and_their_staff(tmp_path):
    d = write_set(tmp_path / "s", absences=ABSENCES, shifts=SHIFTS)
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    for frames in (frames_load(units={"81516"}), frames_from_files(d).scoped(units={"81516"})):
        assert frames.units["unit_id"].to_list() == ["81516"]
        assert frames.cases["case_id"].to_list() == ["51357"]
        assert frames.worked["case_id"].to_list() == ["51357"]
        assert frames.employees["employee_id"].to_list() == ["E2"]
        assert frames.absences.height == 0
        assert frames.ledger.height == 0  # both ledger rows are booked on 81515


def test_invalid_files_raise_with_the_problems(tmp_path):
    d = write_set(tmp_path / "s", units="unit_id;name\n1;x\n")
    with pytest.raises(DataError) as exc:
        frames_from_files(d)
    assert (
        'units.csv, rad 1, kolumn "cost_center": kolumnen saknas; den är obligatorisk i den här '
        "tabellen." in exc.value.problems
    )


@pytest.mark.django_db(transaction=True)
def test_frames_read_outside_a_transaction_are_the_same(tmp_path):
    """Data committed, as in the web app: on PostgreSQL the tables are then read through
    ADBC, on a connection of its own (``_adbc_possible``); SQLite's in-memory test database
    is read on Django's connection (test_database_frames.py reads a SQLite file by ADBC)."""
    from django.db import connection

    from timbalans.records.frames import _adbc_possible

    d = write_set(tmp_path / "s", absences=ABSENCES, shifts=SHIFTS)
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    assert _adbc_possible() == (connection.vendor == "postgresql")
    from_files = sort_all(frames_from_files(d))
    from_db = sort_all(frames_load())
    for table, frame in from_files.items():
        assert_frame_equal(from_db[table], frame, check_exact=False, abs_tol=1e-9), table
    assert from_db["shifts"].height == 2
    assert from_db["worked"].height == from_files["worked"].height > 0
