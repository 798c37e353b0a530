"""In a real browser: the case list opens as an at-risk worklist (largest overrun first) and
its colours mean good or bad (the department of tests/web/test_issue15_worklist.py)."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import PASSWORD, login
from tests.builders import write_set
from tests.web.test_issue15_worklist import AS_OF, TABLES
from timbalans.accounts.services import user_create
from timbalans.records.services import import_batch_apply, import_dataset_validate

pytestmark = pytest.mark.django_db(transaction=True)

RED, BROWN, GREY = "rgb(176, 0, 32)", "rgb(138, 75, 0)", "rgb(77, 77, 77)"


@pytest.fixture
def worklist(tmp_path):
    source = write_set(tmp_path / "set", **TABLES)
    import_batch_apply(dataset=import_dataset_validate(source=source), source=str(source))


def test_a_unit_manager_reads_her_cases_worst_first_in_colours_that_mean_something(
    page, live_server, worklist
):
    from tests.browser.conftest import axe_violations

    user_create(username="controller", role="controller", password=PASSWORD)
    login(page, live_server, "controller")
    page.goto(f"{live_server.url}/arenden/?as_of={AS_OF}")
    rows = page.locator("#t-arenden").locator("xpath=../..").locator("tbody tr")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == [
        "51470",
        "51472",
        "51471",
        "51357",
    ]
    header = page.get_by_role("columnheader", name=re.compile("Prognosavvikelse timmar"))
    assert header.get_attribute("aria-sort") == "descending"

    headers = [h.strip() for h in page.locator("#d-arenden thead th").all_text_contents()]

    def cell(row: int, label: str):
        return rows.nth(row).locator("td").nth(headers.index(label))

    def colour(locator) -> str:
        return locator.evaluate("e => getComputedStyle(e).color")

    # the deviation in hours: over is red, under brown, balanced plain
    deviation = "Prognosavvikelse timmar"
    assert (cell(0, deviation).inner_text(), cell(0, deviation).get_attribute("class")) == (
        "8,0",
        "num bad",
    )
    assert colour(cell(0, deviation)) == RED
    assert (cell(2, deviation).inner_text(), colour(cell(2, deviation))) == ("\u22124,0", BROWN)
    # under with the schedule running out: grey, and it says so
    status = cell(3, "Status")
    assert status.inner_text() == "Under, schema saknas efter 2026-02-17"
    assert (status.get_attribute("class"), colour(status)) == ("status status-unsure", GREY)
    # planned a week, beside the hours a week needed and what to do, all in view
    planned = headers.index("Planerat timmar per vecka")
    assert headers[planned : planned + 3] == [
        "Planerat timmar per vecka",
        "Behov timmar per vecka",
        "Ändring timmar per vecka",
    ]
    assert cell(3, "Planerat timmar per vecka").inner_text() == "4,0"
    assert cell(3, "Behov timmar per vecka").inner_text() == "13,0"
    change = cell(3, "Ändring timmar per vecka")
    assert change.inner_text() == "öka med 9,0 h/vecka (i nuvarande takt: öka med 3,5 h/vecka)"
    assert change.is_visible()
    assert axe_violations(page) == []

    # overtime −48.5 % against a −50 % goal: down, but the goal is missed: not green
    page.goto(f"{live_server.url}/?as_of={AS_OF}")
    change = page.locator("strong", has_text="48,5")
    assert (change.get_attribute("class"), colour(change)) == ("warn", BROWN)
    card = page.locator("section.card", has_text="Övertid hittills i år").inner_text()
    assert "(inte nått)" in card
