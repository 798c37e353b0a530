"""Booking a candidate: the open row is replaced by a booked one, audited, undoable."""

from __future__ import annotations

import datetime as dt

import pytest

from timbalans.accounts.models import AuditEvent
from timbalans.records import models as m
from timbalans.records.services import (
    import_batch_apply,
    import_batch_undo,
    import_dataset_validate,
)
from timbalans.rostering.selectors import (
    StaffingError,
    staffing_candidates,
    staffing_open_shifts,
)
from timbalans.rostering.services import staffing_book

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
    assert [(s.pk, s.employee.employee_id) for s in active] == [(booked.pk, "E1")]
    batch = booked.batch
    assert batch.source == "bemanning: pass P1 bokat på E1 (Ordinarie personal inom avtalad tid)"
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


def test_a_booking_is_undone_like_an_import(imported):
    booked = staffing_book(shift_id="P2", employee_id="E1", as_of=AS_OF)
    import_batch_undo(number=booked.batch_id)
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
