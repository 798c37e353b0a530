"""A decision letter entered by hand (issue 15, item 7): checked as an import, saved as a
batch that the import page undoes, in the audit trail; a unit manager only for the cases of
her units.

The department (tests/builders.py): case 51470 (unit 81515) has one FK decision of 100 h per
week, 2025-01-01 – 2025-12-31, settlement periods of six months from 2025-01-01; on D =
2025-02-15 its current period is 2025-01-01 – 2025-06-30 (181 days), granted
100 × 181 / 7 = 2 585.71 h. A new FK decision of 120 h from 2025-04-01 supersedes it from
that day and its grid is the same (six months from 2025-01-01), so the period continues:
90 days × 100 / 7 + 91 days × 120 / 7, that is 91 × 20 / 7 = 260 h more.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import pytest

from tests.web.conftest import AS_OF
from timbalans.accounts.models import AuditEvent
from timbalans.accounts.selectors import access_for
from timbalans.ingest import messages as msg
from timbalans.records.decision_entry import DECISION_EXISTS, NOT_YOUR_CASE
from timbalans.records.models import Decision, ImportBatch
from timbalans.web import selectors
from timbalans.web.filters import Filters
from timbalans.web.views.decisions import REJECTED, SAVED

pytestmark = pytest.mark.django_db

URL = "/beslut/nytt/"
VALID = {
    "case_id": "51470",
    "payer": "FK",
    "hours_per_week": "120",
    "double_hours_per_week": "",
    "valid_from": "2025-04-01",
    "valid_to": "2025-12-31",
    "period_start": "2025-01-01",
    "period_months": "6",
    "hourly_rate": "",
}


def _granted(user) -> float:
    access = access_for(user=user)
    page = selectors.case_page(
        access=access, filters=Filters(as_of=dt.date.fromisoformat(AS_OF)), case_id="51470"
    )
    assert page.current is not None
    assert page.current["period_start"] == dt.date(2025, 1, 1)
    return float(page.current["granted_hours"])


def _error(html: str, field: str) -> str:
    start = html.index(f'<span class="error-text" id="e-{field}">') + len(
        f'<span class="error-text" id="e-{field}">'
    )
    return html[start : html.index("</span>", start)]


def test_a_valid_decision_is_saved_as_a_batch_the_figures_follow_and_undo_restores(
    imported, users, as_user
):
    assert _granted(users["chef"]) == pytest.approx(100 * 181 / 7)
    client = as_user("chef")
    response = client.post(URL, VALID)
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch is not None and batch.pk != imported.pk
    assert response.status_code == 302
    assert response["Location"] == "/arenden/51470/"
    assert batch.source == "Beslut inmatat för hand, ärende 51470"
    assert batch.rows == {"decisions": 1}
    assert batch.created_by_name == "chef"
    assert batch.files[0]["name"] == "formuläret"
    stored = Decision.objects.get(case__case_id="51470", valid_from=dt.date(2025, 4, 1))
    assert (stored.payer, str(stored.hours_per_week), stored.valid_to) == (
        "FK",
        "120.00",
        dt.date(2025, 12, 31),
    )
    event = AuditEvent.objects.get(action="import", target=f"import {batch.pk}")
    assert event.username == "chef"
    assert event.detail["decision"]["hours_per_week"] == "120.0"

    page = client.get(response["Location"], {"as_of": AS_OF}).content.decode()
    assert escape(SAVED.format(case="51470", number=batch.pk)) in page
    notice = msg.DECISION_SUPERSEDED.format(
        file="formuläret",
        case="51470",
        payer="FK",
        start="2025-01-01",
        end="2025-12-31",
        new_start="2025-04-01",
        new_end="2025-03-31",
    )
    assert escape(notice) in page

    assert _granted(users["chef"]) == pytest.approx(100 * 181 / 7 + 260)

    admin = as_user("admin")
    undone = admin.post(f"/import/{batch.pk}/angra/", follow=True).content.decode()
    assert f"Import {batch.pk} är ångrad." in undone
    assert not Decision.objects.filter(valid_from=dt.date(2025, 4, 1)).exists()
    assert _granted(users["chef"]) == pytest.approx(100 * 181 / 7)


def _bad(**changes: str) -> dict[str, str]:
    return {**VALID, **changes}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (_bad(hours_per_week=""), "hours_per_week", msg.VALUE_MISSING),
        (
            _bad(hours_per_week="många"),
            "hours_per_week",
            msg.BAD_NUMBER.format(value="många"),
        ),
        (
            _bad(hours_per_week="200"),
            "hours_per_week",
            msg.OUT_OF_RANGE.format(value="200", minimum="0", maximum="168"),
        ),
        (
            _bad(double_hours_per_week="130"),
            "double_hours_per_week",
            msg.DOUBLE_OVER_TOTAL.format(value="130", total="120"),
        ),
        (
            _bad(payer="Region"),
            "payer",
            msg.BAD_CHOICE.format(value="Region", choices="FK, KOMMUN"),
        ),
        (
            _bad(valid_from="1/4 2025"),
            "valid_from",
            msg.BAD_DATE.format(value="1/4 2025"),
        ),
        (
            _bad(valid_to="2025-03-31"),
            "valid_to",
            msg.DATE_BEFORE_START.format(value="2025-03-31", start="2025-04-01"),
        ),
        (
            _bad(period_months="7"),
            "period_months",
            msg.OUT_OF_RANGE.format(value="7", minimum="1", maximum="6"),
        ),
        (
            _bad(period_months="tre"),
            "period_months",
            msg.BAD_INTEGER.format(value="tre"),
        ),
        (
            _bad(valid_from="2025-01-01"),
            "valid_from",
            DECISION_EXISTS.format(case="51470", start="2025-01-01"),
        ),
        (
            _bad(case_id="99999"),
            "case_id",
            msg.UNKNOWN_REFERENCE.format(
                what="ärendet", value="99999", file="cases.csv", expected="ett ärende i cases"
            ),
        ),
    ],
    ids=[
        "missing hours",
        "hours not a number",
        "hours over a week",
        "double over granted",
        "unknown payer",
        "date not a date",
        "ends before it starts",
        "period too long",
        "period not an integer",
        "same start as a stored decision",
        "unknown case",
    ],
)
def test_each_invalid_input_gives_the_imports_message_and_stores_nothing(
    values, field, message, imported, as_user
):
    client = as_user("admin")
    response = client.post(URL, values)
    assert response.status_code == 200
    html = response.content.decode()
    assert _error(html, field) == escape(message)
    assert escape(REJECTED.format(count=1)) in html
    assert f'value="{escape(values[field])}"' in html or field == "payer"
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [imported.pk]


def test_a_unit_manager_cannot_enter_a_decision_for_another_units_case(imported, as_user):
    client = as_user("chef")
    form = client.get(URL).content.decode()
    assert '<option value="51470">' in form
    assert '<option value="51357">' not in form
    html = client.post(URL, _bad(case_id="51357")).content.decode()
    assert _error(html, "case_id") == escape(NOT_YOUR_CASE.format(case="51357"))
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [imported.pk]
    # The same answer as for a case that does not exist: nothing is told about it.
    html = client.post(URL, _bad(case_id="99999")).content.decode()
    assert _error(html, "case_id") == escape(NOT_YOUR_CASE.format(case="99999"))


def test_an_administrator_enters_a_decision_for_any_unit_as_a_file_would_give_it(imported, as_user):
    client = as_user("admin")
    values = _bad(
        case_id=" 51357 ",
        payer="kommun",
        hours_per_week="10,5",
        double_hours_per_week="2,25",
        valid_to="",
        period_start="2025-04-01",
        period_months="3",
        hourly_rate="1 234,50",
    )
    response = client.post(URL, values)
    assert response["Location"] == "/arenden/51357/"
    stored = Decision.objects.get(case__case_id="51357", payer="KOMMUN")
    assert (
        str(stored.hours_per_week),
        str(stored.double_hours_per_week),
        stored.valid_to,
        stored.period_months,
        str(stored.hourly_rate),
    ) == ("10.50", "2.25", None, 3, "1234.50")


@pytest.mark.parametrize("role", ["controller", "ledning", "samordnare"])
def test_other_roles_may_not_enter_decisions(role, imported, as_user):
    client = as_user(role)
    assert client.get(URL).status_code == 403
    assert client.post(URL, VALID).status_code == 403
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [imported.pk]


def test_the_case_page_links_to_the_form_for_those_who_may_enter(imported, as_user):
    link = f'href="{URL}?arende=51470"'
    assert link in as_user("chef").get("/arenden/51470/", {"as_of": AS_OF}).content.decode()
    assert link not in as_user("ledning").get("/arenden/51470/").content.decode()
    form = as_user("chef").get(URL, {"arende": "51470"}).content.decode()
    assert 'name="case_id" value="51470"' in form
