"""A first load on PostgreSQL drops the time tables' foreign keys and adds them again
(``services._secondary_indexes_off``): the same keys afterwards, and they still refuse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from tests.records.test_bulk_write import Statements
from tests.records.test_import import apply
from timbalans.records import models as m
from timbalans.records import services


def foreign_keys() -> dict[str, list[tuple[str, str]]]:
    """Each time table's foreign keys: PostgreSQL's constraints, SQLite's key list."""
    keys = {}
    with connection.cursor() as cursor:
        for model in services.TIME_MODELS.values():
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                keys[table] = services._foreign_keys(cursor, table)
            else:
                cursor.execute(f"PRAGMA foreign_key_list({table})")
                keys[table] = sorted((row[3], row[2]) for row in cursor.fetchall())
    return keys


@pytest.mark.django_db(transaction=True)
def test_a_first_load_gives_back_the_same_foreign_keys_and_they_refuse(dataset_dir, monkeypatch):
    monkeypatch.setattr(services, "REBUILD_MIN_ROWS", 0)
    before = foreign_keys()
    worked = sorted(before["records_worked"])
    if connection.vendor == "postgresql":
        assert [definition for _, definition in worked] == [
            "FOREIGN KEY (case_id) REFERENCES records_case(id) DEFERRABLE INITIALLY DEFERRED",
            "FOREIGN KEY (employee_id) REFERENCES records_employee(id) "
            "DEFERRABLE INITIALLY DEFERRED",
        ]
    else:
        assert worked == [("case_id", "records_case"), ("employee_id", "records_employee")]
    statements = Statements()
    with connection.execute_wrapper(statements):
        batch = apply(dataset_dir)
    dropped = sorted(s.split('"')[3] for s in statements.sql if "DROP CONSTRAINT" in s)
    added = sorted(s.split('"')[3] for s in statements.sql if "ADD CONSTRAINT" in s)
    # the set has worked time and a ledger: those tables' keys, on PostgreSQL
    expected = (
        sorted(name for t in ("records_worked", "records_ledgerentry") for name, _ in before[t])
        if connection.vendor == "postgresql"
        else []
    )
    assert dropped == added == expected
    assert foreign_keys() == before
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
