"""Öppna pass: who may see them, the candidates of one, booking, and the batch proposal."""

from __future__ import annotations

import pytest

from tests.web.conftest import AS_OF
from timbalans.accounts.models import AuditEvent
from timbalans.records.models import Shift
from timbalans.web.models import StaffingRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("samordnare", 200), ("chef", 200), ("ledning", 403), ("controller", 403)],
)
def test_open_shifts_are_for_those_who_staff(role, status, imported, as_user):
    assert as_user(role).get("/bemanning/oppna-pass/", {"as_of": AS_OF}).status_code == status


def test_the_coordinator_sees_the_open_shift_and_its_candidates(imported, as_user):
    client = as_user("samordnare")
    html = client.get("/bemanning/oppna-pass/", {"as_of": AS_OF}).content.decode()
    assert ">S2</a>" in html
    assert "Obemannat" in html
    html = client.get("/bemanning/pass/S2/", {"as_of": AS_OF}).content.decode()
    assert "Ärende 51357, enhet 81516, 2025-02-21 22:00 – 2025-02-22 07:00" in html
    assert "Bo Berg" in html  # names: a coordinator schedules staff


def test_a_unit_manager_cannot_see_another_units_open_shift(imported, as_user):
    client = as_user("chef")
    assert ">S2</a>" not in client.get("/bemanning/oppna-pass/", {"as_of": AS_OF}).content.decode()
    assert client.get("/bemanning/pass/S2/", {"as_of": AS_OF}).status_code == 404


def test_booking_a_candidate_writes_the_shift_and_the_audit_trail(imported, as_user):
    client = as_user("samordnare")
    response = client.post("/bemanning/pass/S2/?as_of=" + AS_OF, {"employee_id": "E2"}, follow=True)
    assert "E2 är bokad på passet S2." in response.content.decode()
    booked = Shift.objects.get(shift_id="S2", replaced_by__isnull=True)
    assert booked.employee.employee_id == "E2"
    assert AuditEvent.objects.filter(action="booking").exists()


def test_the_batch_proposal_runs_in_the_background_and_shows_its_saving(
    imported, as_user, settings
):
    settings.TIMBALANS_JOBS_INLINE = True
    client = as_user("samordnare")
    response = client.post(f"/bemanning/oppna-pass/?as_of={AS_OF}")
    run = StaffingRun.objects.get()
    assert response["Location"] == f"/bemanning/forslag/{run.pk}/"
    assert run.status == "done", run.error
    assert run.result["proposal"]["assignments"][0]["shift_id"] == "S2"
    html = client.get(response["Location"]).content.decode()
    assert "Besparing" in html
    assert "Klar" in html


def test_a_case_set_to_known_assistants_only_excludes_strangers(imported, as_user):
    from timbalans.web.models import CaseStaffingRule

    client = as_user("samordnare")
    response = client.post(
        f"/bemanning/pass/S2/?as_of={AS_OF}",
        {"kind": "rule", "known_only": "on", "window_days": "60"},
        follow=True,
    )
    assert "Kontinuitet för ärende 51357: endast kända assistenter." in response.content.decode()
    rule = CaseStaffingRule.objects.get(case_id="51357")
    assert (rule.known_only, rule.window_days, rule.changed_by_name) == (True, 60, "samordnare")
    html = client.get("/bemanning/pass/S2/", {"as_of": AS_OF}).content.decode()
    # E2 worked in 51357 on 2025-01-11, 41 days before the shift: known; E1 never did.
    assert 'value="E2"' in html
    assert 'value="E1"' not in html
