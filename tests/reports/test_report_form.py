"""The report forms (issue 15, item 10): texts edited at full width with a preview rendered by
the server as the documents render them, and only the formats a document comes in."""

from __future__ import annotations

import datetime as dt

import pytest

from timbalans.accounts.models import AuditEvent
from timbalans.reports import services
from timbalans.reports.models import Report

pytestmark = pytest.mark.django_db

TEXT = (
    "Inledning <b>fet?</b>\n\n- Avräkningsperioderna\n- Övertiden\n"
    "1. Godkänna\n2. Lägga till handlingarna"
)
RENDERED = (
    "<p>Inledning &lt;b&gt;fet?&lt;/b&gt;</p>"
    "<ul><li>Avräkningsperioderna</li><li>Övertiden</li></ul>"
    "<ol><li>Godkänna</li><li>Lägga till handlingarna</li></ol>"
)


def test_the_preview_renders_a_text_as_the_documents_do(imported, as_user):
    response = as_user("ledning").post("/rapporter/forhandsgranska/focus/", {"focus": TEXT})
    assert response.status_code == 200
    assert response.content.decode().strip() == RENDERED


def test_the_preview_is_only_for_the_free_texts_and_only_posted(imported, as_user):
    client = as_user("ledning")
    assert client.post("/rapporter/forhandsgranska/title/", {"title": "x"}).status_code == 404
    assert client.post("/rapporter/forhandsgranska/created_by_name/").status_code == 404
    assert client.get("/rapporter/forhandsgranska/focus/").status_code == 405
    assert as_user("samordnare").post("/rapporter/forhandsgranska/focus/").status_code == 403


def test_each_free_text_is_a_full_width_field_with_its_preview(imported, as_user, access_of):
    report = services.report_create(
        access=access_of("ledning"), user=None, unit_id="", as_of=dt.date(2025, 2, 28)
    )
    Report.objects.filter(pk=report.pk).update(focus=TEXT)
    page = as_user("ledning").get(f"/rapporter/{report.pk}/").content.decode()
    assert '<form method="post" class="panel wide">' in page
    for name in ("case_description", "statement", "focus", "economic_assessment"):
        assert f'hx-post="/rapporter/forhandsgranska/{name}/"' in page
        assert f'hx-target="#preview-{name}"' in page
        assert f'<div class="md-preview" id="preview-{name}"' in page
    assert 'hx-post="/rapporter/forhandsgranska/title/"' not in page
    start = page.index('id="preview-focus"')
    assert RENDERED in page[start : page.index("</div>", start)]


def test_the_document_form_offers_only_the_formats_a_document_comes_in(imported, as_user):
    client = as_user("ledning")
    page = client.get("/rapporter/").content.decode()
    assert 'hx-get="/rapporter/format/"' in page
    handlingsplan = (
        '<select name="format" id="document-format"><option value="docx">Word (docx)</option>'
        '<option value="pdf">PDF</option></select>'
    )
    assert handlingsplan in page  # the first kind, chosen when the page opens
    monthly = client.get("/rapporter/format/", {"kind": "manadsuppfoljning"}).content.decode()
    assert monthly.strip() == (
        '<select name="format" id="document-format"><option value="xlsx">Excel (xlsx)</option>'
        "</select>"
    )
    board = client.get("/rapporter/format/", {"kind": "aterrapportering"}).content.decode()
    assert board.strip() == handlingsplan


@pytest.mark.parametrize(
    ("kind", "fmt", "message"),
    [
        (
            "manadsuppfoljning",
            "docx",
            "Månadsuppföljning finns som Excel (xlsx), inte som Word (docx).",
        ),
        (
            "manadsuppfoljning",
            "pdf",
            "Månadsuppföljning finns som Excel (xlsx), inte som PDF.",
        ),
        (
            "aterrapportering",
            "xlsx",
            "Återrapportering finns som Word (docx) eller PDF, inte som Excel (xlsx).",
        ),
    ],
)
def test_a_combination_the_form_does_not_offer_is_refused_in_swedish(
    imported, as_user, kind, fmt, message
):
    response = as_user("ledning").get(
        "/rapporter/dokument/",
        {"kind": kind, "unit_id": "", "as_of": "2025-02-28", "format": fmt},
        follow=True,
    )
    assert response.redirect_chain == [("/rapporter/", 302)]
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REPORT).exists()
