"""timbalans report KIND --unit ID --as-of D --format F --out FILE."""

from __future__ import annotations

import io

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from docx import Document

from timbalans.accounts.models import AuditEvent
from timbalans.plans.models import ActionPlan

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_a_unit_without_a_plan_gets_the_seed_proposal_and_nothing_is_saved(imported, tmp_path):
    target = tmp_path / "plan.docx"
    printed = run(
        "handlingsplan",
        "--unit",
        "81515",
        "--as-of",
        "2025-06-30",
        "--start",
        "2025-03-31",
        "--format",
        "docx",
        "--out",
        str(target),
    )
    assert printed.startswith(f"Skrev {target} (")
    doc = Document(str(target))
    assert doc.paragraphs[0].text == "Handlingsplan PA Norr 2025"
    table = doc.tables[0]
    assert [row.cells[0].text for row in table.rows][1:] == [
        "1. Beslutade timmar",
        "2. Ärenden",
        "3. Vik/övertid",
        "4. Sjukfrånvaro",
        "5. Synliggöra och särskilja strukturella kostnader",
    ]
    assert not ActionPlan.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.REPORT)
    assert (event.username, event.target) == ("system", "handlingsplan (förslag) enhet 81515")
    # The proposal starts on the date given, not on D.
    assert [row.cells[1].text for row in table.rows][1:] == ["2025-03-31"] * 5


def test_the_issues_names_for_the_kinds_are_accepted(imported, tmp_path):
    target = tmp_path / "month.xlsx"
    run("monthly", "--as-of", "2025-02-28", "--format", "xlsx", "--out", str(target))
    sheets = pl.read_excel(target, sheet_id=0)
    assert "Ärendeekonomi" in sheets


def test_the_board_report_as_pdf(imported, tmp_path):
    target = tmp_path / "board.pdf"
    run("board", "--as-of", "2025-02-28", "--format", "pdf", "--out", str(target))
    assert target.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--unit", "81515", "--format", "xlsx"],
            "Handlingsplan finns som Word (docx) eller PDF, inte som Excel (xlsx).",
        ),
        (["--format", "docx"], "En handlingsplan görs för en enhet: ange enhet."),
        (["--unit", "99999", "--format", "docx"], "Enheten 99999 finns inte."),
        (
            ["--unit", "81515", "--format", "docx"],
            "Enheten 81515 har ingen sparad handlingsplan och därmed inget startdatum: ange "
            "startdatum för ett förslag, eller skapa och spara planen under Handlingsplaner.",
        ),
    ],
    ids=["wrong format", "no unit", "unknown unit", "no start date"],
)
def test_a_plan_that_cannot_be_made_is_refused_in_swedish(imported, tmp_path, args, message):
    with pytest.raises(CommandError) as exc:
        run("handlingsplan", *args, "--as-of", "2025-06-30", "--out", str(tmp_path / "x"))
    assert str(exc.value) == message


def test_a_saved_report_is_made_with_its_texts_for_its_own_unit(imported, access_of, tmp_path):
    import datetime as dt

    from timbalans.reports.services import report_create, report_update

    controller = access_of("controller")
    report = report_create(
        access=controller, user=None, unit_id="81516", as_of=dt.date(2025, 2, 28)
    )
    report_update(
        access=controller,
        user=None,
        report=report,
        title="Återrapportering Syd",
        document_date=dt.date(2025, 3, 10),
    )
    target = tmp_path / "syd.docx"
    run(
        "aterrapportering",
        "--report",
        str(report.pk),
        "--as-of",
        "2025-02-28",
        "--format",
        "docx",
        "--out",
        str(target),
    )
    paragraphs = [p.text for p in Document(str(target)).paragraphs]
    # The header (the board is the default's, the date the report's), then the title.
    assert paragraphs[:5] == [
        "Nämnd\tVård- och omsorgsnämnden",
        "Datum\t2025-03-10",
        "",
        "Återrapportering Syd",
        "Enhet 81516 PA Syd · ansvar 81516 · underlag per 2025-02-28",
    ]


def test_an_unknown_saved_report_is_refused(imported, tmp_path):
    with pytest.raises(CommandError) as exc:
        run(
            "aterrapportering",
            "--report",
            "999",
            "--as-of",
            "2025-02-28",
            "--format",
            "docx",
            "--out",
            str(tmp_path / "x.docx"),
        )
    assert str(exc.value) == "Rapport 999 finns inte."
