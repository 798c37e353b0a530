"""A unit manager sees and edits only the plans of their own units: in the selectors, the
services and the pages (404 for another unit's plan, as for one that does not exist)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from timbalans.accounts.models import AuditEvent
from timbalans.plans import selectors, services
from timbalans.plans.models import FollowUp

pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

D = dt.date(2025, 6, 30)


@pytest.fixture
def plans(imported, access_of):
    controller = access_of("controller")
    return {
        "norr": services.action_plan_create_from_seed(
            access=controller, user=None, unit_id="81515", as_of=D
        ),
        "syd": services.action_plan_create_from_seed(
            access=controller, user=None, unit_id="81516", as_of=D
        ),
        "avdelning": services.action_plan_create_from_seed(
            access=controller, user=None, unit_id="", as_of=D
        ),
    }


# ---------------------------------------------------------------------------- selectors


def test_a_unit_manager_lists_only_own_units_plans(plans, access_of):
    listed = selectors.action_plan_list(access=access_of("chef"))
    assert [p.pk for p in listed] == [plans["norr"].pk]


def test_management_lists_every_plan(plans, access_of):
    listed = {p.pk for p in selectors.action_plan_list(access=access_of("ledning"))}
    assert listed == {p.pk for p in plans.values()}


def test_the_coordinator_sees_no_plans(plans, access_of):
    assert selectors.action_plan_list(access=access_of("samordnare")) == []
    with pytest.raises(Http404):
        selectors.action_plan_get(access=access_of("samordnare"), plan_id=plans["norr"].pk)


@pytest.mark.parametrize("other", ["syd", "avdelning"])
def test_a_unit_manager_cannot_get_another_units_plan(plans, access_of, other):
    with pytest.raises(Http404):
        selectors.action_plan_get(access=access_of("chef"), plan_id=plans[other].pk)


def test_a_unit_manager_cannot_get_a_measure_of_another_units_plan(plans, access_of):
    measure = plans["syd"].measures.first()
    with pytest.raises(Http404):
        selectors.measure_get(
            access=access_of("chef"), plan_id=plans["syd"].pk, measure_id=measure.pk
        )
    # Nor through one of their own plans' addresses.
    with pytest.raises(Http404):
        selectors.measure_get(
            access=access_of("chef"), plan_id=plans["norr"].pk, measure_id=measure.pk
        )


# ---------------------------------------------------------------------------- services


def test_a_unit_manager_cannot_edit_another_units_measure(plans, access_of):
    measure = plans["syd"].measures.get(number=1)
    with pytest.raises(PermissionDenied) as exc:
        services.measure_update(access=access_of("chef"), user=None, measure=measure, name="x")
    assert str(exc.value) == "Du har inte behörighet till enhet 81516."
    measure.refresh_from_db()
    assert measure.name == "Beslutade timmar"


def test_a_unit_manager_cannot_follow_up_another_units_measure(plans, access_of):
    measure = plans["syd"].measures.get(number=2)
    with pytest.raises(PermissionDenied):
        services.follow_up_record(
            access=access_of("chef"), user=None, measure=measure, date=D, status="on_track"
        )
    assert not FollowUp.objects.exists()


def test_a_unit_manager_cannot_create_a_plan_for_another_unit(imported, access_of):
    with pytest.raises(PermissionDenied) as exc:
        services.action_plan_create_from_seed(
            access=access_of("chef"), user=None, unit_id="81516", as_of=D
        )
    assert str(exc.value) == "Du har inte behörighet till enhet 81516."


def test_the_coordinator_cannot_edit_plans(plans, access_of):
    with pytest.raises(PermissionDenied) as exc:
        services.action_plan_update(
            access=access_of("samordnare"), user=None, plan=plans["norr"], owner="x"
        )
    assert str(exc.value) == "Du har inte behörighet att ändra handlingsplaner."


# ---------------------------------------------------------------------------- pages


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("ledning", 200), ("controller", 200), ("chef", 200), ("samordnare", 403)],
)
def test_the_plan_list_is_for_every_role_that_sees_economics(plans, as_user, role, status):
    assert as_user(role).get("/handlingsplaner/", {"as_of": "2025-06-30"}).status_code == status


def test_the_plan_list_of_a_unit_manager_holds_only_own_plans(plans, as_user):
    html = as_user("chef").get("/handlingsplaner/").content.decode()
    assert "Handlingsplan PA Norr 2025" in html
    assert "Handlingsplan PA Syd 2025" not in html
    assert "Handlingsplan avdelningen 2025" not in html


@pytest.mark.parametrize("other", ["syd", "avdelning"])
def test_a_unit_manager_cannot_open_another_units_plan_by_url(plans, as_user, other):
    client = as_user("chef")
    pk = plans[other].pk
    assert client.get(f"/handlingsplaner/{pk}/").status_code == 404
    assert client.get(f"/handlingsplaner/{pk}/dokument/?format=docx").status_code == 404


def test_a_unit_manager_cannot_post_to_another_units_plan(plans, as_user):
    client = as_user("chef")
    plan = plans["syd"]
    measure = plan.measures.get(number=1)
    assert client.post(f"/handlingsplaner/{plan.pk}/", {"title": "x"}).status_code == 404
    assert (
        client.post(
            f"/handlingsplaner/{plan.pk}/atgard/{measure.pk}/",
            {"name": "x", "start_date": "2025-07-01"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/handlingsplaner/{plan.pk}/atgard/{measure.pk}/uppfoljning/",
            {"date": "2025-06-30", "status": "on_track"},
        ).status_code
        == 404
    )
    measure.refresh_from_db()
    plan.refresh_from_db()
    assert measure.name == "Beslutade timmar"
    assert plan.title == "Handlingsplan PA Syd 2025"
    assert not FollowUp.objects.exists()
    assert not AuditEvent.objects.filter(target__startswith=f"handlingsplan {plan.pk},").exists()


def test_a_unit_manager_cannot_create_a_plan_for_another_unit_on_the_page(imported, as_user):
    response = as_user("chef").post(
        "/handlingsplaner/", {"action": "plan", "unit_id": "81516", "as_of": "2025-06-30"}
    )
    assert response.status_code == 403
