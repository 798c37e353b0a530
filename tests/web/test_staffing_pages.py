"""Öppna pass: who may see them, the candidates of one, booking, and the batch proposal."""

from __future__ import annotations

import re

import pytest

from tests.builders import BASE, write_set
from tests.web.conftest import ABSENCES, AS_OF, SHIFTS
from timbalans.accounts.models import AuditEvent
from timbalans.records.models import Shift
from timbalans.records.services import import_batch_apply, import_dataset_validate
from timbalans.rostering.models import Booking, CaseStaffingRule, StaffingRun

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
    response = client.post("/bemanning/pass/S2/?as_of=" + AS_OF, {"employee_id": "E2"})
    booking = Booking.objects.get()
    assert response["Location"] == f"/bemanning/bokningar/{booking.batch_id}/"
    html = client.get(response["Location"]).content.decode()
    assert "E2 Bo Berg är bokad på passet S2." in html
    # The booking's page: the employee by name, the tier in words, and the undo.
    assert "<td>S2</td><td>51357</td><td>81516</td><td>2025-02-21 22:00</td>" in html
    assert "<td>Obemannat</td><td>E2 Bo Berg</td><td>Timanställd</td>" in html
    assert "Ångra bokningen" in html
    booked = Shift.objects.get(shift_id="S2", replaced_by__isnull=True)
    assert booked.employee.employee_id == "E2"
    assert AuditEvent.objects.filter(action="booking").exists()
    listed = client.get("/bemanning/bokningar/").content.decode()
    assert f'<a href="/bemanning/bokningar/{booking.batch_id}/">' in listed
    assert "<td>E2 Bo Berg</td>" in listed

    response = client.post(f"/bemanning/bokningar/{booking.batch_id}/", follow=True)
    html = response.content.decode()
    assert f"Bokningen {booking.batch_id} är ångrad: passen är öppna igen." in html
    assert "Ångra bokningen" not in html
    assert "<strong>Ångrad</strong>" in html
    row = Shift.objects.get(shift_id="S2", replaced_by__isnull=True)
    assert row.employee is None
    listed = client.get("/bemanning/oppna-pass/", {"as_of": AS_OF}).content.decode()
    assert ">S2</a>" in listed


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


def test_a_unit_manager_cannot_see_a_booking_in_another_unit(imported, as_user):
    as_user("samordnare").post("/bemanning/pass/S2/?as_of=" + AS_OF, {"employee_id": "E2"})
    number = Booking.objects.get().batch_id
    chef = as_user("chef")
    assert chef.get(f"/bemanning/bokningar/{number}/").status_code == 404
    assert chef.post(f"/bemanning/bokningar/{number}/").status_code == 404
    assert (
        f"/bemanning/bokningar/{number}/" not in chef.get("/bemanning/bokningar/").content.decode()
    )
    assert Shift.objects.get(shift_id="S2", replaced_by__isnull=True).employee is not None


MENU_BOOKINGS = '<li><a href="/bemanning/bokningar/" aria-current="page">Bokningar</a></li>'


def test_the_bookings_are_in_the_menu_of_those_who_staff_and_marked_there(imported, as_user):
    as_user("samordnare").post("/bemanning/pass/S2/?as_of=" + AS_OF, {"employee_id": "E2"})
    number = Booking.objects.get().batch_id
    samordnare = as_user("samordnare")
    assert MENU_BOOKINGS in samordnare.get("/bemanning/bokningar/").content.decode()
    assert MENU_BOOKINGS in samordnare.get(f"/bemanning/bokningar/{number}/").content.decode()
    overview = samordnare.get("/").content.decode()
    assert re.search(r'<li><a href="/bemanning/bokningar/\?[^"]*">Bokningar</a></li>', overview)
    assert "/bemanning/bokningar/" not in as_user("controller").get("/").content.decode()


# Case 51357 granted 1 hour a week: the period before 2025-03-01 (periods run from there in
# steps of six months) from the decision's first day, 2025-01-01 – 2025-02-28, grants
# 1 × 59 / 7 = 8.43 h.
# Worked up to D: 11 January 22:00 – 07:00, 9 h. Planned after D: S2, 21 February 22:00 –
# 07:00, 9 h. Forecast 18 h, 9.57 h (113.6 %) over granted: status over.
DECISIONS_1H = (
    "case_id;payer;hours_per_week;double_hours_per_week;valid_from;valid_to;"
    "period_start;period_months;hourly_rate\n"
    "51470;FK;100;10;2025-01-01;2025-12-31;2025-01-01;6;\n"
    "51357;FK;1;;2025-01-01;2025-12-31;2025-03-01;6;\n"
)


