"""The report pages: who may make which document, scoped to the user's units, audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from docx import Document

from timbalans.accounts.models import AuditEvent
from timbalans.reports import selectors, services
from timbalans.reports.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("ledning", 200), ("controller", 200), ("chef", 200), ("samordnare", 403)],
)
def test_the_report_page_is_for_every_role_that_sees_economics(imported, as_user, role, status):
    assert as_user(role).get("/rapporter/").status_code == status


def test_a_unit_manager_downloads_the_monthly_workbook_of_own_unit(imported, as_user):
    response = as_user("chef").get(
        "/rapporter/dokument/",
        {"kind": "manadsuppfoljning", "unit_id": "81515", "as_of": "2025-02-28", "format": "xlsx"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="manadsuppfoljning-81515-2025-02.xlsx"'
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.REPORT)
    assert (event.username, event.detail["enhet"]) == ("chef", "81515")


@pytest.mark.parametrize("unit", ["81516", ""])
@pytest.mark.parametrize("kind", ["manadsuppfoljning", "aterrapportering", "handlingsplan"])
def test_a_unit_manager_cannot_make_documents_of_another_unit_or_the_department(
    imported, as_user, unit, kind
):
    fmt = "xlsx" if kind == "manadsuppfoljning" else "docx"
    response = as_user("chef").get(
        "/rapporter/dokument/",
        {"kind": kind, "unit_id": unit, "as_of": "2025-02-28", "format": fmt},
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REPORT).exists()


def test_the_selectors_refuse_another_unit_in_swedish(imported, access_of):
    with pytest.raises(PermissionDenied) as exc:
        selectors.monthly_tables(
            access=access_of("chef"), unit_id="81516", as_of=dt.date(2025, 2, 28)
        )
    assert str(exc.value) == "Du har inte behörighet till enhet 81516."
    with pytest.raises(PermissionDenied) as exc:
        selectors.require_scope(access=access_of("samordnare"), unit_id="")
    assert str(exc.value) == "Din roll ser inte ekonomi och kan inte ta fram rapporter."


def test_a_board_report_is_created_edited_and_downloaded_on_its_page(imported, as_user):
    client = as_user("ledning")
    response = client.post("/rapporter/", {"unit_id": "", "as_of": "2025-02-28"})
    report = Report.objects.get()
    assert response["Location"] == f"/rapporter/{report.pk}/"
    assert report.title.startswith("Återrapportering och revidering av handlingsplaner")
    page = client.get(f"/rapporter/{report.pk}/").content.decode()
    assert "Förslag till beslut i vård- och omsorgsnämnden" in page  # the seed's text, editable
    data = {
        "as_of": "2025-02-28",
        "title": "Återrapportering februari",
        "case_description": "Uppdraget.",
        "statement": "Yttrandet.",
        "focus": "- Avräkningsperioderna",
        "economic_assessment": "Bedömningen.",
        "decision_proposal": "1. Godkänna.",
        "send_to": "Enhetscheferna",
        "signatures": "Förvaltningschef",
        "board": "Vård- och omsorgsnämnden",
        "reference": "VON 2025/7",
        "document_date": "2025-03-05",
        "officer": "Kim Lind",
    }
    assert client.post(f"/rapporter/{report.pk}/", data).status_code == 302
    report.refresh_from_db()
    assert report.title == "Återrapportering februari"
    response = client.get(f"/rapporter/{report.pk}/dokument/", {"format": "docx"})
    assert response.status_code == 200
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert texts[:6] == [
        "Nämnd\tVård- och omsorgsnämnden",
        "Diarienummer\tVON 2025/7",
        "Datum\t2025-03-05",
        "Handläggare\tKim Lind",
        "",
        "Återrapportering februari",
    ]
    assert "Yttrandet." in texts
    assert "Avräkningsperioderna" in texts


def test_a_unit_manager_cannot_open_another_units_board_report(imported, access_of, as_user):
    report = services.report_create(
        access=access_of("controller"), user=None, unit_id="81516", as_of=dt.date(2025, 2, 28)
    )
    client = as_user("chef")
    assert client.get(f"/rapporter/{report.pk}/").status_code == 404
    assert client.get(f"/rapporter/{report.pk}/dokument/?format=docx").status_code == 404
    assert client.post(f"/rapporter/{report.pk}/", {"title": "x"}).status_code == 404
    with pytest.raises(Http404):
        selectors.report_get(access=access_of("chef"), report_id=report.pk)
    assert selectors.report_list(access=access_of("chef")) == []
    assert selectors.report_list(access=access_of("chef_syd")) == [report]


def test_a_plan_for_a_unit_without_a_saved_plan_asks_for_its_start_date(imported, as_user):
    client = as_user("chef")
    query = {"kind": "handlingsplan", "unit_id": "81515", "as_of": "2025-06-30", "format": "docx"}
    response = client.get("/rapporter/dokument/", query, follow=True)
    page = response.content.decode()
    assert (
        "Enheten 81515 har ingen sparad handlingsplan och därmed inget startdatum: ange "
        "startdatum för ett förslag, eller skapa och spara planen under Handlingsplaner."
    ) in page
    assert '<input type="date" name="start">' in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REPORT).exists()
    made = client.get("/rapporter/dokument/", {**query, "start": "2025-03-31"})
    assert made.status_code == 200
    table = Document(io.BytesIO(made.content)).tables[0]
    assert [row.cells[1].text for row in table.rows][1:] == ["2025-03-31"] * 5
