"""Issue 15 items 4 and 6 on the server: every overview card and chart bar links to the rows
behind it, a page's filters and sort order come back when the user does (also after logging
in again), and a wide table's extra columns are behind "Fler kolumner", remembered per user
and table (tests/web/conftest.py: 51470 in unit 81515, 51357 in 81516; D = 2025-02-15)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.conftest import AS_OF
from timbalans.accounts.models import AuditEvent
from timbalans.records.figure_access import today
from timbalans.web.models import PagePreference
from timbalans.web.preferences import preference_set
from timbalans.web.views.preferences import BAD_TABLE

pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

BAR_LINK = re.compile(r'<a xlink:href="([^"]*)"><path aria-label="([^"]*)"')
JANUARY = "from=2025-01-01&amp;to=2025-01-31"
FEBRUARY = "from=2025-02-01&amp;to=2025-02-28"


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _body(html: str, table: str) -> str:
    """The ``<tbody>`` of the table named ``table``."""
    start = html.index(f'id="d-{table}"')
    return html[html.index("<tbody>", start) : html.index("</tbody>", start)]


# ---------------------------------------------------------------------------- drill-down


def test_every_overview_card_is_headed_by_a_link_to_its_rows(imported, as_user):
    html = _html(as_user("controller").get("/", {"as_of": AS_OF}))
    assert re.findall(r'<h2><a href="([^"]*)">([^<]*)</a></h2>', html) == [
        ("/overtid/?as_of=2025-02-15", "Övertid hittills i år"),
        ("/arenden/?as_of=2025-02-15&amp;sort=result", "Resultat hittills i år"),
        ("/helarsprognos/?as_of=2025-02-15", "Helårsprognos 2025"),
        ("/arenden/?as_of=2025-02-15", "Avräkningsperioder"),
        ("/bemanning/?as_of=2025-02-15", "Överkapacitet"),
        ("/sjukfranvaro/?as_of=2025-02-15", "Sjukfrånvaro hittills i år"),
    ]


def test_the_overviews_bars_link_to_a_months_overtime_the_cases_of_a_status_and_a_unit(
    imported, as_user
):
    html = _html(as_user("controller").get("/", {"as_of": AS_OF, "unit": "81516"}))
    assert BAR_LINK.findall(html) == [
        (f"/overtid/?as_of=2025-02-15&amp;{JANUARY}&amp;unit=81516", "Visa raderna: 2025-01"),
        (f"/overtid/?as_of=2025-02-15&amp;{FEBRUARY}&amp;unit=81516", "Visa raderna: 2025-02"),
        ("/arenden/?as_of=2025-02-15&amp;unit=81516&amp;status=over", "Visa raderna: Över"),
        (
            "/arenden/?as_of=2025-02-15&amp;unit=81516&amp;status=balanced",
            "Visa raderna: I balans",
        ),
        ("/arenden/?as_of=2025-02-15&amp;unit=81516&amp;status=under", "Visa raderna: Under"),
        # the unit's page names the unit: no unit filter
        ("/enheter/81516/?as_of=2025-02-15", "Visa raderna: 81516"),
    ]


@pytest.mark.parametrize(
    "url", ["/overtid/", "/sjukfranvaro/", "/bemanning/"], ids=["overtid", "sjuk", "bemanning"]
)
def test_a_monthly_pages_bars_link_to_the_page_for_that_month(url, imported, as_user):
    links = BAR_LINK.findall(_html(as_user("controller").get(url, {"as_of": AS_OF})))
    months = [
        (f"{url}?as_of=2025-02-15&amp;{JANUARY}", "Visa raderna: 2025-01"),
        (f"{url}?as_of=2025-02-15&amp;{FEBRUARY}", "Visa raderna: 2025-02"),
    ]
    # Bemanning: two bars a month (unused and bought time), each to the month's rows.
    assert links == (months * 2 if url == "/bemanning/" else months)


def test_a_months_link_leads_to_that_months_unit_rows_and_on_to_the_unit_month(imported, as_user):
    html = _html(
        as_user("controller").get(
            "/overtid/", {"as_of": AS_OF, "from": "2025-01-01", "to": "2025-01-31"}
        )
    )
    body = _body(html, "overtime")
    assert re.findall(r"<td>(\d{4}-\d\d)</td>", body) == ["2025-01", "2025-01"]
    assert re.findall(r'<td><a href="([^"]*)">', body) == [
        f"/enheter/81515/?as_of=2025-02-15&amp;{JANUARY}",
        f"/enheter/81516/?as_of=2025-02-15&amp;{JANUARY}",
    ]


def test_a_status_link_leads_to_the_cases_of_that_status(imported, as_user):
    client = as_user("controller")
    under = _body(_html(client.get("/arenden/", {"as_of": AS_OF, "status": "under"})), "arenden")
    # The at-risk order: the largest forecast deviation first.
    assert re.findall(r'<a href="/arenden/(\d+)/', under) == ["51357", "51470"]
    over = _body(_html(client.get("/arenden/", {"as_of": AS_OF, "status": "over"})), "arenden")
    assert over == '<tbody>\n<tr><td colspan="19">Inga rader för urvalet.</td></tr>\n'


def test_a_units_count_of_periods_leads_to_those_cases(imported, as_user):
    body = _body(_html(as_user("controller").get("/enheter/", {"as_of": AS_OF})), "enheter")
    # both cases are under, none over: a count of 0 links nowhere
    assert re.findall(r'<td class="num"><a href="([^"]*)">([^<]*)</a>', body) == [
        ("/arenden/?as_of=2025-02-15&amp;unit=81515&amp;status=under", "1"),
        ("/arenden/?as_of=2025-02-15&amp;unit=81516&amp;status=under", "1"),
    ]
    assert 'href="/arenden/?as_of=2025-02-15&amp;unit=81515&amp;status=over"' not in body


# ---------------------------------------------------------------------------- remembered filters


def test_coming_back_without_a_query_restores_the_last_filters_and_sort(imported, as_user):
    client = as_user("controller")
    _html(client.get("/arenden/", {"as_of": AS_OF, "status": "under", "sort": "-result"}))
    response = client.get("/arenden/")
    assert response.status_code == 302
    assert response["Location"] == "/arenden/?as_of=2025-02-15&status=under&sort=-result"
    # per page: the units page remembers nothing of it
    assert client.get("/enheter/").status_code == 200


def test_the_filters_are_remembered_across_logins(imported, users):
    first = Client()
    first.force_login(users["chef"])
    _html(first.get("/enheter/", {"as_of": AS_OF, "sort": "name"}))
    first.logout()
    again = Client()
    again.force_login(users["chef"])
    response = again.get("/enheter/")
    assert response["Location"] == "/enheter/?as_of=2025-02-15&sort=name"
    # another user has filters of her own
    other = Client()
    other.force_login(users["controller"])
    assert other.get("/enheter/").status_code == 200


def test_the_menus_link_gets_the_pages_own_sort_and_status_back(imported, as_user):
    client = as_user("controller")
    _html(client.get("/arenden/", {"as_of": AS_OF, "status": "under", "sort": "-result"}))
    # The menu carries D (and the dates and unit) from the page the user was on.
    response = client.get("/arenden/", {"as_of": "2025-01-31"})
    assert response["Location"] == "/arenden/?as_of=2025-01-31&status=under&sort=-result"
    # The filter form names the status (here: all), not the sort: the sort comes back.
    form = {"as_of": AS_OF, "from": "", "to": "", "unit": "", "status": ""}
    response = client.get("/arenden/", form)
    assert response["Location"] == (
        "/arenden/?as_of=2025-02-15&from=&to=&unit=&status=&sort=-result"
    )
    _html(client.get(response["Location"]))
    assert client.get("/arenden/")["Location"] == "/arenden/?as_of=2025-02-15&sort=-result"


def test_reset_forgets_the_filters(imported, as_user):
    client = as_user("controller")
    _html(client.get("/arenden/", {"as_of": AS_OF, "sort": "-result"}))
    response = client.get("/arenden/", {"aterstall": "1"})
    assert (response.status_code, response["Location"]) == (302, "/arenden/")
    assert client.get("/arenden/").status_code == 200
    assert not PagePreference.objects.filter(key="filters:web:cases").exists()


def test_the_filter_form_has_the_reset_link(imported, as_user):
    html = _html(as_user("controller").get("/arenden/", {"as_of": AS_OF}))
    assert '<a class="reset" href="?aterstall=1">Återställ</a>' in html


def test_todays_date_is_not_pinned(imported, as_user):
    client = as_user("controller")
    _html(client.get("/enheter/", {"as_of": today().isoformat(), "sort": "name"}))
    assert client.get("/enheter/")["Location"] == "/enheter/?sort=name"


def test_an_export_a_refused_page_and_an_empty_value_are_not_remembered(imported, as_user):
    client = as_user("chef")
    assert client.get("/arenden/", {"as_of": AS_OF, "format": "xlsx"}).status_code == 200
    assert client.get("/arenden/", {"as_of": AS_OF, "unit": "81516"}).status_code == 403
    assert client.get("/arenden/").status_code == 200
    _html(client.get("/arenden/", {"as_of": AS_OF, "from": "", "unit": "81515"}))
    assert client.get("/arenden/")["Location"] == "/arenden/?as_of=2025-02-15&unit=81515"


def test_a_remembered_unit_the_user_no_longer_sees_is_left_out(imported, users, as_user):
    preference_set(
        user=users["chef"],
        key="filters:web:cases",
        value="as_of=2025-02-15&unit=81516&sort=case_id",
    )
    response = as_user("chef").get("/arenden/")
    assert response["Location"] == "/arenden/?as_of=2025-02-15&sort=case_id"


def test_a_case_page_remembers_its_filters(imported, as_user):
    client = as_user("controller")
    _html(client.get("/arenden/51470/", {"as_of": AS_OF}))
    assert client.get("/arenden/51357/")["Location"] == "/arenden/51357/?as_of=2025-02-15"


# ---------------------------------------------------------------------------- wide tables


def _headers(html: str, table: str) -> list[tuple[str, str]]:
    start = html.index(f'id="d-{table}"')
    head = html[start : html.index("</thead>", start)]
    return re.findall(
        r'<th scope="col"(?: class="([^"]*)")? aria-sort="[^"]*"><a [^>]*>([^<]*)<', head
    )


def test_the_case_list_shows_its_most_used_columns_first_and_the_rest_behind_a_toggle(
    imported, as_user
):
    html = _html(as_user("controller").get("/arenden/", {"as_of": AS_OF}))
    assert _headers(html, "arenden") == [
        ("", "Ärende"),
        ("", "Enhet"),
        ("", "Status"),
        ("num", "Beviljade timmar"),
        ("num", "Prognos timmar"),
        ("num", "Prognos i nuvarande takt (timmar)"),
        ("num", "Prognosavvikelse timmar"),
        ("num", "Prognosavvikelse %"),
        ("num", "Planerat timmar per vecka"),
        ("num", "Behov timmar per vecka"),
        ("", "Ändring timmar per vecka"),
        ("num", "Resultat (kr)"),
        ("more", "Period från"),
        ("more", "Period till"),
        ("num more", "Obetalda timmar"),
        ("num more", "Kostnad per timme (kr)"),
        ("num more", "Intäkt per timme (kr)"),
        ("num more", "Andel timavlönade"),
        ("num more", "Andel övertid"),
    ]
    # 51357 first (the at-risk order): under, but its schedule ends 2025-02-22, so neither
    # its status nor its deviation is coloured as known; its result, a loss, is bad
    first_row = _body(html, "arenden").split("</tr>")[0]
    assert re.findall(r"<td(?: class=\"([^\"]*)\")?>", first_row) == [
        "",
        "",
        "status status-unsure",
        "num",
        "num",
        "num",
        "num",
        "num",
        "num",
        "num",
        "",  # the weekly change, in words
        "num bad",
        "date more",
        "date more",
        "num more",
        "num more",
        "num more",
        "num more",
        "num more",
    ]
    assert '<table class="data" id="d-arenden">' in html
    assert 'aria-expanded="false" aria-controls="d-arenden">Fler kolumner (7)</button>' in html


def test_fler_kolumner_is_remembered_per_user_and_table(imported, users, as_user):
    client = as_user("controller")
    response = client.post(
        "/tabell/kolumner/",
        {"table": "arenden", "show": "1", "next": "/arenden/?as_of=2025-02-15"},
    )
    assert (response.status_code, response["Location"]) == (
        302,
        "/arenden/?as_of=2025-02-15#t-arenden",
    )
    html = _html(client.get("/arenden/", {"as_of": AS_OF}))
    assert '<table class="data all-columns" id="d-arenden">' in html
    assert 'aria-expanded="true" aria-controls="d-arenden">Färre kolumner</button>' in html
    # the same table on a unit's page, but not another table
    unit = _html(client.get("/enheter/81515/", {"as_of": AS_OF}))
    assert '<table class="data all-columns" id="d-arenden">' in unit
    units = _html(client.get("/enheter/", {"as_of": AS_OF}))
    assert '<table class="data" id="d-enheter">' in units
    # nor another user
    other = Client()
    other.force_login(users["ledning"])
    assert '<table class="data" id="d-arenden">' in _html(other.get("/arenden/", {"as_of": AS_OF}))
    client.post("/tabell/kolumner/", {"table": "arenden", "show": "0", "next": "/arenden/"})
    html = _html(client.get("/arenden/", {"as_of": AS_OF}))
    assert '<table class="data" id="d-arenden">' in html


def test_the_toggle_returns_only_to_this_site_and_knows_its_tables(imported, as_user):
    client = as_user("controller")
    response = client.post(
        "/tabell/kolumner/", {"table": "enheter", "show": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/#t-enheter"
    response = client.post("/tabell/kolumner/", {"table": "<b>", "show": "1", "next": "/"})
    assert (response.status_code, response.content.decode()) == (400, BAD_TABLE)
    assert client.get("/tabell/kolumner/").status_code == 405


def test_a_narrow_table_has_no_toggle(imported, as_user):
    html = _html(as_user("controller").get("/arenden/51470/", {"as_of": AS_OF}))
    assert "Fler kolumner (8)</button>" in html  # the periods
    assert 'aria-controls="d-medarbetare"' not in html
    assert '<table class="data" id="d-medarbetare">' in html


# ---------------------------------------------------------------------------- worked rows


def test_a_cases_months_lead_to_their_worked_rows(imported, as_user):
    client = as_user("controller")
    economics = _body(_html(client.get("/arenden/51470/", {"as_of": AS_OF})), "ekonomi")
    assert re.findall(r'<td><a href="([^"]*)">([^<]*)</a>', economics) == [
        ("/arenden/51470/utfort/2025-01/?as_of=2025-02-15", "2025-01"),
        ("/arenden/51470/utfort/2025-02/?as_of=2025-02-15", "2025-02"),
    ]
    deviations = _body(_html(client.get("/avvikelser/", {"as_of": AS_OF})), "deviations")
    assert re.findall(r'<td><a href="(/arenden/\d+/utfort/[^"]*)">', deviations) == [
        "/arenden/51470/utfort/2025-01/?as_of=2025-02-15",
        "/arenden/51470/utfort/2025-02/?as_of=2025-02-15",
        "/arenden/51357/utfort/2025-01/?as_of=2025-02-15",
        "/arenden/51357/utfort/2025-02/?as_of=2025-02-15",
    ]


def test_the_worked_rows_of_a_month_without_names_for_the_controller(imported, as_user):
    html = _html(as_user("controller").get("/arenden/51470/utfort/2025-01/", {"as_of": AS_OF}))
    assert [label for _, label in _headers(html, "utfort")] == [
        "Datum",
        "Från",
        "Till",
        "Anställningsnummer",
        "Tidtyp",
        "Rast (minuter)",
        "Timmar",
    ]
    assert _body(html, "utfort") == (
        '<tbody>\n<tr><td class="date">2025-01-10</td><td>07:00</td><td>16:00</td><td>E1</td>'
        '<td>ordinarie tid</td><td class="num">60</td><td class="num">8,0</td></tr>\n'
    )
    assert "Sammanlagt 8,0 timmar." in html
    assert not AuditEvent.objects.filter(action="person_view").exists()


def test_the_unit_manager_sees_names_logged_and_only_her_cases(imported, as_user):
    client = as_user("chef")
    html = _html(client.get("/arenden/51470/utfort/2025-01/", {"as_of": AS_OF}))
    assert "<td>E1</td><td>Anna Andersson</td><td>ordinarie tid</td>" in html
    event = AuditEvent.objects.get(action="person_view")
    assert (event.username, event.target) == ("chef", "utförd tid ärende 51470 2025-01")
    assert client.get("/arenden/51357/utfort/2025-01/").status_code == 404
    assert client.get("/arenden/51470/utfort/2025-13/").status_code == 404


def test_a_page_seen_again_with_the_same_filters_writes_nothing(imported, as_user):
    client = as_user("controller")
    _html(client.get("/arenden/", {"as_of": AS_OF, "sort": "-result"}))
    before = PagePreference.objects.get(key="filters:web:cases").updated_at
    _html(client.get("/arenden/", {"as_of": AS_OF, "sort": "-result"}))
    assert PagePreference.objects.get(key="filters:web:cases").updated_at == before
    _html(client.get("/arenden/", {"as_of": AS_OF, "sort": "result"}))
    saved = PagePreference.objects.get(key="filters:web:cases")
    assert (saved.value, saved.updated_at > before) == ("as_of=2025-02-15&sort=result", True)
