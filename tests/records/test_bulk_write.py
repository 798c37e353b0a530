"""How the import writes large sets: index rebuild on a first load, row order, constraints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from tests.builders import BASE, write_set
from tests.records.test_import import W_HEAD, apply, snapshot
from timbalans.records import models as m
from timbalans.records import services
from timbalans.records.services import import_batch_undo

pytestmark = pytest.mark.django_db


def time_table_indexes():
    with connection.cursor() as cursor:
        return {
            model._meta.db_table: services._secondary_indexes(cursor, model._meta.db_table)
            for model in services.TIME_MODELS.values()
        }


class Statements:
    """The SQL statements run inside the block."""

    def __init__(self):
        self.sql = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)

    def dropped(self):
        return sorted(s.split('"')[1] for s in self.sql if s.startswith("DROP INDEX"))


def test_a_first_load_rebuilds_the_indexes_and_leaves_the_same_schema(dataset_dir, monkeypatch):
    monkeypatch.setattr(services, "REBUILD_MIN_ROWS", 0)
    before = time_table_indexes()
    assert [name for name, _ in before["records_worked"]] == [
        "records_worked_batch_id_c6beebd6",
        "worked_case_start",
        "worked_employee_start",
        "worked_month_case",
        "worked_replaced_by",
    ]
    statements = Statements()
    with connection.execute_wrapper(statements):
        apply(dataset_dir)
    # the set has worked time and a ledger: exactly those tables' indexes were rebuilt
    assert statements.dropped() == sorted(
        [name for name, _ in before["records_worked"]]
        + [name for name, _ in before["records_ledgerentry"]]
    )
    assert time_table_indexes() == before


def time_rows():
    """The time rows in force, by natural keys (primary keys differ between loads)."""
    worked = m.Worked.objects.filter(replaced_by__isnull=True).values_list(
        "month", "case__case_id", "employee__employee_id", "start", "end", "time_type"
    )
    ledger = m.LedgerEntry.objects.filter(replaced_by__isnull=True).values_list(
        "month", "cost_center", "case__case_id", "account", "amount", "text"
    )
    return sorted(map(str, worked)), sorted(map(str, ledger))


def test_a_rebuilt_load_gives_the_same_rows_as_one_that_keeps_its_indexes(dataset_dir, monkeypatch):
    monkeypatch.setattr(services, "REBUILD_MIN_ROWS", 0)
    first = apply(dataset_dir)
    rebuilt = time_rows()
    assert len(rebuilt[0]) == 3
    import_batch_undo(number=first.pk)
    monkeypatch.setattr(services, "REBUILD_MIN_ROWS", 10**9)
    statements = Statements()
    with connection.execute_wrapper(statements):
        apply(dataset_dir)
    assert statements.dropped() == []
    assert time_rows() == rebuilt


def test_an_import_into_a_filled_table_keeps_its_indexes(dataset_dir, monkeypatch):
    monkeypatch.setattr(services, "REBUILD_MIN_ROWS", 0)
    apply(dataset_dir)
    statements = Statements()
    with connection.execute_wrapper(statements):
        apply(dataset_dir)  # 3 worked rows into a table of 3: more than half as many stored
    assert statements.dropped() == []


def test_a_failure_after_the_indexes_were_dropped_brings_them_back(dataset_dir, monkeypatch):
    monkeypatch.setattr(services, "REBUILD_MIN_ROWS", 0)
    before = time_table_indexes()
    real = services._insert_time_rows

    def fail_on_ledger(batch, table, frame, progress):
        if table == "ledger":
            raise RuntimeError("disk full")
        real(batch, table, frame, progress)

    monkeypatch.setattr(services, "_insert_time_rows", fail_on_ledger)
    with pytest.raises(RuntimeError):
        apply(dataset_dir)
    assert time_table_indexes() == before
    assert m.Worked.objects.count() == 0
    assert m.ImportBatch.objects.count() == 0


def test_time_rows_are_stored_in_month_case_and_start_order(tmp_path):
    worked = (
        W_HEAD
        + "51470;E1;2025-02-10 07:00;2025-02-10 16:00;60;ordinary\n"
        + "51357;E2;2025-01-11 22:00;07:00;0;ordinary\n"
        + "51470;E1;2025-01-12 07:00;2025-01-12 16:00;60;ordinary\n"
        + "51470;E1;2025-01-10 07:00;2025-01-10 16:00;60;ordinary\n"
    )
    apply(write_set(tmp_path / "set", worked=worked))
    # cases get their keys in file order: 51470 first
    assert [(w.month, w.case.case_id, w.start.day) for w in m.Worked.objects.order_by("pk")] == [
        ("2025-01", "51470", 10),
        ("2025-01", "51470", 12),
        ("2025-01", "51357", 11),
        ("2025-02", "51470", 10),
    ]


def test_undo_restores_changed_reference_rows_of_every_kind(dataset_dir, tmp_path):
    apply(dataset_dir)
    before = snapshot()
    changed = write_set(
        tmp_path / "changed",
        # a case moved to another unit and ended; an employee moved; an employment with a
        # new salary, rate and end date
        cases=BASE["cases"].replace(
            "51470;81515;assistans_sfb;2024-01-01;;",
            "51470;81516;assistans_sfb;2024-01-01;2025-12-31;",
        ),
        employees="employee_id;name;unit_id\nE1;Anna Andersson;81516\nE2;Bo Berg;81516\n",
        employments=BASE["employments"].replace(
            "E1;monthly_permanent;75;40;30000;;2024-01-01;;",
            "E1;monthly_permanent;80;40;31500,50;;2024-01-01;2026-06-30;",
        ),
        worked=None,
        ledger=None,
    )
    batch = apply(changed)
    assert batch.changed == {
        "units": 0,
        "cases": 1,
        "decisions": 0,
        "employees": 1,
        "employments": 1,
        "accounts": 0,
    }
    assert str(m.Employment.objects.get(employee__employee_id="E1").monthly_salary) == "31500.50"
    import_batch_undo(number=batch.pk)
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_time_row_whose_case_does_not_exist(dataset_dir):
    batch = apply(dataset_dir)
    employee = m.Employee.objects.get(employee_id="E1")
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Worked.objects.create(
            batch=batch,
            month="2025-01",
            case_id=999_999,
            employee=employee,
            start=datetime(2025, 1, 1, 7, tzinfo=UTC),
            end=datetime(2025, 1, 1, 8, tzinfo=UTC),
            time_type="ordinary",
        )
    assert m.Worked.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_delete_an_employee_with_time_rows(dataset_dir):
    apply(dataset_dir)
    employees = m.Employee.objects.filter(employee_id="E2")
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Employment.objects.filter(employee__in=employees)._raw_delete(connection.alias)
        employees._raw_delete(connection.alias)
    assert m.Employee.objects.count() == 2


def test_many_rows_per_insert_store_every_row_in_order_with_its_values(tmp_path):
    # 290 worked rows: on SQLite two INSERTs of 142 rows (999 values // 7 columns) and one
    # of the 6 left over; on PostgreSQL one COPY
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(290)]
    worked = W_HEAD + "".join(
        f"51470;E{1 + i % 2};{d} 07:00;{d} 08:{i % 60:02d};{i % 3};ordinary\n"
        for i, d in enumerate(days)
    )
    apply(write_set(tmp_path / "set", worked=worked))
    rows = list(
        m.Worked.objects.order_by("pk").values_list(
            "month", "employee__employee_id", "start", "end", "break_minutes"
        )
    )
    assert len(rows) == 290
    assert rows[0] == (
        "2025-01",
        "E1",
        datetime(2025, 1, 1, 6, tzinfo=UTC),
        datetime(2025, 1, 1, 7, 0, tzinfo=UTC),
        0,
    )
    # the last of the first INSERT, the first of the second, and the last row of all
    # (summer time from 30 March: 07:00 is 05:00 UTC)
    assert rows[141] == (
        "2025-05",
        "E2",
        datetime(2025, 5, 22, 5, tzinfo=UTC),
        datetime(2025, 5, 22, 6, 21, tzinfo=UTC),
        0,
    )
    assert rows[142] == (
        "2025-05",
        "E1",
        datetime(2025, 5, 23, 5, tzinfo=UTC),
        datetime(2025, 5, 23, 6, 22, tzinfo=UTC),
        1,
    )
    assert rows[289] == (
        "2025-10",
        "E2",
        datetime(2025, 10, 17, 5, tzinfo=UTC),
        datetime(2025, 10, 17, 6, 49, tzinfo=UTC),
        1,
    )
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)
    assert sum(r[4] for r in rows) == 289


def cache_size():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
@pytest.mark.parametrize("fails", [False, True])
def test_sqlite_writes_an_import_with_a_page_cache_of_its_own(dataset_dir, monkeypatch, fails):
    before = cache_size()
    assert before == -2000  # SQLite's default: 2,000 KiB
    real = services._insert_time_rows
    seen = []

    def insert(batch, table, made, progress):
        seen.append((connection.in_atomic_block, cache_size()))
        if fails:
            raise RuntimeError("disk full")
        real(batch, table, made, progress)

    monkeypatch.setattr(services, "_insert_time_rows", insert)
    if fails:
        with pytest.raises(RuntimeError):
            apply(dataset_dir)
    else:
        apply(dataset_dir)
    assert seen[0] == (True, -262144)
    assert cache_size() == before
