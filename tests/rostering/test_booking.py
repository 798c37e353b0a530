"""Booking a candidate, or a whole proposal at once: the open rows are replaced by booked
ones in one batch, recorded, audited, undoable."""

from __future__ import annotations

import datetime as dt

import pytest

from timbalans.accounts.models import AuditEvent
from timbalans.records import models as m
from timbalans.records.services import (
    import_batch_apply,
    import_dataset_validate,
)
from timbalans.rostering.models import Booking, StaffingRun
from timbalans.rostering.selectors import (
    StaffingError,
    staffing_candidates,
    staffing_open_shifts,
)
from timbalans.rostering.services import (
    staffing_book,
    staffing_book_proposal,
    staffing_booking_undo,
)

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 3, 2)


@pytest.fixture
def imported(staffing_dir):
    import_batch_apply(dataset=import_dataset_validate(source=staffing_dir), source="test")


def test_the_open_shifts_of_a_unit(imported):
    found = staffing_open_shifts(units={"81515"}, as_of=AS_OF)
    assert [(s.id, s.reason) for s in found] == [("P1", "unassigned"), ("P2", "absent_employee")]


def test_booking_replaces_the_open_row_and_records_who_did_it(imported, django_user_model):
    user = django_user_model.objects.create_user(username="samordnare", password="x")
    booked = staffing_book(shift_id="P1", employee_id="E1", user=user, as_of=AS_OF)
    active = m.Shift.objects.filter(shift_id="P1", replaced_by__isnull=True)
    assert [(s.batch_id, s.employee.employee_id) for s in active] == [(booked.batch_id, "E1")]
    assert (booked.shift_id, booked.case_id, booked.unit_id, booked.employee_id) == (
        "P1",
        "51470",
        "81515",
        "E1",
    )
    assert (booked.tier, booked.cost_sek, booked.reason, booked.run) == (
        1,
        0.0,
        "unassigned",
        None,
    )
    batch = booked.batch
    assert batch.source == "bemanning: pass P1 bokat på E1 (Outnyttjad avtalstid)"
    assert batch.created_by_name == "samordnare"
    event = AuditEvent.objects.get(action="booking")
    assert (event.username, event.target) == ("samordnare", "pass P1")
    assert event.detail["employee_id"] == "E1"
    assert event.detail["batch"] == batch.pk
    # The shift is no longer open, and E1 is now busy on Tuesday.
    assert [s.id for s in staffing_open_shifts(units={"81515"}, as_of=AS_OF)] == ["P2"]
    with pytest.raises(StaffingError) as exc:
        staffing_candidates(shift_id="P1", as_of=AS_OF)
    assert str(exc.value) == "Passet P1 är inte ett öppet pass efter 2025-03-02."


def test_the_reads_load_the_data_once_a_version_and_a_booking_makes_a_new_one(imported):
    from timbalans.records.figure_cache import figure_cache_clear, figure_cache_counts

    figure_cache_clear()
    staffing_open_shifts(units={"81515"}, as_of=AS_OF)
    staffing_candidates(shift_id="P1", as_of=AS_OF)
    staffing_open_shifts(units={"81515"}, as_of=AS_OF)
    assert figure_cache_counts() == {"frames-database": 1}
    staffing_book(shift_id="P1", employee_id="E1", as_of=AS_OF)
    assert [s.id for s in staffing_open_shifts(units={"81515"}, as_of=AS_OF)] == ["P2"]
    assert figure_cache_counts() == {"frames-database": 2}


def test_a_booking_is_undone_like_an_import(imported):
    booked = staffing_book(shift_id="P2", employee_id="E1", as_of=AS_OF)
    staffing_booking_undo(number=booked.batch_id)
    row = m.Shift.objects.get(shift_id="P2", replaced_by__isnull=True)
    assert row.employee.employee_id == "E3"
    assert [s.id for s in staffing_open_shifts(units={"81515"}, as_of=AS_OF)] == ["P1", "P2"]


def test_booking_someone_a_rule_excludes_is_refused_with_the_reason(imported):
    with pytest.raises(StaffingError) as exc:
        staffing_book(shift_id="P1", employee_id="E2", as_of=AS_OF)
    assert str(exc.value) == (
        "E2 kan inte ta passet P1: Har redan pass eller arbetad tid som överlappar passet."
    )
    assert m.Shift.objects.filter(shift_id="P1", employee__isnull=True).count() == 1
    assert not AuditEvent.objects.filter(action="booking").exists()


def _run(*assignments: tuple[str, str]) -> StaffingRun:
    """A computed proposal giving each shift to an employee (as the background run stores it)."""
    return StaffingRun.objects.create(
        created_by_name="samordnare",
        first=dt.date(2025, 3, 3),
        last=dt.date(2025, 3, 16),
        as_of=AS_OF,
        status=StaffingRun.Status.DONE,
        result={
            "proposal": {"assignments": [{"shift_id": s, "employee_id": e} for s, e in assignments]}
        },
    )


