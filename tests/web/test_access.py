"""Every page and role: allowed, denied, and scoped to the user's units."""

from __future__ import annotations

import io

import fastexcel
import polars as pl
import pytest
from django.contrib.auth import get_user_model

from tests.web.conftest import AS_OF
from timbalans.accounts.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

EVERYONE = {"admin", "ledning", "controller", "chef", "samordnare"}
PAGES = {
    "/": EVERYONE,
    "/arenden/": EVERYONE,
    "/arenden/51470/": EVERYONE,
    "/arenden/51470/utfort/2025-01/": EVERYONE,
    "/enheter/": EVERYONE,
    "/enheter/81515/": EVERYONE,
    "/bemanning/": EVERYONE,
    "/overtid/": EVERYONE,
    "/sjukfranvaro/": EVERYONE,
    "/berakningar/": EVERYONE,
    "/helarsprognos/": EVERYONE - {"samordnare"},
    "/import/": {"admin", "controller"},
    "/beslut/nytt/": {"admin", "chef"},
    "/installningar/": {"admin"},
    "/granskningslogg/": {"admin"},
}


@pytest.mark.parametrize("url", sorted(PAGES))
@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_each_page_is_allowed_or_denied_by_role(url, role, imported, as_user):
    client = as_user(role)
    response = client.get(url, {"as_of": AS_OF})
    assert response.status_code == (200 if role in PAGES[url] else 403)


@pytest.mark.parametrize("url", sorted(PAGES))
def test_anonymous_visitors_are_sent_to_login(url, client):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/?next=")


@pytest.mark.parametrize("url", ["/", "/arenden/", "/sjukfranvaro/"])
def test_a_user_without_a_role_sees_nothing(url, client, imported):
    user = get_user_model().objects.create_user("utan-roll", password="x-Hemligt-123")
    client.force_login(user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/arenden/51357/",
        "/enheter/81516/",
        "/arenden/51357/?format=xlsx",
        "/arenden/51357/utfort/2025-01/?format=xlsx",
    ],
)
def test_a_unit_manager_cannot_open_another_units_pages_by_url(url, imported, as_user):
    assert as_user("chef").get(url).status_code == 404


def test_a_missing_case_is_the_same_404(imported, as_user):
    assert as_user("admin").get("/arenden/99999/").status_code == 404


@pytest.mark.parametrize("url", ["/", "/arenden/", "/bemanning/", "/overtid/", "/sjukfranvaro/"])
def test_a_unit_manager_cannot_filter_on_another_unit(url, imported, as_user):
    assert as_user("chef").get(url, {"unit": "81516", "as_of": AS_OF}).status_code == 403


def test_the_case_list_of_a_unit_manager_holds_only_own_cases(imported, as_user):
    html = as_user("chef").get("/arenden/", {"as_of": AS_OF}).content.decode()
    assert ">51470</a>" in html
    assert "51357" not in html


def test_the_case_list_of_a_controller_holds_every_case(imported, as_user):
    html = as_user("controller").get("/arenden/", {"as_of": AS_OF}).content.decode()
    assert ">51470</a>" in html
    assert ">51357</a>" in html


def _xlsx(response) -> pl.DataFrame:
    return pl.read_excel(io.BytesIO(response.content), sheet_name="Ärenden")


