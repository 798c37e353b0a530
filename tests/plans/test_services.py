"""Plans from the seed, case plans, edits and follow-ups, on the hand-computed department of
conftest.py (four largest deficits in 81515: 220 000 kr)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from timbalans.accounts.models import AuditEvent
from timbalans.plans import services
from timbalans.plans.models import ActionPlan

# The tests write plans, follow-ups and audit entries, no figure data: they share the figures
# (a follow-up after an import: tests/plans/test_services_changed.py).
pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

D = dt.date(2025, 6, 30)


@pytest.fixture
def plan(imported, access_of):
    return services.action_plan_create_from_seed(
        access=access_of("controller"), user=None, unit_id="81515", as_of=D, owner="Eva Chef"
    )


def test_a_unit_plan_starts_from_the_seeds_five_measures(plan):
    names = [m.name for m in plan.measures.all()]
    assert names == [
        "Beslutade timmar",
        "Ärenden",
        "Vik/övertid",
        "Sjukfrånvaro",
        "Synliggöra och särskilja strukturella kostnader",
    ]
    assert [m.kpi for m in plan.measures.all()] == [
        "decided_hours",
        "cases",
        "temp_overtime",
        "sick_leave",
        "structural",
    ]
    assert plan.level == "unit"
    assert plan.status == "draft"
    assert (plan.period_start, plan.period_end) == (D, dt.date(2025, 12, 31))
    assert plan.title == "Handlingsplan PA Norr 2025"
    assert "reduceringsnivåer om 10–20 %" in plan.summary


def test_measure_2_names_and_follows_the_four_largest_deficits(plan):
    m = plan.measures.get(number=2)
    assert m.kpi_cases == ["51470", "51471", "51472", "51473"]
    assert "(exempelvis ärende 51470, 51471, 51472 och 51473)" in m.description
    # 100 000 + 60 000 + 40 000 + 20 000
    assert m.baseline_value == pytest.approx(220_000)
    assert m.baseline_cost == pytest.approx(220_000)
    assert m.baseline_date == D


def test_expected_effects_are_prefilled_from_savings_for_the_unit(plan):
    m = plan.measures.get(number=2)
    # savings: 10 % and 20 % of the influenceable deficit, 220 000 less 51470's 10 000 of
    # HSL (structural) = 210 000; the current year from 30 June is 185 of 365 days:
    # 21 000 × 185/365 = 10 644 → 11 000, 42 000 × 185/365 = 21 288 → 21 000.
    assert (m.effect_full_low, m.effect_full_high) == (21_000, 42_000)
    assert (m.effect_current_low, m.effect_current_high) == (11_000, 21_000)
    # The target: the baseline less the low reduction (10 %).
    assert m.target_value == pytest.approx(198_000)


def test_the_structural_measure_shows_the_cost_and_expects_no_saving(plan):
    m = plan.measures.get(number=5)
    assert m.baseline_value == pytest.approx(10_000)  # the HSL account of 51470
    assert m.effect_full_low is m.effect_full_high is None
    assert m.target_value is None
    assert m.effect_text.startswith("Ingen direkt besparing men:")


def test_creating_a_plan_is_audited(plan):
    event = AuditEvent.objects.filter(action=AuditEvent.Action.PLAN).get()
    assert event.target == f"handlingsplan {plan.pk}"
    assert event.detail["händelse"] == "skapad"
    assert event.detail["enhet"] == "81515"


def test_case_plans_start_from_measure_2_for_the_largest_deficits(imported, access_of):
    plans = services.case_plans_create_for_largest_deficits(
        access=access_of("chef"), user=None, unit_id="81515", as_of=D
    )
    assert [p.case_id for p in plans] == ["51470", "51471", "51472", "51473"]
    first = plans[0]
    assert first.level == "case"
    measure = first.measures.get()
    assert measure.name == "Ärende 51470"
    assert measure.kpi == "cases"
    assert measure.kpi_cases == ["51470"]
    assert measure.baseline_value == pytest.approx(100_000)
    assert "(100\u00a0000\u00a0kr de senaste 12 månaderna)" in measure.description
    # savings of the case: 10–20 % of its influenceable deficit, 100 000 less 10 000 of HSL.
    assert (measure.effect_full_low, measure.effect_full_high) == (9_000, 18_000)


def test_case_plans_are_not_made_twice_for_a_case_with_a_plan_in_progress(imported, access_of):
    chef = access_of("chef")
    services.action_plan_create_for_case(access=chef, user=None, case_id="51471", as_of=D)
    plans = services.case_plans_create_for_largest_deficits(
        access=chef, user=None, unit_id="81515", as_of=D
    )
    assert [p.case_id for p in plans] == ["51470", "51472", "51473"]


def test_a_unit_without_deficits_gets_no_case_plans(imported, access_of):
    with pytest.raises(services.PlanError) as exc:
        services.case_plans_create_for_largest_deficits(
            access=access_of("controller"), user=None, unit_id="81516", as_of=dt.date(2024, 6, 30)
        )
    assert str(exc.value) == (
        "Enheten 81516 har inga ärenden med underskott de senaste 12 månaderna."
    )


def test_a_measure_is_edited_and_the_change_audited(plan, access_of):
    m = plan.measures.get(number=3)
    services.measure_update(
        access=access_of("chef"),
        user=None,
        measure=m,
        effect_full_low=300_000,
        effect_full_high=400_000,
        responsible="Samordnare Syd",
    )
    m.refresh_from_db()
    assert (m.effect_full_low, m.effect_full_high, m.responsible) == (
        300_000,
        400_000,
        "Samordnare Syd",
    )
    event = AuditEvent.objects.filter(target__endswith="åtgärd 3").get()
    assert event.detail["ändringar"]["effect_full_high"][1] == 400_000


def test_an_effect_range_upside_down_is_refused(plan, access_of):
    m = plan.measures.get(number=1)
    with pytest.raises(services.PlanError) as exc:
        services.measure_update(
            access=access_of("chef"), user=None, measure=m, effect_full_low=5, effect_full_high=4
        )
    assert str(exc.value) == "Effekt helår: den övre gränsen (4) är lägre än den undre (5)."


def test_the_plan_period_cannot_end_before_it_starts(plan, access_of):
    with pytest.raises(services.PlanError) as exc:
        services.action_plan_update(
            access=access_of("chef"), user=None, plan=plan, period_end=dt.date(2025, 1, 1)
        )
    assert str(exc.value) == "Periodens slut (2025-01-01) ligger före dess början (2025-06-30)."


def test_a_follow_up_captures_the_kpi_from_the_data_on_its_date(plan, access_of):
    m = plan.measures.get(number=2)
    fu = services.follow_up_record(
        access=access_of("chef"), user=None, measure=m, date=D, status="on_track", comment="Start"
    )
    assert fu.kpi_value == pytest.approx(220_000)
    assert fu.kpi_cost == pytest.approx(220_000)
    assert fu.data_batch is not None


def test_a_follow_up_date_in_the_future_is_refused(plan, access_of):
    with pytest.raises(services.PlanError) as exc:
        services.follow_up_record(
            access=access_of("chef"),
            user=None,
            measure=plan.measures.get(number=1),
            date=dt.date(2025, 7, 2),
            status="on_track",
            today=dt.date(2025, 7, 1),
        )
    assert str(exc.value) == "Uppföljningens datum (2025-07-02) ligger i framtiden."


def test_a_department_plan_is_only_for_roles_that_see_every_unit(imported, access_of):
    plan = services.action_plan_create_from_seed(
        access=access_of("ledning"), user=None, unit_id="", as_of=D
    )
    assert plan.level == ActionPlan.Level.DEPARTMENT
    assert plan.title == "Handlingsplan avdelningen 2025"
    # The four largest deficits of the department: −100 000, −60 000, −40 000, −30 000.
    assert plan.measures.get(number=2).kpi_cases == ["51470", "51471", "51472", "51357"]
    with pytest.raises(PermissionDenied) as exc:
        services.action_plan_create_from_seed(
            access=access_of("chef"), user=None, unit_id="", as_of=D
        )
    assert str(exc.value) == services.DEPARTMENT_NOT_ALLOWED