def test_the_shift_page_warns_when_the_case_is_over_its_granted_hours(tmp_path, db, as_user):
    d = write_set(tmp_path / "set", absences=ABSENCES, shifts=SHIFTS, decisions=DECISIONS_1H)
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    html = as_user("samordnare").get("/bemanning/pass/S2/", {"as_of": AS_OF}).content.decode()
    assert "Ärendets timbalans 2025-01-01 – 2025-02-28" in html
    assert (
        "Ärendet ligger 9,6\u00a0h över beviljat – överväg att korta eller inte tillsätta passet."
        in html
    )
    assert (
        "Beviljat 8,4 h, utfört till och med 2025-02-15 9,0 h, prognos 18,0 h med alla planerade "
        "pass (det här passet inräknat), avvikelse mot beviljat 9,6 h (113,6\u00a0%), status Över."
    ) in html


def test_the_shift_page_shows_the_balance_without_a_warning_when_within(imported, as_user):
    # The shipped decision: 60 h a week, 60 × 59 / 7 = 505.71 h; forecast 18 h.
    html = as_user("samordnare").get("/bemanning/pass/S2/", {"as_of": AS_OF}).content.decode()
    assert "Beviljat 505,7 h, utfört till och med 2025-02-15 9,0 h, prognos 18,0 h" in html
    assert "avvikelse mot beviljat \u2212487,7 h (\u221296,4\u00a0%), status Under." in html
    assert "över beviljat" not in html


# Six more monthly-paid assistants in unit 81516, each at 50 %: with E1 seven in unused
# contracted time, and E2 (hourly) last.
MANY = [f"E{i}" for i in range(3, 9)]
EMPLOYEES_MANY = BASE["employees"] + "".join(f"{e};Person {e};81516\n" for e in MANY)
EMPLOYMENTS_MANY = BASE["employments"] + "".join(
    f"{e};monthly_permanent;50;40;30000;;2024-01-01;;ordinary\n" for e in MANY
)


def test_the_shift_page_lists_the_five_best_and_all_on_request(tmp_path, db, as_user):
    d = write_set(
        tmp_path / "set",
        absences=ABSENCES,
        shifts=SHIFTS,
        employees=EMPLOYEES_MANY,
        employments=EMPLOYMENTS_MANY,
    )
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    client = as_user("samordnare")
    html = client.get("/bemanning/pass/S2/", {"as_of": AS_OF}).content.decode()
    offered = re.findall(r'name="employee_id" value="(E\d)"', html)
    assert offered == ["E1", "E3", "E4", "E5", "E6"]
    assert "De 5 bästa av 8 i prioritetsordning." in html
    assert '<a href="?as_of=2025-02-15&amp;alla=1">Visa alla 8 kandidater</a>' in html
    assert "<td>Outnyttjad avtalstid</td>" in html
    assert "Nivå" not in html
    html = client.get("/bemanning/pass/S2/", {"as_of": AS_OF, "alla": "1"}).content.decode()
    offered = re.findall(r'name="employee_id" value="(E\d)"', html)
    assert offered == ["E1", "E3", "E4", "E5", "E6", "E7", "E8", "E2"]
    assert "Alla 8 i prioritetsordning." in html
    assert "Visa alla" not in html


# The proposal on the department's pool for S2 and S3 (greedy picks the same):
# S3, Thursday 20 February 08-12 in 51470, to E2 (hourly, 180 kr/h): 180 × 4 h × 1.12
# (holiday pay) × 1.4453 (PO) = 1 165.49 kr; S2, Friday 21 February 22-07 in 51357, to E1
# within unused contracted time: only the weekend OB, 9 h × 60 kr × 1.4453 = 780.46 kr.
# Together 1 945.95 kr.
def _computed_run(client) -> tuple[StaffingRun, str]:
    response = client.post(f"/bemanning/oppna-pass/?as_of={AS_OF}")
    run = StaffingRun.objects.get()
    assert run.status == "done", run.error
    return run, response["Location"]


def test_the_run_page_names_the_tiers_and_offers_boka_alla(open_in_81515, as_user):
    client = as_user("samordnare")
    _, url = _computed_run(client)
    html = client.get(url).content.decode()
    assert "2 pass bemannade, 0 obemannade. Bästa lösning, framräknad på" in html
    assert (
        "<td>Obemannat</td><td>E2 Bo Berg</td><td>Timanställd</td>"
        '<td class="num">1\u00a0165\u00a0kr</td>'
    ) in html
    assert (
        "<td>Obemannat</td><td>E1 Anna Andersson</td><td>Outnyttjad avtalstid</td>"
        '<td class="num">780\u00a0kr</td>'
    ) in html
    assert '<button type="submit" name="alla" value="1">Boka alla</button>' in html
    for word in ("Nivå", "gap", "optimal", "CP-SAT"):
        assert word not in html, word


