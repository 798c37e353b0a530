"""rostering.0001 takes web's staffing tables over with their rows (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from timbalans.rostering.models import CaseStaffingRule, StaffingRun

BEFORE = [("web", "0005_job_worker_process"), ("rostering", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_the_runs_and_rules_stored_by_web_are_kept():
    executor = _migrate(BEFORE)
    tables = connection.introspection.table_names()
    assert "web_staffingrun" in tables
    assert "rostering_staffingrun" not in tables
    old = executor.loader.project_state(BEFORE[0]).apps
    old_run = old.get_model("web", "StaffingRun").objects.create(
        created_by_name="samordnare",
        unit_ids=["81515"],
        first=dt.date(2025, 3, 3),
        last=dt.date(2025, 3, 9),
        as_of=dt.date(2025, 3, 2),
        status="done",
        result={"proposal": {"assignments": []}},
        worker_pid=4711,
    )
    old.get_model("web", "CaseStaffingRule").objects.create(
        case_id="51470", known_only=True, window_days=60, changed_by_name="chef"
    )

    _migrate(executor.loader.graph.leaf_nodes())

    tables = connection.introspection.table_names()
    assert {"rostering_staffingrun", "rostering_casestaffingrule"} <= set(tables)
    assert not {"web_staffingrun", "web_casestaffingrule"} & set(tables)
    run = StaffingRun.objects.get()
    assert (run.pk, run.unit_ids, run.status, run.worker_pid) == (
        old_run.pk,
        ["81515"],
        "done",
        4711,
    )
    assert run.result == {"proposal": {"assignments": []}}
    rule = CaseStaffingRule.objects.get()
    assert (rule.case_id, rule.known_only, rule.window_days) == ("51470", True, 60)
    # New rows are numbered after the moved ones (PostgreSQL's sequence went with the table).
    new_run = StaffingRun.objects.create(
        created_by_name="samordnare",
        first=dt.date(2025, 3, 3),
        last=dt.date(2025, 3, 9),
        as_of=dt.date(2025, 3, 2),
    )
    assert new_run.pk == old_run.pk + 1
