"""The time rows are made in a thread of their own while the database stores the table
before (``services._TimeRowsAhead``): the same rows in the same order, and an error on
either side rolls the whole import back and leaves no thread behind."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from tests.builders import write_set
from tests.records.test_bulk_write import time_table_indexes
from tests.records.test_import import W_HEAD, apply, snapshot
from timbalans.records import models as m
from timbalans.records import services
from timbalans.records.services import (
    import_batch_apply,
    import_batch_undo,
    import_dataset_validate,
)

pytestmark = pytest.mark.django_db

WORKED = W_HEAD + (
    "51470;E1;2025-01-10 07:00;2025-01-10 16:00;60;ordinary\n"
    "51357;E2;2025-01-11 22:00;07:00;0;ordinary\n"
    "51470;E1;2025-02-10 07:00;2025-02-10 16:00;60;ordinary\n"
    "51470;E2;2025-01-12 07:00;2025-01-12 08:30;0;overtime_simple\n"
    "51357;E1;2025-01-13 07:00;2025-01-13 09:00;15;ordinary\n"
)


def rows_in_order():
    """Every time row as stored, in key order (the keys themselves differ between loads)."""
    worked = m.Worked.objects.order_by("pk").values_list(
        "month",
        "case__case_id",
        "employee__employee_id",
        "start",
        "end",
        "break_minutes",
        "time_type",
    )
    ledger = m.LedgerEntry.objects.order_by("pk").values_list(
        "month", "cost_center", "case__case_id", "account", "amount", "text"
    )
    return list(worked), list(ledger)


def rows_ahead_threads():
    return [t for t in threading.enumerate() if t.name == "import-rows"]


def test_rows_inserted_two_at_a_time_are_stored_as_rows_inserted_all_at_once(tmp_path, monkeypatch):
    path = write_set(tmp_path / "set", worked=WORKED)
    first = apply(path)
    at_once = rows_in_order()
    import_batch_undo(number=first.pk)
    monkeypatch.setattr(services, "CHUNK", 2)
    monkeypatch.setattr(services, "AHEAD_TABLES", 1)
    steps = []
    import_batch_apply(
        dataset=import_dataset_validate(source=path),
        source=str(path),
        progress=lambda step, rows: steps.append((step, rows)),
    )
    assert rows_in_order() == at_once
    assert [w[:3] for w in at_once[0]] == [
        ("2025-01", "51470", "E1"),
        ("2025-01", "51470", "E2"),
        ("2025-01", "51357", "E2"),
        ("2025-01", "51357", "E1"),
        ("2025-02", "51470", "E1"),
    ]
    assert [(a[2], a[4]) for a in at_once[1]] == [("51470", Decimal("-1000.50")), (None, 2000)]
    assert steps == [
        ("units", 2),
        ("cases", 2),
        ("decisions", 2),
        ("employees", 2),
        ("employments", 2),
        ("accounts", 2),
        ("worked:rows", 2),
        ("worked:rows", 2),
        ("worked:rows", 1),
        ("worked", 5),
        ("ledger:rows", 2),
        ("ledger", 2),
    ]
    assert rows_ahead_threads() == []


def test_an_error_in_the_thread_rolls_everything_back_and_is_raised_as_it_was(
    dataset_dir, monkeypatch
):
    apply(dataset_dir)
    before = snapshot()
    monkeypatch.setattr(services, "REBUILD_MIN_ROWS", 0)
    monkeypatch.setattr(services, "REBUILD_MAX_STORED", 10)  # rebuild although rows are stored
    indexes = time_table_indexes()
    real = services._time_rows
    made_in = []

    def fail_on_ledger(table, *args):
        made_in.append(threading.current_thread().name)
        if table == "ledger":
            raise OSError("disken är full")
        return real(table, *args)

    monkeypatch.setattr(services, "_time_rows", fail_on_ledger)
    statements = []
    with (
        connection.execute_wrapper(lambda ex, sql, *a: statements.append(sql) or ex(sql, *a)),
        pytest.raises(OSError) as failed,
    ):
        apply(write_set(dataset_dir.parent / "again", worked=WORKED))
    assert str(failed.value) == "disken är full"
    assert made_in == ["import-rows", "import-rows"]
    # the worked rows were stored and their indexes built before the ledger's rows failed
    assert any(s.startswith("CREATE INDEX") and "worked" in s for s in statements)
    assert snapshot() == before
    assert m.ImportBatch.objects.count() == 1
    assert time_table_indexes() == indexes
    assert rows_ahead_threads() == []


def test_a_failed_insert_stops_the_thread_waiting_to_hand_over_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 1)
    monkeypatch.setattr(services, "AHEAD_TABLES", 1)
    real = services._bulk_insert
    inserts = []

    def fail_on_third(db_table, chunk, *, batch_id):
        inserts.append(chunk.rows)
        if len(inserts) == 3:
            raise RuntimeError("disk full")
        real(db_table, chunk, batch_id=batch_id)

    monkeypatch.setattr(services, "_bulk_insert", fail_on_third)
    with pytest.raises(RuntimeError) as failed:
        apply(write_set(tmp_path / "set", worked=WORKED))
    assert str(failed.value) == "disk full"
    assert inserts == [1, 1, 1]
    assert rows_ahead_threads() == []
    assert m.Worked.objects.count() == 0
    assert m.Unit.objects.count() == 0
    assert m.ImportBatch.objects.count() == 0


def test_a_failed_reference_table_stops_the_thread_waiting_for_the_keys(tmp_path, monkeypatch):
    real = services._upsert

    def fail_on_employees(batch, table, frame):
        if table == "employees":
            raise RuntimeError("disk full")
        return real(batch, table, frame)

    monkeypatch.setattr(services, "_upsert", fail_on_employees)
    with pytest.raises(RuntimeError) as failed:
        apply(write_set(tmp_path / "set", worked=WORKED))
    assert str(failed.value) == "disk full"
    assert rows_ahead_threads() == []
    assert m.Unit.objects.count() == 0
    assert m.ImportBatch.objects.count() == 0
