"""The plan pages: create from the seed, see expected beside measured, edit, follow up,
download; every write audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from timbalans.accounts.models import AuditEvent
from timbalans.plans.models import ActionPlan, FollowUp

# The tests write plans, follow-ups and audit entries, no figure data: they share the figures.
pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

NBSP = "\u00a0"


@pytest.fixture
def created(imported, as_user):
    client = as_user("chef")
    response = client.post(
        "/handlingsplaner/",
        {"action": "plan", "unit_id": "81515", "as_of": "2025-06-30", "owner": "Eva Chef"},
    )
    plan = ActionPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/handlingsplaner/{plan.pk}/"
    return client, plan


def test_a_unit_manager_creates_a_plan_for_own_unit(created):
    _, plan = created
    assert plan.unit_id == "81515"
    assert plan.owner == "Eva Chef"
    assert plan.created_by_name == "chef"
    assert plan.measures.count() == 5


def test_the_plan_page_shows_baseline_now_and_the_expected_range(created):
    client, plan = created
    html = client.get(f"/handlingsplaner/{plan.pk}/", {"as_of": "2025-06-30"}).content.decode()
    assert "Underskott i de största underskottsärendena" in html
    assert f"220{NBSP}000{NBSP}kr" in html  # baseline and now of measure 2
    # expected full year of measure 2: 10–20 % of the influenceable deficit 210 000
    assert f"21{NBSP}tkr – 42{NBSP}tkr" in html
    assert "Ingen direkt besparing" in html  # measure 5


def test_a_measure_is_edited_on_its_page(created):
    client, plan = created
    measure = plan.measures.get(number=4)
    response = client.post(
        f"/handlingsplaner/{plan.pk}/atgard/{measure.pk}/",
        {
            "name": "Sjukfrånvaro",
            "description": "Tidiga insatser",
            "start_date": "2025-08-01",
            "effect_current_low": "",
            "effect_current_high": "",
            "effect_full_low": "200000",
            "effect_full_high": "300000",
            "effect_text": "",
            "opportunities": "Färre vikarier",
            "risks": "",
            "target_value": "",
            "responsible": "HR",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.effect_full_low, measure.effect_full_high) == (200_000, 300_000)
    assert measure.effect_current_low is None
    assert str(measure.start_date) == "2025-08-01"
    assert AuditEvent.objects.filter(target=f"handlingsplan {plan.pk}, åtgärd 4").exists()


def test_an_upside_down_range_is_refused_with_its_message(created):
    client, plan = created
    measure = plan.measures.get(number=1)
    response = client.post(
        f"/handlingsplaner/{plan.pk}/atgard/{measure.pk}/",
        {"name": "x", "start_date": "2025-07-01", "effect_full_low": "5", "effect_full_high": "4"},
    )
    assert response.status_code == 200
    assert (
        "Effekt helår: den övre gränsen (4) är lägre än den undre (5)." in response.content.decode()
    )
    measure.refresh_from_db()
    assert measure.name == "Beslutade timmar"


def test_a_follow_up_is_recorded_on_the_plan_page(created):
    client, plan = created
    measure = plan.measures.get(number=2)
    response = client.post(
        f"/handlingsplaner/{plan.pk}/atgard/{measure.pk}/uppfoljning/",
        {"date": "2025-06-30", "status": "delayed", "comment": "Rekrytering pågår"},
    )
    assert response.status_code == 302
    fu = FollowUp.objects.get()
    assert (fu.status, fu.comment, fu.recorded_by_name) == (
        "delayed",
        "Rekrytering pågår",
        "chef",
    )
    assert fu.kpi_value == pytest.approx(220_000)
    html = client.get(f"/handlingsplaner/{plan.pk}/", {"as_of": "2025-06-30"}).content.decode()
    assert "Rekrytering pågår" in html
    assert "Försenad" in html


def test_the_plan_is_downloaded_as_a_word_document_and_audited(created):
    client, plan = created
    response = client.get(
        f"/handlingsplaner/{plan.pk}/dokument/", {"as_of": "2025-06-30", "format": "docx"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="handlingsplan-81515-2025-06-30.docx"'
    )
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == "Handlingsplan PA Norr 2025"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.REPORT).get()
    assert event.target == f"handlingsplan {plan.pk}"
    assert event.username == "chef"


def test_the_case_page_shows_the_cases_own_plan_to_the_roles_that_see_plans(
    imported, as_user, access_of
):
    from timbalans.plans import services

    services.case_plans_create_for_largest_deficits(
        access=access_of("chef"), user=None, unit_id="81515", as_of=dt.date(2025, 6, 30)
    )
    plan = ActionPlan.objects.get(case_id="51470")
    page = as_user("chef").get("/arenden/51470/?as_of=2025-06-30").content.decode()
    assert "Handlingsplan för ärendet" in page
    assert f'<a href="/handlingsplaner/{plan.pk}/?' in page
    assert "<li>1. Ärende 51470</li>" in page
    # Another case of the unit has no plan of its own (four plans for five cases).
    other = as_user("controller").get("/arenden/51474/?as_of=2025-06-30").content.decode()
    assert "Ärendet har ingen egen handlingsplan." in other
    # The coordinator sees no economics and no plans.
    hidden = as_user("samordnare").get("/arenden/51470/?as_of=2025-06-30").content.decode()
    assert "Handlingsplan för ärendet" not in hidden


def test_the_plan_page_shows_each_cost_base_how_it_is_computed_and_the_price_effect(created):
    from timbalans.plans import kpis

    client, plan = created
    html = client.get(f"/handlingsplaner/{plan.pk}/", {"as_of": "2025-06-30"}).content.decode()
    for area in kpis.AREAS:
        assert kpis.KPIS[area].base_text in html, area
    # The cases base: the influenceable deficit of the four worst, 210 000 kr.
    assert f"210{NBSP}000{NBSP}kr" in html
    assert "Uppmätt i fasta priser" in html and "Priseffekt" in html


def test_measure_3_shows_the_staffing_backtest_as_its_measured_potential(
    created, settings, tmp_path
):
    from timbalans.figures.registry import figure_function
    from timbalans.plans.kpis import backtest_potential
    from timbalans.records import figure_cache
    from timbalans.records.figure_access import figure_request
    from timbalans.records.frames import frames_load
    from timbalans.web.templatetags.sv import hours, sek

    client, plan = created
    settings.DATA_DIR = tmp_path
    settings.TIMBALANS_PRECOMPUTE = "off"
    figure_cache.figure_cache_clear()
    html = client.get(f"/handlingsplaner/{plan.pk}/", {"as_of": "2025-06-30"}).content.decode()
    assert "Åtgärd 3 (Vik/övertid), uppmätt potential: beräknas" in html

    settings.TIMBALANS_PRECOMPUTE = "inline"
    table = figure_function("staffing-backtest")(
        frames_load(), figure_request(as_of=dt.date(2025, 6, 30))
    )
    expected = backtest_potential(table.filter(table["unit_id"] == "81515"))
    assert expected is not None and expected.bought_hours > 0
    html = client.get(f"/handlingsplaner/{plan.pk}/", {"as_of": "2025-06-30"}).content.decode()
    assert (
        f"med prioriteringsordningen hade {hours(expected.refill_hours)} av de "
        f"{hours(expected.bought_hours)} köpta timmarna" in html
    )
    assert f"en besparing på {sek(expected.saving_sek)}" in html
    figure_cache.figure_cache_clear()
