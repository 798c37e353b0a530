"""The overtime page shows the staffing backtest beside the goal, precomputed per data version
(records.figure_cache.figure_table_ready), and the staffing page the recurring bought time."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.conftest import AS_OF
from timbalans.figures.registry import figure_function
from timbalans.records import figure_cache
from timbalans.records.figure_access import figure_request
from timbalans.records.frames import frames_load
from timbalans.web.templatetags.sv import hours, pct, sek
from timbalans.web.views.pages import backtest_per_unit, backtest_summary

COMPUTING = "Beräknas: hur mycket av de senaste tolv månadernas köpta tid"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    figure_cache.figure_cache_clear()
    yield tmp_path
    figure_cache.figure_cache_clear()


def _expected() -> dict[str, float]:
    """The backtest of the whole test set on D, summed as the page sums it."""
    req = figure_request(as_of=dt.date.fromisoformat(AS_OF))
    table = figure_function("staffing-backtest")(frames_load(), req)
    summary = backtest_summary(backtest_per_unit(table))
    assert summary is not None and summary["bought"] > 0
    return summary


def test_the_overtime_page_says_it_is_computing_until_the_backtest_is_ready(
    imported, as_user, settings, data_dir
):
    settings.TIMBALANS_PRECOMPUTE = "off"  # nothing computes it: the page must not wait
    html = as_user("controller").get("/overtid/", {"as_of": AS_OF}).content.decode()
    assert COMPUTING in html
    assert "Vad prioriteringsordningen hade sparat" not in html
    assert not list(data_dir.glob("figures/*.parquet"))


def test_the_overtime_page_shows_the_backtest_beside_the_goal(
    imported, as_user, settings, data_dir
):
    settings.TIMBALANS_PRECOMPUTE = "inline"
    expected = _expected()
    html = as_user("controller").get("/overtid/", {"as_of": AS_OF}).content.decode()
    assert COMPUTING not in html
    assert f"köptes {hours(expected['bought'])} timmar" in html
    assert f"hade {hours(expected['refill'])} av dem ({pct(expected['share'])})" in html
    assert f"en besparing på {sek(expected['saving'])}" in html
    assert "Vad prioriteringsordningen hade sparat (senaste 12 månaderna)" in html
    # The coordinator sees the hours, not the money.
    html = as_user("samordnare").get("/overtid/", {"as_of": AS_OF}).content.decode()
    assert f"hade {hours(expected['refill'])} av dem" in html
    assert "en besparing på" not in html and "Besparing (kr)" not in html


def test_the_precomputed_backtest_is_read_from_its_file_after_a_restart(
    imported, as_user, settings, data_dir
):
    settings.TIMBALANS_PRECOMPUTE = "inline"
    as_user("controller").get("/overtid/", {"as_of": AS_OF})
    assert len(list(data_dir.glob("figure-cache/*/staffing-backtest-*.parquet"))) == 1
    figure_cache.figure_cache_clear(files=False)  # a new process: nothing in memory
    settings.TIMBALANS_PRECOMPUTE = "off"  # and nothing would compute it again
    html = as_user("controller").get("/overtid/", {"as_of": AS_OF}).content.decode()
    assert COMPUTING not in html
    assert f"köptes {hours(_expected()['bought'])} timmar" in html


def test_another_as_of_is_another_computation(imported, as_user, settings, data_dir):
    settings.TIMBALANS_PRECOMPUTE = "inline"
    as_user("controller").get("/overtid/", {"as_of": AS_OF})
    settings.TIMBALANS_PRECOMPUTE = "off"
    html = as_user("controller").get("/overtid/", {"as_of": "2025-01-31"}).content.decode()
    assert COMPUTING in html


def test_the_staffing_page_lists_recurring_bought_time(imported, as_user):
    html = as_user("controller").get("/bemanning/", {"as_of": AS_OF}).content.decode()
    assert '<h2 id="t-staffing-structure">Återkommande köpt tid</h2>' in html
    assert "#staffing-structure-personalstruktur" in html
