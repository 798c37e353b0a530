"""Import into the database: all or nothing, idempotent, month replacement, undo."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import BASE, write_set
from timbalans.records import models as m
from timbalans.records import services
from timbalans.records.selectors import record_counts
from timbalans.records.services import (
    ImportRejected,
    UndoRefused,
    import_batch_apply,
    import_batch_undo,
    import_dataset_validate,
)

pytestmark = pytest.mark.django_db

W_HEAD = "case_id;employee_id;start;end;break_minutes;time_type\n"


def apply(path):
    return import_batch_apply(dataset=import_dataset_validate(source=path), source=str(path))


def snapshot():
    """Every stored row of every canonical table, comparable across imports."""
    out = {}
    for model in (
        m.Unit,
        m.Case,
        m.Decision,
        m.Employee,
        m.Employment,
        m.Account,
        m.Shift,
        m.Worked,
        m.Absence,
        m.LedgerEntry,
        m.FkReport,
        m.BudgetEntry,
    ):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ("id",)]
        qs = model.objects.all()
        if hasattr(model, "replaced_by"):
            qs = qs.filter(replaced_by__isnull=True)
            fields = [f for f in fields if f not in ("batch_id", "replaced_by_id")]
        out[model.__name__] = sorted(tuple(str(v) for v in row) for row in qs.values_list(*fields))
    return out


def test_it_writes_every_row_and_records_the_batch(dataset_dir):
    batch = apply(dataset_dir)
    assert batch.rows == {
        "units": 2,
        "cases": 2,
        "decisions": 2,
        "employees": 2,
        "employments": 2,
        "accounts": 2,
        "worked": 3,
        "ledger": 2,
    }
    assert record_counts()["worked"] == 3
    assert sorted(f["name"] for f in batch.files) == sorted(f"{t}.csv" for t in BASE)
    assert all(len(f["sha256"]) == 64 for f in batch.files)
    w = m.Worked.objects.get(case__case_id="51357")
    # 22:00 local (CET, UTC+1) is 21:00 UTC; the end 07:00 is the next morning
    assert w.start == datetime(2025, 1, 11, 21, 0, tzinfo=UTC)
    assert w.end == datetime(2025, 1, 12, 6, 0, tzinfo=UTC)
    assert w.month == "2025-01"
    assert m.LedgerEntry.objects.get(account="3010").amount == Decimal("-1000.50")
    assert m.Decision.objects.get(case__case_id="51470").double_hours_per_week == Decimal("10.00")


def test_the_same_set_twice_gives_the_same_state(dataset_dir):
    apply(dataset_dir)
    first = snapshot()
    second_batch = apply(dataset_dir)
    assert snapshot() == first
    assert second_batch.replaced == {"worked": 3, "ledger": 2}
    assert second_batch.changed == {
        "units": 0,
        "cases": 0,
        "decisions": 0,
        "employees": 0,
        "employments": 0,
        "accounts": 0,
    }


def test_a_newer_month_replaces_that_month_of_that_unit_only(dataset_dir, tmp_path):
    apply(dataset_dir)
    correction = tmp_path / "corr"
    correction.mkdir()
    (correction / "worked.csv").write_text(
        W_HEAD + "51470;E1;2025-01-10 08:00;2025-01-10 12:00;0;ordinary\n", encoding="utf-8"
    )
    batch = apply(correction)
    assert batch.replaced == {"worked": 1}
    active = sorted(
        (w.case.case_id, w.month, w.start.isoformat())
        for w in m.Worked.objects.filter(replaced_by__isnull=True)
    )
    assert active == [
        ("51357", "2025-01", "2025-01-11T21:00:00+00:00"),  # other unit: kept
        ("51470", "2025-01", "2025-01-10T07:00:00+00:00"),  # the correction (08:00 CET)
        ("51470", "2025-02", "2025-02-10T06:00:00+00:00"),  # other month: kept
    ]


def test_undo_brings_back_exactly_the_state_before(dataset_dir, tmp_path):
    apply(dataset_dir)
    before = snapshot()
    changed = write_set(
        tmp_path / "changed",
        units="unit_id;name;cost_center\n81515;PA Norr (nytt namn);81515\n81516;PA Syd;81516\n",
        cases=BASE["cases"] + "51463;81515;assistans_sfb;2025-01-01;;Ärende C\n",
        worked=W_HEAD + "51463;E1;2025-01-20 07:00;2025-01-20 15:00;30;overtime_simple\n",
    )
    batch = apply(changed)
    assert snapshot() != before
    assert m.Unit.objects.get(unit_id="81515").name == "PA Norr (nytt namn)"
    import_batch_undo(number=batch.pk)
    assert snapshot() == before
    assert m.ImportBatch.objects.get(pk=batch.pk).status == "undone"


def test_undo_of_an_older_batch_is_refused_with_the_reason(dataset_dir):
    first = apply(dataset_dir)
    second = apply(dataset_dir)
    with pytest.raises(UndoRefused) as exc:
        import_batch_undo(number=first.pk)
    assert str(exc.value) == (
        f"Import {first.pk} kan inte ångras eftersom den senare importen {second.pk} gäller; "
        "ångra den först."
    )
    import_batch_undo(number=second.pk)
    import_batch_undo(number=first.pk)
    assert record_counts() == dict.fromkeys(record_counts(), 0)


def test_a_rejected_set_changes_nothing_and_the_command_fails(dataset_dir, tmp_path, capsys):
    apply(dataset_dir)
    before = snapshot()
    broken = write_set(
        tmp_path / "broken",
        worked=W_HEAD + "51470;E1;2025-01-10 07:00;2025-01-10 16:00;0;vila\n",
    )
    with pytest.raises(CommandError) as exc:
        call_command("import", str(broken), "--no-progress")
    assert exc.value.returncode == 1
    assert str(exc.value) == "Importen avvisades: 1 problem. Ingenting har ändrats."
    assert 'worked.csv, rad 2, kolumn "time_type"' in capsys.readouterr().err
    assert snapshot() == before
    assert m.ImportBatch.objects.count() == 1


def test_dry_run_writes_nothing(dataset_dir, capsys):
    call_command("import", str(dataset_dir), "--dry-run")
    assert "Provkörningen gick igenom: 17 rader i 8 filer." in capsys.readouterr().out
    assert m.ImportBatch.objects.count() == 0
    assert m.Unit.objects.count() == 0


def test_a_failure_while_writing_rolls_everything_back(dataset_dir, monkeypatch):
    apply(dataset_dir)
    before = snapshot()
    real = services._insert_time_rows

    def fail_on_ledger(batch, table, frame, progress):
        if table == "ledger":
            raise RuntimeError("disk full")
        real(batch, table, frame, progress)

    monkeypatch.setattr(services, "_insert_time_rows", fail_on_ledger)
    changed = write_set(
        dataset_dir.parent / "changed",
        units="unit_id;name;cost_center\n81515;Nytt namn;81515\n81516;PA Syd;81516\n",
    )
    with pytest.raises(RuntimeError):
        apply(changed)
    assert snapshot() == before
    assert m.ImportBatch.objects.count() == 1


def test_rejected_apply_raises_without_writing(tmp_path):
    broken = write_set(tmp_path / "b", units="unit_id;name\n1;x\n")
    with pytest.raises(ImportRejected):
        apply(broken)
    assert m.ImportBatch.objects.count() == 0


def test_undo_command_and_batches_command(dataset_dir, capsys):
    call_command("import", str(dataset_dir), "--no-progress")
    number = m.ImportBatch.objects.get().pk
    call_command("batches")
    out = capsys.readouterr().out
    assert "genomförd" in out and "units.csv  2 rader  sha256" in out
    call_command("undo_import", str(number))
    assert f"Import {number} är ångrad." in capsys.readouterr().out
    with pytest.raises(CommandError) as exc:
        call_command("undo_import", str(number))
    assert str(exc.value) == f"Import {number} är redan ångrad."


TABLE_NAMES = sorted(BASE)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(TABLE_NAMES),
    garbage=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: t.encode("utf-8")),
        st.lists(
            st.lists(st.text(alphabet=';,"\n x0123456789-:.åäö', max_size=12), max_size=8),
            max_size=6,
        ).map(lambda rows: "\n".join(";".join(r) for r in rows).encode("utf-8")),
    ),
    cut=st.integers(min_value=0, max_value=400),
)
def test_corrupt_files_of_any_shape_never_change_the_database(
    dataset_dir, tmp_path_factory, table, garbage, cut
):
    if not m.ImportBatch.objects.exists():
        apply(dataset_dir)
    before = snapshot()
    d = write_set(tmp_path_factory.mktemp("corrupt"))
    original = (d / f"{table}.csv").read_bytes()
    # a file cut short and garbage appended, plus a row that is always invalid
    (d / f"{table}.csv").write_bytes(original[:cut] + garbage)
    with (d / "worked.csv").open("a", encoding="utf-8") as f:
        f.write("51470;E1;2025-01-10 07:00;2025-01-10 16:00;0;trasig\n")
    dataset = import_dataset_validate(source=d)
    assert not dataset.ok
    with pytest.raises(ImportRejected):
        import_batch_apply(dataset=dataset, source=str(d))
    assert snapshot() == before


# ---------------------------------------------------------------- bounds (issue 16, item 5)


def test_every_bound_of_the_schema_fits_its_model_field():
    from django.db import models as dj

    from timbalans.ingest.schema import TABLES

    models_ = {**services.REFERENCE_MODELS, **services.TIME_MODELS}
    assert set(models_) == set(TABLES)
    checked = 0
    for table, model in models_.items():
        for col in TABLES[table].columns:
            if col.name in ("case_id", "unit_id", "employee_id") and col.max_length is None:
                continue  # a reference: it must name a stored key, which fits
            field = model._meta.get_field(col.name)
            if isinstance(field, dj.DecimalField):
                largest = (
                    10 ** (field.max_digits - field.decimal_places) - 10**-field.decimal_places
                )
                assert col.maximum is not None and col.maximum <= largest, (table, col.name)
                assert col.minimum is not None and col.minimum >= -largest, (table, col.name)
                checked += 1
            elif isinstance(field, dj.IntegerField):
                assert col.maximum is not None and col.maximum <= 32767, (table, col.name)
                assert col.minimum is not None and col.minimum >= 0, (table, col.name)
                checked += 1
            elif isinstance(field, dj.CharField) and col.kind in ("text", "account"):
                assert col.max_length == field.max_length, (table, col.name)
                checked += 1
    assert checked >= 27  # every number and text of the tables (27 when this was written)


def test_the_largest_amount_is_stored_exactly_and_a_larger_one_changes_nothing(
    dataset_dir, tmp_path
):
    ledger = (
        "month;cost_center;case_id;account;amount\n"
        "2025-01;81515;51470;3010;-999 999 999 999,99\n"
        "2025-01;81515;;5010;999999999999.99\n"
    )
    apply(write_set(tmp_path / "max", ledger=ledger))
    assert sorted(m.LedgerEntry.objects.values_list("amount", flat=True)) == [
        Decimal("-999999999999.99"),
        Decimal("999999999999.99"),
    ]
    before = snapshot()
    over = ledger.replace("999999999999.99", "1000000000000")
    with pytest.raises(ImportRejected) as exc:
        apply(write_set(tmp_path / "over", ledger=over))
    assert [str(p) for p in exc.value.dataset.problems] == [
        'ledger.csv, rad 3, kolumn "amount": värdet "1000000000000" ligger utanför det tillåtna; '
        "förväntat från -999 999 999 999,99 till 999 999 999 999,99."
    ]
    assert snapshot() == before


def test_the_largest_salary_rate_and_hours_are_stored_exactly(tmp_path):
    d = write_set(
        tmp_path / "max",
        decisions="case_id;payer;hours_per_week;valid_from;valid_to;period_start;hourly_rate\n"
        "51470;FK;168;2025-01-01;2025-12-31;2025-01-01;99 999 999,99\n",
        employments="employee_id;form;employment_rate;monthly_salary;hourly_wage;valid_from\n"
        "E1;monthly_permanent;100;9 999 999 999,99;;2024-01-01\n"
        "E2;hourly;;;99999999.99;2024-01-01\n",
        absences="employee_id;start;end;type;hours\nE1;2025-02-01;2025-02-01;sick;99999999.99\n",
    )
    apply(d)
    assert m.Decision.objects.get().hourly_rate == Decimal("99999999.99")
    assert m.Employment.objects.get(employee__employee_id="E1").monthly_salary == Decimal(
        "9999999999.99"
    )
    assert m.Employment.objects.get(employee__employee_id="E2").hourly_wage == Decimal(
        "99999999.99"
    )
    assert m.Absence.objects.get().hours == Decimal("99999999.99")


# ---------------------------------------------------------------- duplicated time (item 3)

STORED_OVERLAP = (
    'worked.csv, rad 2, kolumn "start": raden överlappar en redan importerad rad (import {batch}) '
    'som importen inte ersätter för medarbetare "E1": {start}–{end} i ärende {case} och '
    "{other_start}–{other_end} i ärende 51470; förväntat att en medarbetare är på ett ställe i "
    "taget (dubbel assistans är två medarbetare, aldrig samma medarbetare två gånger)."
)


def test_worked_time_overlapping_a_stored_row_of_another_unit_is_refused(dataset_dir, tmp_path):
    first = apply(dataset_dir)
    before = snapshot()
    # unit 81516's January is replaced; E1's January row in unit 81515 stays
    other_unit = write_set(
        tmp_path / "u",
        worked=W_HEAD + "51357;E1;2025-01-10 15:00;2025-01-10 20:00;0;ordinary\n",
    )
    with pytest.raises(ImportRejected) as exc:
        apply(other_unit)
    assert [str(p) for p in exc.value.dataset.problems] == [
        STORED_OVERLAP.format(
            batch=first.pk,
            start="2025-01-10 15:00",
            end="2025-01-10 20:00",
            case="51357",
            other_start="2025-01-10 07:00",
            other_end="2025-01-10 16:00",
        )
    ]
    assert snapshot() == before


def test_worked_time_overlapping_a_stored_row_of_another_month_is_refused(dataset_dir, tmp_path):
    first = apply(dataset_dir)
    # a night from 9 February into the stored row of 10 February (month 2025-02 stays)
    night = write_set(
        tmp_path / "n",
        worked=W_HEAD + "51470;E1;2025-01-31 22:00;2025-02-10 08:00;0;ordinary\n",
    )
    with pytest.raises(ImportRejected) as exc:
        apply(night)
    assert [str(p) for p in exc.value.dataset.problems] == [
        STORED_OVERLAP.format(
            batch=first.pk,
            start="2025-01-31 22:00",
            end="2025-02-10 08:00",
            case="51470",
            other_start="2025-02-10 07:00",
            other_end="2025-02-10 16:00",
        )
    ]


def test_stored_rows_the_import_replaces_do_not_count_as_overlaps(dataset_dir, tmp_path):
    apply(dataset_dir)
    # January of unit 81515 again, with E1 at the same time: the stored row is replaced
    again = write_set(
        tmp_path / "a", worked=W_HEAD + "51470;E1;2025-01-10 06:00;2025-01-10 12:00;0;ordinary\n"
    )
    assert apply(again).replaced == {"worked": 1, "ledger": 2}


def test_a_case_moved_into_the_imported_unit_replaces_its_stored_rows(dataset_dir, tmp_path):
    apply(dataset_dir)
    # 51357 moves to unit 81515; January of 81515 then replaces 51357's stored night too
    moved = write_set(
        tmp_path / "m",
        cases=BASE["cases"].replace("51357;81516", "51357;81515"),
        worked=W_HEAD + "51470;E2;2025-01-11 23:00;2025-01-12 06:00;0;ordinary\n",
    )
    assert apply(moved).replaced == {"worked": 2, "ledger": 2}


def test_a_shift_overlapping_a_stored_shift_of_one_employee_is_refused(dataset_dir, tmp_path):
    s_head = "shift_id;case_id;employee_id;start;end;break_minutes;kind\n"
    first = apply(
        write_set(
            tmp_path / "s1", shifts=s_head + "P1;51470;E1;2025-03-03 07:00;2025-03-03 16:00;0;\n"
        )
    )
    with pytest.raises(ImportRejected) as exc:
        apply(
            write_set(
                tmp_path / "s2",
                shifts=s_head + "P2;51357;E1;2025-03-03 12:00;2025-03-03 13:00;0;\n",
            )
        )
    assert [str(p) for p in exc.value.dataset.problems] == [
        STORED_OVERLAP.format(
            batch=first.pk,
            start="2025-03-03 12:00",
            end="2025-03-03 13:00",
            case="51357",
            other_start="2025-03-03 07:00",
            other_end="2025-03-03 16:00",
        ).replace("worked.csv", "shifts.csv")
    ]


BUDGET_HEAD = "month;cost_center;case_id;category;amount\n"


def test_a_budget_is_replaced_per_month_and_cost_centre_and_undone(dataset_dir, tmp_path):
    apply(dataset_dir)
    first = tmp_path / "b1"
    first.mkdir()
    (first / "budget.csv").write_text(
        BUDGET_HEAD + "2025-01;81515;51470;result;-1000\n"
        "2025-02;81515;;result;-2000\n"
        "2025-01;81516;;salary_monthly;500\n",
        encoding="utf-8",
    )
    apply(first)
    before = snapshot()
    second = tmp_path / "b2"
    second.mkdir()
    (second / "budget.csv").write_text(
        BUDGET_HEAD + "2025-01;81515;;result;-1500,50\n", encoding="utf-8"
    )
    batch = apply(second)
    assert batch.replaced == {"budget": 1}
    active = sorted(
        (b.month, b.cost_center, b.case.case_id if b.case else "", b.category, b.amount)
        for b in m.BudgetEntry.objects.filter(replaced_by__isnull=True)
    )
    assert active == [
        ("2025-01", "81515", "", "result", Decimal("-1500.50")),
        ("2025-01", "81516", "", "salary_monthly", Decimal("500.00")),  # other cost centre
        ("2025-02", "81515", "", "result", Decimal("-2000.00")),  # other month
    ]
    import_batch_undo(number=batch.pk)
    assert snapshot() == before


def test_an_open_ended_decision_is_stored_and_read_back(dataset_dir, tmp_path):
    from timbalans.records.frames import frames_load

    apply(dataset_dir)
    changed = write_set(
        tmp_path / "open",
        decisions="case_id;payer;hours_per_week;valid_from;valid_to;period_start\n"
        "51470;FK;100;2025-01-01;;2025-01-01\n",
    )
    apply(changed)
    assert m.Decision.objects.get(case__case_id="51470").valid_to is None
    frames = frames_load()
    assert frames.decisions.filter(case_id="51470")["valid_to"].to_list() == [None]


def test_stored_time_is_asked_for_only_when_some_time_row_is_stored(dataset_dir, tmp_path):
    from timbalans.records.selectors import known_references, stored_time_rows

    assert known_references().stored_time is None
    apply(write_set(tmp_path / "refs", worked=None, ledger=None))
    assert known_references().stored_time is None
    first = apply(dataset_dir)
    assert known_references().stored_time is stored_time_rows
    import_batch_undo(number=first.pk)
    assert known_references().stored_time is None


def test_reference_rows_and_their_changes_are_written_a_few_rows_per_insert(
    dataset_dir, tmp_path, monkeypatch
):
    # 8 values per INSERT: 2 employees (3 columns) or 2 changes (4 columns) at a time
    monkeypatch.setattr(services, "VALUES_PER_INSERT", 8)
    batch = apply(dataset_dir)
    e1, e2 = (m.Employee.objects.get(employee_id=e) for e in ("E1", "E2"))
    assert (e1.name, e1.unit.unit_id, e2.name, e2.unit.unit_id) == (
        "Anna Andersson",
        "81515",
        "Bo Berg",
        "81516",
    )
    employment = m.Employment.objects.get(employee=e1)
    assert (employment.employment_rate, employment.monthly_salary, employment.valid_to) == (
        Decimal("75.00"),
        Decimal("30000.00"),
        None,
    )
    decision = m.Decision.objects.get(case__case_id="51470")
    assert (decision.hours_per_week, decision.double_hours_per_week, decision.period_months) == (
        Decimal("100.00"),
        Decimal("10.00"),
        6,
    )
    keys = {
        "units": [m.Unit.objects.get(unit_id=u).pk for u in ("81515", "81516")],
        "cases": [m.Case.objects.get(case_id=c).pk for c in ("51470", "51357")],
        "decisions": [m.Decision.objects.get(case__case_id=c).pk for c in ("51470", "51357")],
        "employees": [e1.pk, e2.pk],
        "employments": [m.Employment.objects.get(employee=e).pk for e in (e1, e2)],
        "accounts": [m.Account.objects.get(account=a).pk for a in ("3010", "5010-5099")],
    }
    assert [(c.table, c.row_id, c.before) for c in batch.changes.order_by("pk")] == [
        (table, pk, None) for table, pks in keys.items() for pk in pks
    ]
    renamed = write_set(
        tmp_path / "renamed",
        employees="employee_id;name;unit_id\nE1;Anna Berg;81515\nE2;Bo Berg;81516\n",
        worked=None,
        ledger=None,
    )
    second = apply(renamed)
    assert [(c.table, c.row_id, c.before) for c in second.changes.order_by("pk")] == [
        ("employees", e1.pk, {"employee_id": "E1", "name": "Anna Andersson", "unit_id": e1.unit_id})
    ]
    assert m.Employee.objects.get(employee_id="E1").name == "Anna Berg"
