"""File mode and database mode give identical frames."""

from __future__ import annotations

import os
import shutil
import time

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.builders import write_set
from timbalans.figures import files_cache
from timbalans.figures.frames import DataError, Frames, frames_from_files
from timbalans.ingest.schema import TABLE_ORDER, frame_schema
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
BAD_START = (
    'shifts.csv, rad 2, kolumn "start": värdet "2025-01-1x 07:00" är inte en tidpunkt; '
    "förväntat ÅÅÅÅ-MM-DD TT:MM, t.ex. 2025-03-31 07:00."
)

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
    ADBC, on a connection of its own (``_own_possible``); SQLite's in-memory test database
    is read on Django's connection (test_database_frames.py reads a SQLite file on a
    connection of its own)."""
    from django.db import connection

    from timbalans.records.frames import _own_possible

    d = write_set(tmp_path / "s", absences=ABSENCES, shifts=SHIFTS)
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    assert _own_possible() == (connection.vendor == "postgresql")
    from_files = sort_all(frames_from_files(d))
    from_db = sort_all(frames_load())
    for table, frame in from_files.items():
        assert_frame_equal(from_db[table], frame, check_exact=False, abs_tol=1e-9), table
    assert from_db["shifts"].height == 2
    assert from_db["worked"].height == from_files["worked"].height > 0


# --------------------------------------------------------------------------- the files cache


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data directory of the test's own, where the typed copies of sets are kept."""
    monkeypatch.setenv("TIMBALANS_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _entries(data_dir):
    return sorted(p.name for p in (data_dir / "cache" / "files").iterdir())


def test_a_validated_set_is_kept_typed_and_read_back_from_the_copy(tmp_path, data_dir):
    d = write_set(tmp_path / "s", absences=ABSENCES, shifts=SHIFTS)
    first = frames_from_files(d)
    key = files_cache.set_key(d)
    assert _entries(data_dir) == [key]
    # The second load reads the stored copy: a change made to the copy (and to nothing else)
    # shows in what it returns, and the frames are otherwise those validated the first time.
    stored = data_dir / "cache" / "files" / key / "shifts.parquet"
    pl.read_parquet(stored).with_columns(pl.lit(45, pl.Int64).alias("break_minutes")).write_parquet(
        stored
    )
    second = frames_from_files(d)
    assert second.shifts["break_minutes"].to_list() == [45, 45]
    assert first.shifts["break_minutes"].to_list() == [60, 0]
    for table, frame in first.as_dict().items():
        if table != "shifts":
            assert_frame_equal(getattr(second, table), frame)
        assert dict(getattr(second, table).schema) == frame_schema(table), table


def test_one_byte_changed_in_a_file_validates_the_set_again_with_its_error(tmp_path, data_dir):
    d = write_set(tmp_path / "s", absences=ABSENCES, shifts=SHIFTS)
    assert frames_from_files(d).shifts["break_minutes"].to_list() == [60, 0]
    old_key = files_cache.set_key(d)
    # A good change (60 -> 50 minutes) is read: a new entry beside the old one.
    (d / "shifts.csv").write_text(SHIFTS.replace(";60;", ";50;"), encoding="utf-8")
    assert frames_from_files(d).shifts["break_minutes"].to_list() == [50, 0]
    assert sorted(_entries(data_dir)) == sorted([old_key, files_cache.set_key(d)])
    # A bad one (a day 1x, same size) is found: the set is validated in full again.
    (d / "shifts.csv").write_text(SHIFTS.replace("2025-01-10 07", "2025-01-1x 07"), "utf-8")
    with pytest.raises(DataError) as exc:
        frames_from_files(d)
    assert exc.value.problems == [BAD_START]
    assert len(_entries(data_dir)) == 2  # nothing stored for a set that failed
    # Put back, the first entry is used again.
    (d / "shifts.csv").write_text(SHIFTS, encoding="utf-8")
    assert files_cache.set_key(d) == old_key
    assert frames_from_files(d).shifts["break_minutes"].to_list() == [60, 0]


def test_a_profile_or_a_new_file_in_the_folder_is_part_of_the_key(tmp_path, data_dir):
    d = write_set(tmp_path / "s")
    key = files_cache.set_key(d)
    (d / "notes.txt").write_text("x", encoding="utf-8")
    assert files_cache.set_key(d) not in (key, None)
    assert files_cache.set_key(tmp_path / "missing") is None


@pytest.fixture
def reads(monkeypatch):
    """The names of the files read to be hashed, in the order read."""
    read: list[str] = []
    hash_file = files_cache._file_digest

    def counted(path):
        read.append(path.name)
        return hash_file(path)

    monkeypatch.setattr(files_cache, "_file_digest", counted)
    return read


def test_a_settled_files_digest_is_recorded_and_the_file_not_read_again(
    tmp_path, data_dir, reads, monkeypatch
):
    monkeypatch.setattr(files_cache, "SETTLED_SECONDS", 0.0)
    d = write_set(tmp_path / "s", absences=ABSENCES, shifts=SHIFTS)
    names = sorted(p.name for p in d.iterdir())
    key = files_cache.set_key(d)
    assert sorted(reads) == names
    assert files_cache.set_key(d) == key
    assert len(reads) == len(names)  # nothing read the second time
    # The same size, other bytes: the file's change time moved, so it alone is read again.
    time.sleep(0.05)
    (d / "shifts.csv").write_text(SHIFTS.replace(";60;", ";50;"), encoding="utf-8")
    changed = files_cache.set_key(d)
    assert changed not in (key, None)
    assert reads[len(names) :] == ["shifts.csv"]
    # Without the record every file is read, to the same key.
    shutil.rmtree(data_dir / "cache" / files_cache.DIGESTS)
    assert files_cache.set_key(d) == changed
    assert len(reads) == 2 * len(names) + 1


def test_a_file_changed_within_the_last_seconds_is_read_every_time(tmp_path, data_dir, reads):
    d = write_set(tmp_path / "s")
    names = sorted(p.name for p in d.iterdir())
    assert files_cache.set_key(d) == files_cache.set_key(d)
    assert sorted(reads) == sorted(names * 2)


def test_a_broken_copy_is_not_used_and_is_replaced(tmp_path, data_dir):
    d = write_set(tmp_path / "s", absences=ABSENCES, shifts=SHIFTS)
    first = frames_from_files(d)
    entry = data_dir / "cache" / "files" / files_cache.set_key(d)
    broken = (
        ("units.parquet", lambda p: p.write_bytes(b"not parquet")),
        # of other columns, as another version might have written it
        ("cases.parquet", lambda p: pl.DataFrame({"x": [1]}).write_parquet(p)),
    )
    for name, breaking in broken:
        breaking(entry / name)
        assert files_cache.cache_read(entry.name) is None
        assert not entry.exists()
        again = frames_from_files(d)
        for table, frame in first.as_dict().items():
            assert_frame_equal(getattr(again, table), frame)
        assert entry.exists()  # stored anew


def test_without_the_cache_nothing_is_stored(tmp_path, data_dir):
    d = write_set(tmp_path / "s")
    frames_from_files(d, cache=False)
    assert not (data_dir / "cache").exists()


def test_the_four_most_recently_used_copies_are_kept_and_stale_writes_removed(data_dir):
    root = data_dir / "cache" / "files"
    empty = {t: pl.DataFrame(schema=frame_schema(t)) for t in TABLE_ORDER}
    for n in range(4):
        files_cache.cache_write(f"k{n}", empty)
        os.utime(root / f"k{n}", (1_000_000 + n, 1_000_000 + n))  # k0 oldest
    stale, fresh = root / ".tmp-stale", root / ".tmp-fresh"
    stale.mkdir()
    fresh.mkdir()
    os.utime(stale, (1_000_000, 1_000_000))
    assert files_cache.cache_read("k0") is not None  # k0 used: now the newest
    files_cache.cache_write("k4", empty)
    assert sorted(p.name for p in root.iterdir()) == [".tmp-fresh", "k0", "k2", "k3", "k4"]
