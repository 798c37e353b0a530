"""staffing_config_load: the one Config the page, the background run and the command use."""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest

from tests.builders import BASE, write_set
from tests.rostering.data import ABSENCES, SHIFTS
from timbalans.records.services import import_batch_apply, import_dataset_validate, setting_update
from timbalans.rostering.models import CaseStaffingRule
from timbalans.rostering.selectors import staffing_candidates, staffing_config_load
from timbalans.staffing.instance import CaseRule

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 3, 2)


@pytest.fixture
def rules():
    CaseStaffingRule.objects.create(
        case_id="51470", known_only=True, window_days=30, changed_by_name="samordnare"
    )
    CaseStaffingRule.objects.create(case_id="51357", known_only=False, changed_by_name="chef")


def test_it_reads_every_cases_stored_rule(rules):
    config = staffing_config_load()
    assert config.cases == {
        "51470": CaseRule(known_only=True, window_days=30),
        "51357": CaseRule(known_only=False, window_days=None),
    }
    assert (config.known_only("51470"), config.window_days("51470")) == (True, 30)
    assert (config.known_only("51357"), config.window_days("51357")) == (False, 90)
    assert config.pool == "department"


def test_it_has_no_case_rules_when_none_are_stored():
    assert staffing_config_load().cases == {}


def test_a_case_rule_in_the_values_wins_over_the_stored_one(rules):
    config = staffing_config_load(
        values={"cases": {"51470": {"known_only": False}}, "time_limit_s": 3}
    )
    assert config.cases["51470"] == CaseRule(known_only=False, window_days=None)
    assert config.cases["51357"] == CaseRule(known_only=False, window_days=None)
    assert config.time_limit_s == 3


def test_the_users_pool_wins_over_the_values(rules):
    assert staffing_config_load(pool="unit", values={"pool": "all"}).pool == "unit"
    assert staffing_config_load(values={"pool": "all"}).pool == "all"


def test_values_that_are_no_config_are_refused():
    with pytest.raises(pydantic.ValidationError):
        staffing_config_load(values={"pool": "kommunen"})


def test_the_working_time_limits_come_from_the_stored_settings():
    config = staffing_config_load()
    assert (config.overtime_4w_hours, config.overtime_year_hours) == (48.0, 200.0)
    setting_update(key="limit_overtime_4w_hours", value=40.0)
    setting_update(key="limit_overtime_month_hours", value=45.0)
    setting_update(key="limit_overtime_year_hours", value=150.0)
    setting_update(key="limit_additional_year_hours", value=120.0)
    setting_update(key="daily_rest_hours", value=9.0)
    setting_update(key="weekly_rest_hours", value=35.0)
    config = staffing_config_load()
    assert (
        config.overtime_4w_hours,
        config.overtime_month_hours,
        config.overtime_year_hours,
        config.additional_year_hours,
        config.daily_rest_hours,
        config.weekly_rest_hours,
    ) == (40.0, 45.0, 150.0, 120.0, 9.0, 35.0)
    # The caller's values (the command's --config file) win over the stored settings.
    assert staffing_config_load(values={"overtime_4w_hours": 30}).overtime_4w_hours == 30.0


def test_the_stored_daily_rest_is_the_rule_the_candidates_are_ranked_by(tmp_path):
    # E1 works Monday 3 March 13:00-22:00, 9 hours before P1 starts on Tuesday at 07:00:
    # under the default 11 hours of daily rest E1 cannot take P1; under a stored 9 hours E1
    # can (9 h of rest is not less than 9).
    shifts = SHIFTS + "P5;51470;E1;2025-03-03 13:00;2025-03-03 22:00;0;assistance\n"
    d = write_set(
        tmp_path / "set",
        employees=BASE["employees"] + "E3;Cilla Ek;81515\n",
        employments=BASE["employments"]
        + "E3;monthly_permanent;100;40;32000;;2024-01-01;;ordinary\n",
        shifts=shifts,
        absences=ABSENCES,
    )
    import_batch_apply(dataset=import_dataset_validate(source=d), source="test")
    ranking = staffing_candidates(shift_id="P1", as_of=AS_OF)
    assert ranking.candidates == []
    e1 = next(e for e in ranking.excluded if e.employee_id == "E1")
    assert e1.reason == "Får mindre än 11 timmars dygnsvila före eller efter passet"
    setting_update(key="daily_rest_hours", value=9.0)
    ranking = staffing_candidates(shift_id="P1", as_of=AS_OF)
    assert [c.employee_id for c in ranking.candidates] == ["E1"]
