"""The plan ``timbalans demo`` ships (timbalans/plans/demo.py): unit 81515's plan as the seed
wrote it, with monthly follow-ups, made through the plan services and only once."""

from __future__ import annotations

import datetime as dt

import pytest

from timbalans.plans.demo import FOLLOW_UP_COMMENT, demo_plan_ensure, month_ends
from timbalans.plans.models import ActionPlan, FollowUp

pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

NAMES = [
    "Beslutade timmar",
    "Ärenden",
    "Vik/övertid",
    "Sjukfrånvaro",
    "Synliggöra och särskilja strukturella kostnader",
]


def test_month_ends_are_the_last_days_of_the_months_after_the_start():
    assert month_ends(dt.date(2026, 3, 31), dt.date(2026, 6, 29)) == [
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
    ]
    assert month_ends(dt.date(2025, 11, 15), dt.date(2026, 2, 28)) == [
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
    ]
    assert month_ends(dt.date(2026, 3, 31), dt.date(2026, 4, 29)) == []


def test_the_demo_plan_is_the_seeds_with_five_measures_and_monthly_follow_ups(imported):
    plan = demo_plan_ensure(user=None, until=dt.date(2026, 6, 30))
    assert plan is not None
    assert (plan.level, plan.unit_id, plan.status) == ("unit", "81515", "active")
    assert (plan.period_start, plan.period_end) == (dt.date(2026, 3, 31), dt.date(2026, 12, 31))
    assert plan.title == "Handlingsplan PA Norr 2026"
    measures = list(plan.measures.order_by("number"))
    assert [m.name for m in measures] == NAMES
    assert {m.start_date for m in measures} == {dt.date(2026, 3, 31)}
    # The seed's effects: full year as written; the current year for the 276 days from
    # 31 March, e.g. 300 000 × 276 / 365 = 226 849 kr, to the nearest thousand.
    assert [(m.effect_full_low, m.effect_full_high) for m in measures] == [
        (300_000, 400_000),
        (400_000, 500_000),
        (300_000, 400_000),
        (200_000, 300_000),
        (None, None),
    ]
    assert [(m.effect_current_low, m.effect_current_high) for m in measures] == [
        (227_000, 302_000),
        (302_000, 378_000),
        (227_000, 302_000),
        (151_000, 227_000),
        (None, None),
    ]
    assert measures[1].kpi_cases == ["51470", "51357", "51463", "51451"]
    assert "(exempelvis ärende 51470, 51357, 51463 och 51451)" in measures[1].description
    follow_ups = FollowUp.objects.filter(measure__plan=plan)
    assert follow_ups.count() == 15
    # This department has no data in 2026: nothing is measured, so the measures that should
    # save are delayed; measure 5 saves nothing and is on track.
    for m in measures:
        status = "on_track" if m.number == 5 else "delayed"
        assert [(f.date, f.status, f.comment) for f in m.follow_ups.all()] == [
            (dt.date(2026, 4, 30), status, FOLLOW_UP_COMMENT),
            (dt.date(2026, 5, 31), status, FOLLOW_UP_COMMENT),
            (dt.date(2026, 6, 30), status, FOLLOW_UP_COMMENT),
        ]


def test_running_the_demo_again_adds_only_the_months_since(imported):
    first = demo_plan_ensure(user=None, until=dt.date(2026, 5, 31))
    again = demo_plan_ensure(user=None, until=dt.date(2026, 5, 31))
    assert first is not None and again is not None and again.pk == first.pk
    assert FollowUp.objects.filter(measure__plan=first).count() == 10
    demo_plan_ensure(user=None, until=dt.date(2026, 7, 15))
    assert ActionPlan.objects.count() == 1
    assert sorted(
        FollowUp.objects.filter(measure__plan=first, measure__number=1).values_list(
            "date", flat=True
        )
    ) == [dt.date(2026, 4, 30), dt.date(2026, 5, 31), dt.date(2026, 6, 30)]


def test_the_follow_ups_capture_the_named_cases_deficit_of_the_unit(imported):
    # Measure 2 follows the named cases of unit 81515 only: 51470, whose February 2025
    # ledger result is −100 000 kr (51357 is in unit 81516; 51463 and 51451 are not in this
    # department). The 12 months to 2025-12-31 and to 2026-01-31 hold February 2025, the 12
    # months to 2026-02-28 (March 2025 on) no longer do.
    plan = demo_plan_ensure(user=None, until=dt.date(2026, 3, 31), start=dt.date(2025, 12, 31))
    assert plan is not None
    cases = plan.measures.get(number=2)
    assert (cases.baseline_value, cases.baseline_cost) == (100_000, 100_000)
    # The status: delayed while the measured effect in full-year pace is below the expected
    # 400 000 kr: 0 kr at 2026-01-31; 100 000 kr × 12 / (59 / 30.4375) = 619 068 kr at
    # 2026-02-28 and 100 000 × 12 / (90 / 30.4375) = 405 833 kr at 2026-03-31 are on track.
    assert [(f.date, f.kpi_value, f.status) for f in cases.follow_ups.all()] == [
        (dt.date(2026, 1, 31), 100_000, "delayed"),
        (dt.date(2026, 2, 28), 0, "on_track"),
        (dt.date(2026, 3, 31), 0, "on_track"),
    ]


def test_no_demo_plan_before_its_start_or_without_the_unit(imported):
    assert demo_plan_ensure(user=None, until=dt.date(2026, 3, 30)) is None
    assert demo_plan_ensure(user=None, until=dt.date(2026, 6, 30), unit_id="99999") is None
    assert not ActionPlan.objects.exists()