def test_the_export_of_a_unit_manager_holds_only_own_cases(imported, as_user):
    response = as_user("chef").get("/arenden/", {"as_of": AS_OF, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _xlsx(response)["Ärende"].to_list() == ["51470"]


def test_the_export_has_the_rows_of_the_screen(imported, as_user):
    client = as_user("controller")
    response = client.get("/arenden/", {"as_of": AS_OF, "format": "xlsx", "sort": "-case_id"})
    frame = _xlsx(response)
    assert frame["Ärende"].to_list() == ["51470", "51357"]
    assert frame["Beviljade timmar"].to_list() == pytest.approx(
        [100 * 181 / 7, 60 * 59 / 7]  # 51357: Jan 1 to the first period_start, Mar 1
    )


def test_the_units_filter_lists_only_own_units(imported, as_user):
    html = as_user("chef").get("/", {"as_of": AS_OF}).content.decode()
    assert '<option value="81515">81515 PA Norr</option>' in html
    assert "PA Syd" not in html


def test_names_of_staff_are_shown_to_a_unit_manager_and_logged(imported, as_user):
    html = as_user("chef").get("/arenden/51470/", {"as_of": AS_OF}).content.decode()
    assert "Anna Andersson" in html
    event = AuditEvent.objects.get(action="person_view")
    assert (event.username, event.target) == ("chef", "ärende 51470")


def test_names_of_staff_are_not_shown_to_a_controller(imported, as_user):
    html = as_user("controller").get("/arenden/51470/", {"as_of": AS_OF}).content.decode()
    assert "Anna Andersson" not in html
    assert ">E1<" in html
    assert not AuditEvent.objects.filter(action="person_view").exists()


def test_sick_leave_per_employee_is_shown_to_the_unit_manager_for_own_unit_only(imported, as_user):
    html = as_user("chef").get("/sjukfranvaro/", {"as_of": AS_OF}).content.decode()
    assert "Sjukfrånvaro per medarbetare" in html
    assert "Anna Andersson" in html
    assert "Bo Berg" not in html
    event = AuditEvent.objects.get(action="health_view")
    assert event.username == "chef"
    assert event.detail["units"] == ["81515"]


@pytest.mark.parametrize("role", ["ledning", "controller", "samordnare"])
def test_sick_leave_per_employee_is_hidden_from_other_roles(role, imported, as_user):
    html = as_user(role).get("/sjukfranvaro/", {"as_of": AS_OF}).content.decode()
    assert "Sjukfrånvaro per medarbetare" not in html
    assert "Anna Andersson" not in html
    assert not AuditEvent.objects.filter(action="health_view").exists()


def test_an_admin_sees_sick_leave_per_employee_of_every_unit(imported, as_user):
    html = as_user("admin").get("/sjukfranvaro/", {"as_of": AS_OF}).content.decode()
    assert "Anna Andersson" in html
    assert "Bo Berg" in html


def test_the_coordinator_sees_no_economics(imported, as_user):
    html = as_user("samordnare").get("/overtid/", {"as_of": AS_OF}).content.decode()
    assert "Övertid (kr)" not in html
    html = as_user("controller").get("/overtid/", {"as_of": AS_OF}).content.decode()
    assert "Övertid (kr)" in html


@pytest.mark.parametrize("url", ["/", "/arenden/", "/enheter/", "/bemanning/", "/sjukfranvaro/"])
def test_pages_work_on_an_empty_database(url, as_user):
    assert as_user("admin").get(url).status_code == 200


def test_the_forecast_page_shows_the_cost_centres_in_the_users_scope(imported, as_user):
    page = as_user("chef").get("/helarsprognos/", {"as_of": AS_OF}).content.decode()
    assert "Helårsprognos 2025 per ansvar" in page
    assert "81515" in page
    assert "81516" not in page
    overview = as_user("chef").get("/", {"as_of": AS_OF}).content.decode()
    assert "Helårsprognos 2025" in overview
    assert "Ingen budget är inläst." in overview


def test_the_coordinator_sees_no_kronor_on_bemanning_page_or_export(imported, as_user):
    client = as_user("samordnare")
    html = client.get("/bemanning/", {"as_of": AS_OF}).content.decode()
    assert "Outnyttjad tid (timmar)" in html
    assert "Outnyttjad tid (kr)" not in html
    response = client.get("/bemanning/", {"as_of": AS_OF, "format": "xlsx"})
    sheets = fastexcel.read_excel(response.content).sheet_names
    # no rates
    assert sheets == [
        "Bemanning- överkapacitet mot kö",
        "Återkommande köpt tid",
        "Inställningar",
    ]
    frame = pl.read_excel(response.content, sheet_name=sheets[0])
    assert "Outnyttjad tid (timmar)" in frame.columns
    assert [c for c in frame.columns if "(kr)" in c] == []
    structure = pl.read_excel(response.content, sheet_name=sheets[1])
    assert "Timmar per vecka" in structure.columns
    assert [c for c in structure.columns if "(kr)" in c] == []


@pytest.mark.parametrize("role", ["admin", "ledning", "controller", "chef"])
def test_the_other_roles_see_the_kronor_on_bemanning_page_and_export(role, imported, as_user):
    client = as_user(role)
    assert "Outnyttjad tid (kr)" in client.get("/bemanning/", {"as_of": AS_OF}).content.decode()
    response = client.get("/bemanning/", {"as_of": AS_OF, "format": "xlsx"})
    assert "Satser" in fastexcel.read_excel(response.content).sheet_names
    frame = pl.read_excel(response.content, sheet_name="Bemanning- överkapacitet mot kö")
    assert "Outnyttjad tid (kr)" in frame.columns


@pytest.mark.parametrize(
    "url", ["/overtid/", "/sjukfranvaro/", "/arenden/", "/enheter/", "/enheter/81515/"]
)
def test_no_table_shows_the_coordinator_a_column_in_kronor(url, imported, as_user):
    assert "(kr)" in as_user("controller").get(url, {"as_of": AS_OF}).content.decode()
    assert "(kr)" not in as_user("samordnare").get(url, {"as_of": AS_OF}).content.decode()
