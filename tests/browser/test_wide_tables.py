"""Issue 15 items 4 and 6 in Chromium: chart bars and card headings lead to their rows, a
page's filters come back and "Återställ" clears them, "Fler kolumner" is remembered, the
first column stays in view while a table scrolls, and no page is wider than the window at
1440 or 390 px (the small set of tests/builders.py: 51470 in 81515, 51357 in 81516)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations
from tests.builders import write_set
from timbalans.accounts.services import user_create
from timbalans.records.services import import_batch_apply, import_dataset_validate

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = "2025-02-15"
PASSWORD = "Hemligt-lösen-42"
PAGES = [
    "/",
    "/arenden/",
    "/arenden/51470/",
    "/enheter/",
    "/enheter/81515/",
    "/bemanning/",
    "/overtid/",
    "/sjukfranvaro/",
    "/sjukfranvaro/arenden/",
    "/avvikelser/",
    "/tidredovisning/",
    "/arbetstid/",
    "/helarsprognos/",
    "/arenden/51470/utfort/2025-01/",
    "/bemanning/oppna-pass/",
    "/handlingsplaner/",
    "/rapporter/",
    "/import/",
    "/import/profiler/",
    "/installningar/",
    "/granskningslogg/",
    "/berakningar/",
]
# What the page's body is wider than its window by, and the tables wider than their boxes.
OVERFLOW = """() => ({
  body: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  cut: [...document.querySelectorAll('.scroll')]
    .filter(s => s.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .length,
})"""


@pytest.fixture
def department(tmp_path):
    source = write_set(tmp_path / "set")
    import_batch_apply(dataset=import_dataset_validate(source=source), source=str(source))
    user_create(username="admin", role="admin", password=PASSWORD)


def login(page, live_server, username: str = "admin") -> None:
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


def _visible_headers(page, table: str) -> list[str]:
    return page.locator(f"#d-{table} thead th:visible").all_inner_texts()


def test_fler_kolumner_is_remembered_across_reloads_and_logins(page, live_server, department):
    login(page, live_server)
    page.goto(f"{live_server.url}/arenden/?as_of={AS_OF}")
    main = [
        "Ärende",
        "Enhet",
        "Status",
        "Beviljade timmar",
        "Prognos timmar",
        "Prognos i nuvarande takt (timmar)",
        "Prognosavvikelse timmar",
        "Prognosavvikelse %",
        "Planerat timmar per vecka",
        "Behov timmar per vecka",
        "Ändring timmar per vecka",
        "Resultat (kr)",
    ]
    extra = [
        "Period från",
        "Period till",
        "Obetalda timmar",
        "Kostnad per timme (kr)",
        "Intäkt per timme (kr)",
        "Andel timavlönade",
        "Andel övertid",
    ]
    assert _visible_headers(page, "arenden") == main
    page.get_by_role("button", name="Fler kolumner (7)").click()
    page.wait_for_load_state()
    assert _visible_headers(page, "arenden") == main + extra
    assert (
        page.get_by_role("button", name="Färre kolumner").get_attribute("aria-expanded") == "true"
    )
    page.reload()
    assert _visible_headers(page, "arenden") == main + extra
    # Logged out and in again: still shown, on the unit's page too (the same table).
    page.get_by_role("button", name="Logga ut").click()
    login(page, live_server)
    page.goto(f"{live_server.url}/arenden/?as_of={AS_OF}")
    assert _visible_headers(page, "arenden") == main + extra
    page.goto(f"{live_server.url}/enheter/81515/?as_of={AS_OF}")
    assert _visible_headers(page, "arenden") == [h for h in main if h != "Enhet"] + extra
    page.get_by_role("button", name="Färre kolumner").first.click()
    page.wait_for_load_state()
    assert _visible_headers(page, "arenden") == [h for h in main if h != "Enhet"]


def test_the_first_column_stays_in_view_while_the_table_scrolls(page, live_server, department):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server)
    page.goto(f"{live_server.url}/arenden/?as_of={AS_OF}")
    box = page.locator("#d-arenden").locator("xpath=..")
    first = page.locator("#d-arenden tbody tr").first.locator("td").first
    third = page.locator("#d-arenden tbody tr").first.locator("td").nth(2)
    assert first.evaluate("e => getComputedStyle(e).position") == "sticky"
    scroll_width, client_width = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll_width > client_width  # the table is wider than its box at 390 px
    x_first, x_third = first.bounding_box()["x"], third.bounding_box()["x"]
    box.evaluate("e => { e.scrollLeft = 200; }")
    assert box.evaluate("e => e.scrollLeft") == 200
    assert first.bounding_box()["x"] == x_first
    assert third.bounding_box()["x"] == x_third - 200
    assert first.inner_text() == "51357"  # the at-risk order: the largest deviation first


@pytest.mark.parametrize("width", [1440, 390])
def test_no_page_is_wider_than_the_window(width, page, live_server, department):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server)
    found = {}
    for shown in ("main", "all"):
        for url in PAGES:
            page.goto(f"{live_server.url}{url}?as_of={AS_OF}")
            found[(shown, url)] = page.evaluate(OVERFLOW)
        if shown == "main":
            # every wide table with all its columns
            for table in ("arenden", "enheter", "perioder", "ekonomi", "capacity", "overtime"):
                response = page.request.post(
                    f"{live_server.url}/tabell/kolumner/",
                    form={"table": table, "show": "1", "next": "/"},
                    headers={"X-CSRFToken": _csrf(page)},
                )
                assert response.ok, table
            page.goto(f"{live_server.url}/arenden/51470/?as_of={AS_OF}")
            assert page.locator("table.all-columns").count() == 2  # the periods, the economics
    assert found == {key: {"body": 0, "cut": 0} for key in found}


def _csrf(page) -> str:
    return page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")


def _bar(page, name: str):
    """A chart's bar by its accessible name (the mark's aria-label), as its link."""
    return page.locator(f'svg a:has(path[aria-label="{name}"])')


def test_a_bar_and_a_card_heading_lead_to_their_rows(page, live_server, department):
    login(page, live_server)
    page.goto(f"{live_server.url}/?as_of={AS_OF}")
    assert axe_violations(page) == []
    _bar(page, "Visa raderna: Under").click()
    page.wait_for_url(f"{live_server.url}/arenden/?as_of={AS_OF}&status=under")
    # in the at-risk order: the largest forecast deviation first
    assert page.locator("#d-arenden tbody tr td:first-child").all_inner_texts() == [
        "51357",
        "51470",
    ]
    page.go_back()
    _bar(page, "Visa raderna: 81515").click()
    page.wait_for_url(f"{live_server.url}/enheter/81515/?as_of={AS_OF}")
    assert page.get_by_role("heading", name="Enhet 81515").is_visible()
    page.go_back()
    page.get_by_role("link", name="Sjukfrånvaro hittills i år").click()
    page.wait_for_url(f"{live_server.url}/sjukfranvaro/?as_of={AS_OF}")


def test_filters_come_back_and_aterstall_clears_them(page, live_server, department):
    login(page, live_server)
    page.goto(f"{live_server.url}/arenden/?as_of={AS_OF}")
    page.get_by_label("Status").select_option("under")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(re.compile(r"status=under"))
    page.get_by_role("link", name="Resultat (kr)").click()
    page.wait_for_url(re.compile(r"sort=-result"))
    assert page.locator("#d-arenden tbody tr td:first-child").all_inner_texts() == [
        "51470",
        "51357",
    ]
    # Away to the overview and back through the menu: the status and the order come back.
    page.get_by_role("link", name="Timbalans", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("navigation").get_by_role("link", name="Ärenden", exact=True).click()
    page.wait_for_url(re.compile(r"/arenden/\?"))
    assert "status=under" in page.url and "sort=-result" in page.url
    assert page.get_by_label("Status").input_value() == "under"
    assert page.locator("#d-arenden th[aria-sort=descending]").inner_text().startswith("Resultat")
    page.get_by_role("link", name="Återställ").click()
    page.wait_for_url(f"{live_server.url}/arenden/")
    assert page.get_by_label("Status").input_value() == ""
    # the page's own order again: the at-risk order, the largest forecast deviation first
    sorted_by = page.locator("#d-arenden th[aria-sort=descending]")
    assert sorted_by.inner_text().startswith("Prognosavvikelse timmar")
