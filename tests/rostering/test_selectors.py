"""staffing_config_load: the one Config the page, the background run and the command use."""

from __future__ import annotations

import pydantic
import pytest

from timbalans.rostering.models import CaseStaffingRule
from timbalans.rostering.selectors import staffing_config_load
from timbalans.staffing.instance import CaseRule

pytestmark = pytest.mark.django_db


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
