"""The pages of fk-check, deviations, absence-cases and limits: who sees them, unit scoping,
and the export (tests/web/conftest.py: 51470 in unit 81515 with E1 Anna Andersson, 51357 in
81516 with E2 Bo Berg; D = 2025-02-15)."""

from __future__ import annotations

import io

import polars as pl
import pytest

from tests.web.conftest import AS_OF
from timbalans.accounts.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

EVERYONE = {"admin", "ledning", "controller", "chef", "samordnare"}
PAGES = {
    "/tidredovisning/": EVERYONE,
    "/avvikelser/": EVERYONE,
    "/sjukfranvaro/arenden/": EVERYONE,
    "/arbetstid/": {"admin", "chef", "samordnare"},
}


@pytest.mark.parametrize("url", sorted(PAGES))
@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_each_page_is_allowed_or_denied_by_role(url, role, imported, as_user):
    response = as_user(role).get(url, {"as_of": AS_OF})
    assert response.status_code == (200 if role in PAGES[url] else 403)


@pytest.mark.parametrize("url", sorted(PAGES))
def test_anonymous_visitors_are_sent_to_login(url, client):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/?next=")


@pytest.mark.parametrize("url", sorted(PAGES))
def test_a_unit_manager_cannot_filter_on_another_unit(url, imported, as_user):
    assert as_user("chef").get(url, {"unit": "81516", "as_of": AS_OF}).status_code == 403


@pytest.mark.parametrize("url", ["/tidredovisning/", "/avvikelser/"])
def test_a_unit_manager_sees_only_own_cases(url, imported, as_user):
    html = as_user("chef").get(url, {"as_of": AS_OF}).content.decode()
    assert ">51470</a>" in html
    assert "51357" not in html
    html = as_user("controller").get(url, {"as_of": AS_OF}).content.decode()
    assert ">51470</a>" in html and ">51357</a>" in html


def test_the_limits_show_a_unit_managers_own_staff_by_name_and_log_the_view(imported, as_user):
    html = as_user("chef").get("/arbetstid/", {"as_of": AS_OF}).content.decode()
    assert "Anna Andersson" in html
    # E2 as a cell of the table (the page's random CSRF token may hold the letters E2)
    assert "Bo Berg" not in html and ">E2<" not in html
    event = AuditEvent.objects.get(action="person_view")
    assert (event.username, event.target) == ("chef", "arbetstidsgränser")


def test_a_coordinator_sees_the_limits_of_every_unit(imported, as_user):
    html = as_user("samordnare").get("/arbetstid/", {"as_of": AS_OF}).content.decode()
    assert "Anna Andersson" in html and "Bo Berg" in html and ">E2<" in html


def test_the_coordinator_sees_no_amounts_of_the_time_reports(imported, as_user):
    html = as_user("samordnare").get("/tidredovisning/", {"as_of": AS_OF}).content.decode()
    assert "Redovisade timmar" in html
    assert "Återbetalningsrisk (kr)" not in html
    html = as_user("controller").get("/tidredovisning/", {"as_of": AS_OF}).content.decode()
    assert "Återbetalningsrisk (kr)" in html


def _sheet(response, name: str) -> pl.DataFrame:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return pl.read_excel(io.BytesIO(response.content), sheet_name=name)


def test_the_deviations_export_has_the_rows_of_the_screen(imported, as_user):
    response = as_user("controller").get("/avvikelser/", {"as_of": AS_OF, "format": "xlsx"})
    frame = _sheet(response, "Avvikelser schema mot utfört")
    assert frame.select("Ärende", "Månad").rows() == [
        ("51470", "2025-01"),
        ("51470", "2025-02"),
        ("51357", "2025-01"),
        ("51357", "2025-02"),
    ]
    # 51470: January 07–16 with a 60 min break and no shift: 8 h without a shift.
    assert frame["Utfört utan pass (timmar)"].to_list()[0] == pytest.approx(8.0)
    # 51357: the open shift 21 February 22:00 – 07:00 is plan after D.
    assert frame["Planerade timmar"].to_list()[3] == pytest.approx(9.0)


def test_the_time_report_export_of_a_unit_manager_holds_only_own_cases(imported, as_user):
    response = as_user("chef").get("/tidredovisning/", {"as_of": AS_OF, "format": "xlsx"})
    frame = _sheet(response, "Tidredovisning mot utförd tid")
    assert frame["Ärende"].to_list() == ["51470", "51470"]
    assert frame["Beviljade timmar"].to_list() == pytest.approx([100 * 31 / 7, 100 * 28 / 7])


def test_the_limits_export_has_the_names_the_screen_shows(imported, as_user):
    response = as_user("admin").get("/arbetstid/", {"as_of": AS_OF, "format": "xlsx"})
    frame = _sheet(response, "Arbetstid per medarbetare")
    assert frame.select("Anställningsnummer", "Namn", "Månad").rows() == [
        ("E1", "Anna Andersson", "2025-01"),
        ("E1", "Anna Andersson", "2025-02"),
        ("E2", "Bo Berg", "2025-01"),
    ]