def _open() -> list[str]:
    return [s.id for s in staffing_open_shifts(units={"81515"}, as_of=AS_OF)]


def test_a_whole_proposal_is_booked_as_one_batch_and_undone_as_one(imported):
    run = _run(("P1", "E1"), ("P2", "E1"))
    batch = staffing_book_proposal(run=run, shift_ids=["P1", "P2"])
    assert batch.source == f"bemanning: förslag {run.pk}, bokade pass: 2"
    assert batch.rows == {"shifts": 2}
    booked = m.Shift.objects.filter(batch=batch).order_by("start")
    assert [(s.shift_id, s.employee.employee_id) for s in booked] == [("P1", "E1"), ("P2", "E1")]
    # E1 (75 % of 40 h) has unused contracted time in March for both 8-hour shifts: tier 1.
    assert [
        (b.shift_id, b.employee_id, b.tier, b.cost_sek, b.run_id, b.reason)
        for b in Booking.objects.filter(batch=batch)
    ] == [
        ("P1", "E1", 1, 0.0, run.pk, "unassigned"),
        ("P2", "E1", 1, 0.0, run.pk, "absent_employee"),
    ]
    assert AuditEvent.objects.filter(action="booking", detail__batch=batch.pk).count() == 2
    assert _open() == []
    staffing_booking_undo(number=batch.pk)
    assert _open() == ["P1", "P2"]
    assert m.Shift.objects.get(shift_id="P2", replaced_by__isnull=True).employee.employee_id == "E3"
    # The record of what was booked stays, with its batch undone.
    batch.refresh_from_db()
    assert batch.status == "undone"
    assert Booking.objects.filter(batch=batch).count() == 2
    assert AuditEvent.objects.filter(action="undo", target=f"bokning {batch.pk}").exists()


def test_part_of_a_proposal_can_be_booked(imported):
    run = _run(("P1", "E1"), ("P2", "E1"))
    batch = staffing_book_proposal(run=run, shift_ids=["P2", "P2"])
    assert [b.shift_id for b in Booking.objects.filter(batch=batch)] == ["P2"]
    assert batch.source == f"bemanning: förslag {run.pk}, bokade pass: 1"
    assert _open() == ["P1"]


def test_a_proposal_is_refused_whole_when_a_shift_is_no_longer_open(imported):
    run = _run(("P1", "E1"), ("P2", "E1"))
    staffing_book(shift_id="P1", employee_id="E1", as_of=AS_OF)
    with pytest.raises(StaffingError) as exc:
        staffing_book_proposal(run=run, shift_ids=["P1", "P2"])
    assert str(exc.value) == "Passet P1 är inte ett öppet pass efter 2025-03-02."
    assert _open() == ["P2"]
    assert Booking.objects.count() == 1


def test_a_proposal_that_breaks_a_rule_now_is_refused_with_the_rule(imported):
    # Both shifts to E2: E2 works P4 on Tuesday 07-15, the time of P1.
    run = _run(("P1", "E2"), ("P2", "E1"))
    with pytest.raises(StaffingError) as exc:
        staffing_book_proposal(run=run, shift_ids=["P1", "P2"])
    assert str(exc.value) == (
        "Förslaget kan inte bokas som det är nu: E2 på P1: "
        "Har redan pass eller arbetad tid som överlappar passet."
    )
    assert _open() == ["P1", "P2"]
    assert not Booking.objects.exists()
    assert m.ImportBatch.objects.count() == 1


def test_a_shift_outside_the_proposal_or_none_chosen_is_refused(imported):
    run = _run(("P1", "E1"))
    with pytest.raises(StaffingError) as exc:
        staffing_book_proposal(run=run, shift_ids=["P2"])
    assert str(exc.value) == f"Passet P2 finns inte i förslag {run.pk}."
    with pytest.raises(StaffingError) as exc:
        staffing_book_proposal(run=run, shift_ids=[])
    assert str(exc.value) == "Välj minst ett pass att boka."


def test_a_booking_is_undone_only_while_it_is_the_newest_batch(imported):
    first = staffing_book(shift_id="P1", employee_id="E1", as_of=AS_OF)
    second = staffing_book(shift_id="P2", employee_id="E1", as_of=AS_OF)
    with pytest.raises(StaffingError) as exc:
        staffing_booking_undo(number=first.batch_id)
    assert str(exc.value) == (
        f"Import {first.batch_id} kan inte ångras eftersom den senare importen "
        f"{second.batch_id} gäller; ångra den först."
    )
    with pytest.raises(StaffingError) as exc:
        staffing_booking_undo(number=1)
    assert str(exc.value) == "Import 1 är ingen bokning."