def test_boka_alla_confirms_the_bookings_and_their_cost_then_books_them_as_one(
    open_in_81515, as_user
):
    client = as_user("samordnare")
    run, url = _computed_run(client)
    html = client.get(f"{url}boka/", {"alla": "1"}).content.decode()
    assert "Bekräfta bokning av 2 pass" in html
    assert (
        "Merkostnad för passen: <strong>1\u00a0946\u00a0kr</strong>. Samma pass ett i taget i "
        "prioritetsordning: 1\u00a0946\u00a0kr (2 av 2 bemannade). "
        "Besparing: <strong>0\u00a0kr</strong>."
    ) in html
    assert re.findall(r'name="pass" value="(S\d)"', html) == ["S3", "S2"]
    assert not Booking.objects.exists()  # the confirmation books nothing

    response = client.post(f"{url}boka/", {"pass": ["S3", "S2"]})
    batch = Booking.objects.first().batch
    assert response["Location"] == f"/bemanning/bokningar/{batch.pk}/"
    assert [(b.shift_id, b.employee_id, b.run_id) for b in Booking.objects.all()] == [
        ("S3", "E2", run.pk),
        ("S2", "E1", run.pk),
    ]
    html = client.get(response["Location"]).content.decode()
    assert f"Bokat ur förslag {run.pk}: 2 pass." in html
    assert "Merkostnad 1\u00a0946\u00a0kr." in html
    listed = client.get("/bemanning/oppna-pass/", {"as_of": AS_OF}).content.decode()
    assert "Inga öppna pass i perioden." in listed

    html = client.post(response["Location"], follow=True).content.decode()
    assert f"Bokningen {batch.pk} är ångrad: passen är öppna igen." in html
    listed = client.get("/bemanning/oppna-pass/", {"as_of": AS_OF}).content.decode()
    assert ">S2</a>" in listed
    assert ">S3</a>" in listed


def test_part_of_a_proposal_is_booked_from_the_checked_shifts(open_in_81515, as_user):
    client = as_user("samordnare")
    _, url = _computed_run(client)
    html = client.get(f"{url}boka/", {"pass": "S2"}).content.decode()
    assert "Bekräfta bokning av 1 pass" in html
    assert (
        "Merkostnad för passen: <strong>780\u00a0kr</strong>. Samma pass ett i taget i "
        "prioritetsordning: 780\u00a0kr (1 av 1 bemannade)."
    ) in html
    client.post(f"{url}boka/", {"pass": ["S2"]})
    assert [b.shift_id for b in Booking.objects.all()] == ["S2"]
    listed = client.get("/bemanning/oppna-pass/", {"as_of": AS_OF}).content.decode()
    assert ">S2</a>" not in listed
    assert ">S3</a>" in listed
    # The run's page marks the booked shift, and offers only the other one.
    html = client.get(url).content.decode()
    assert re.findall(r'name="pass" value="(S\d)"', html) == ["S3"]
    # "Boka alla" now is the rest of the proposal.
    html = client.get(f"{url}boka/", {"alla": "1"}).content.decode()
    assert re.findall(r'name="pass" value="(S\d)"', html) == ["S3"]


def test_nothing_checked_books_nothing(open_in_81515, as_user):
    client = as_user("samordnare")
    _, url = _computed_run(client)
    html = client.get(f"{url}boka/", follow=True).content.decode()
    assert "Välj minst ett pass att boka." in html
    html = client.post(f"{url}boka/", {}, follow=True).content.decode()
    assert "Välj minst ett pass att boka." in html
    assert not Booking.objects.exists()


def test_a_shifts_ranking_is_made_once_per_data_version_and_rule(imported, as_user, monkeypatch):
    """The shift page's ranking is cached (``staffing_candidates_cached``): asked again, with
    all candidates or by another user with the same pool, it is not ranked again; a rule of
    the case (not in the data version), a booking and its undo (new data versions) rank it
    anew, and the page follows them."""
    from timbalans.rostering import selectors

    ranked: list[str] = []
    rank = selectors.staffing_candidates

    def counted(**kwargs):
        ranked.append(kwargs["shift_id"])
        return rank(**kwargs)

    monkeypatch.setattr(selectors, "staffing_candidates", counted)
    client = as_user("samordnare")
    page = "/bemanning/pass/S2/"
    offered = re.compile(r'name="employee_id" value="(E\d)"')

    def shown(**query: str) -> list[str]:
        return offered.findall(client.get(page, {"as_of": AS_OF, **query}).content.decode())

    assert shown() == ["E1", "E2"]
    assert shown(alla="1") == ["E1", "E2"]
    assert offered.findall(as_user("admin").get(page, {"as_of": AS_OF}).content.decode()) == [
        "E1",
        "E2",
    ]
    assert ranked == ["S2"]
    client.post(f"{page}?as_of={AS_OF}", {"kind": "rule", "known_only": "on"})
    assert shown() == ["E2"]  # E1 never worked in case 51357
    assert ranked == ["S2", "S2"]
    CaseStaffingRule.objects.all().delete()
    assert shown() == ["E1", "E2"]  # the first key again: the first ranking
    assert ranked == ["S2", "S2"]
    client.post(f"{page}?as_of={AS_OF}", {"employee_id": "E2"})
    assert client.get(page, {"as_of": AS_OF}).status_code == 404  # booked: not open
    assert ranked == ["S2", "S2", "S2"]  # the booking's data version: asked anew
    booking = Booking.objects.get()
    client.post(f"/bemanning/bokningar/{booking.batch_id}/")
    assert shown() == ["E1", "E2"]
    assert ranked == ["S2", "S2", "S2", "S2"]  # the undo's: ranked anew
