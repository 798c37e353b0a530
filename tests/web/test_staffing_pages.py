"""Öppna pass: who may see them, the candidates of one, booking, and the batch proposal."""

from __future__ import annotations

import pytest

from tests.builders import BASE, write_set
from tests.web.conftest import ABSENCES, AS_OF, SHIFTS
from timbalans.accounts.models import AuditEvent
from timbalans.records.models import Shift
from timbalans.records.services import import_batch_apply, import_dataset_validate
from timbalans.rostering.models import CaseStaffingRule, StaffingRun

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


def test_the_batch_proposal_honours_a_cases_known_staff_rule(imported, as_user, settings):
    settings.TIMBALANS_JOBS_INLINE = True
    client = as_user("samordnare")

    def proposed() -> list[tuple[str, str]]:
        response = client.post(f"/bemanning/oppna-pass/?as_of={AS_OF}")
        run = StaffingRun.objects.get(pk=response["Location"].split("/")[-2])
        assert run.status == "done", run.error
        return [(a["shift_id"], a["employee_id"]) for a in run.result["proposal"]["assignments"]]

    # Unused contracted time makes E1 the cheapest, though E1 never worked in case 51357.
    assert proposed() == [("S2", "E1")]
    # E2 worked in 51357 on 2025-01-11, 41 days before the shift: known within 60 days.
    CaseStaffingRule.objects.create(
        case_id="51357", known_only=True, window_days=60, changed_by_name="samordnare"
    )
    assert proposed() == [("S2", "E2")]


# An open shift in unit 81515 while its only employee, E1, works S1: on the department's pool
# the proposal gives it to E2 of unit 81516; on the unit's own pool nobody can take it.
SHIFTS_81515_OPEN = SHIFTS + "S3;51470;;2025-02-20 08:00;2025-02-20 12:00;0;assistance\n"


@pytest.fixture
def open_in_81515(tmp_path, db, settings):
    settings.TIMBALANS_JOBS_INLINE = True
    d = write_set(tmp_path / "set", absences=ABSENCES, shifts=SHIFTS_81515_OPEN)
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))


def _run_of(client, unit: str) -> StaffingRun:
    response = client.post(f"/bemanning/oppna-pass/?as_of={AS_OF}&unit={unit}")
    run = StaffingRun.objects.get(pk=response["Location"].split("/")[-2])
    assert run.status == "done", run.error
    return run


def test_a_unit_manager_cannot_open_a_run_for_her_unit_that_shows_other_units_staff(
    open_in_81515, as_user
):
    run = _run_of(as_user("samordnare"), "81515")
    assert run.unit_ids == ["81515"]
    assert [a["employee_id"] for a in run.result["proposal"]["assignments"]] == ["E2"]
    html = as_user("samordnare").get(f"/bemanning/forslag/{run.pk}/").content.decode()
    assert "E2 Bo Berg" in html
    chef = as_user("chef")
    assert chef.get(f"/bemanning/forslag/{run.pk}/").status_code == 404
    listed = chef.get("/bemanning/oppna-pass/", {"as_of": AS_OF}).content.decode()
    assert f"/bemanning/forslag/{run.pk}/" not in listed


def test_a_unit_manager_opens_her_own_run_on_her_units_staff(open_in_81515, as_user):
    chef = as_user("chef")
    run = _run_of(chef, "81515")
    assert run.result["proposal"]["assignments"] == []
    assert run.result["proposal"]["unfilled"] == ["S3"]
    response = chef.get(f"/bemanning/forslag/{run.pk}/")
    assert response.status_code == 200
    assert "Bo Berg" not in response.content.decode()


def test_a_unit_manager_sees_staff_of_other_units_who_worked_in_her_cases(
    open_in_81515, as_user, tmp_path
):
    # E2 of unit 81516 worked in case 51470 of unit 81515: known to her case page, so to her
    # staffing run too.
    worked = BASE["worked"] + "51470;E2;2025-02-11 07:00;2025-02-11 12:00;0;ordinary\n"
    tables = dict.fromkeys((t for t in BASE if t != "worked"), None)
    import_batch_apply(
        dataset=import_dataset_validate(source=write_set(tmp_path / "e2", **tables, worked=worked)),
        source="e2",
    )
    run = _run_of(as_user("samordnare"), "81515")
    assert [a["employee_id"] for a in run.result["proposal"]["assignments"]] == ["E2"]
    response = as_user("chef").get(f"/bemanning/forslag/{run.pk}/")
    assert response.status_code == 200
    assert "E2 Bo Berg" in response.content.decode()


@pytest.mark.parametrize("role", ["samordnare", "chef", "admin"])
def test_the_merkostnad_of_a_candidate_is_shown_to_everyone_who_staffs(
    role, open_in_81515, as_user
):
    # The cost of choosing a candidate is how the priority order is followed: staffing, not
    # the department's economics (docs/design.md, security).
    html = as_user(role).get("/bemanning/pass/S3/", {"as_of": AS_OF}).content.decode()
    assert '<th scope="col" class="num">Merkostnad</th>' in html


def test_a_shift_whose_assistant_is_absent_says_so(tmp_path, db, as_user):
    # E1 is sick on 20 February, the day of S1: S1 is open because its assistant is absent.
    absences = ABSENCES + "E1;2025-02-20;2025-02-20;sick;100;\n"
    d = write_set(tmp_path / "set", absences=absences, shifts=SHIFTS)
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    client = as_user("samordnare")
    listed = client.get("/bemanning/oppna-pass/", {"as_of": AS_OF}).content.decode()
    assert '">S1</a></td><td>51470</td><td>81515</td>' in listed
    assert "<td>Ordinarie frånvarande</td>" in listed
    html = client.get("/bemanning/pass/S1/", {"as_of": AS_OF}).content.decode()
    assert "2025-02-20 07:00 – 2025-02-20 16:00. Ordinarie frånvarande." in html
