"""A plan's follow-up after new data is imported: apart from tests/plans/test_services.py,
whose tests change no figure data and share the figures they compute."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.plans.conftest import LEDGER, import_tables
from tests.plans.test_services import D, plan
from timbalans.plans import services
from timbalans.plans.models import FollowUp

pytestmark = pytest.mark.django_db

__all__ = ["plan"]  # the fixture


def test_a_follow_up_keeps_its_captured_value_after_new_data_is_imported(plan, access_of, tmp_path):
    chef = access_of("chef")
    m = plan.measures.get(number=2)
    first = services.follow_up_record(access=chef, user=None, measure=m, date=D, status="on_track")
    # February is exported again after a correction: 51470's salary 250 000, not 290 000.
    corrected = LEDGER.replace(
        "2025-02;81515;51470;5010;290000;", "2025-02;81515;51470;5010;250000;"
    )
    batch = import_tables(tmp_path / "correction", {"ledger": corrected})

    first.refresh_from_db()
    assert first.kpi_value == pytest.approx(220_000)
    assert first.data_batch < batch.pk

    later = services.follow_up_record(
        access=chef, user=None, measure=m, date=dt.date(2025, 7, 31), status="on_track"
    )
    assert later.kpi_value == pytest.approx(180_000)
    assert later.data_batch == batch.pk
    assert list(FollowUp.objects.filter(measure=m).values_list("kpi_value", flat=True)) == [
        pytest.approx(220_000),
        pytest.approx(180_000),
    ]
