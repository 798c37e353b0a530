"""The documents after the data change (a goal set, a correction or shifts imported): the
numbers in the DOCX are the figures' of the new data. Apart from tests/reports/
test_documents.py, whose tests only read the department and share the figures they compute."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from docx import Document

from tests.plans.conftest import LEDGER, import_tables
from tests.reports.test_documents import (
    MINUS,
    NBSP,
    D,
    board_docx,
    make_plan_docx,
    paragraphs,
    plan,
)
from timbalans.plans import services as plan_services
from timbalans.records.models import Setting
from timbalans.reports.docx_writer import docx_tables

pytestmark = pytest.mark.django_db

__all__ = ["plan"]  # the fixture


def _corrected_and_followed_up_later(chef, measure, tmp_path) -> dt.date:
    """A ledger correction (case 51470's February wages 290 000 → 250 000 kr) imported, then
    measure's follow-up "delayed" on 2025-07-31, the date returned."""
    corrected = LEDGER.replace(
        "2025-02;81515;51470;5010;290000;", "2025-02;81515;51470;5010;250000;"
    )
    import_tables(tmp_path / "correction", {"ledger": corrected})
    later = dt.date(2025, 7, 31)
    plan_services.follow_up_record(
        access=chef, user=None, measure=measure, date=later, status="delayed"
    )
    return later


def test_the_docx_shows_follow_ups_with_their_captured_values_after_a_reimport(
    plan, access_of, tmp_path
):
    chef = access_of("chef")
    measure = plan.measures.get(number=2)
    plan_services.follow_up_record(
        access=chef, user=None, measure=measure, date=D, status="on_track", comment="Start"
    )
    later = _corrected_and_followed_up_later(chef, measure, tmp_path)
    tables = docx_tables(make_plan_docx(chef, plan, as_of=later))
    follow_ups = next(t for t in tables if t[0][0] == "Datum")
    # 220 000 − 180 000 = 40 000 kr in 31 days: × 12 / (31 / 30.4375) = 471 290 kr a year.
    assert follow_ups == [
        ["Datum", "Status", "Nyckeltal", "Uppmätt effekt, helårstakt", "Kommentar"],
        ["2025-06-30", "Enligt plan", f"220{NBSP}000{NBSP}kr", "–", "Start"],
        ["2025-07-31", "Försenad", f"180{NBSP}000{NBSP}kr", f"471{NBSP}290{NBSP}kr", ""],
    ]
    effect = next(t for t in tables if t[0] == ["", "Bedömd", "Uppmätt"] and "11–21" in t[1][1])
    assert effect[2] == ["Helår", f"21–42{NBSP}tkr", f"471{NBSP}290{NBSP}kr"]
    assert effect[3] == ["Hittills sedan baslinjen", "", f"40{NBSP}000{NBSP}kr"]


@pytest.fixture
def goal_2025(imported):
    Setting.objects.create(key="overtime_goal_pct", value={"2025": -40})


def test_the_board_report_states_overtime_against_the_goal(goal_2025, access_of):
    text = paragraphs(board_docx(access_of("ledning")))
    # 3 h in February 2025 against 6 h in February 2024: −50 %, within the goal of −40 %.
    assert (
        f"Övertiden hittills i år (2025-01-01 – 2025-02-28) är 3,0{NBSP}h mot 6,0{NBSP}h samma "
        f"period 2024, en förändring med {MINUS}50,0{NBSP}%. Målet för 2025 är "
        f"{MINUS}40,0{NBSP}%: verksamheten är i fas med målet."
    ) in text


def test_the_board_report_states_the_result_and_the_settlement_periods(goal_2025, access_of):
    text = paragraphs(board_docx(access_of("ledning")))
    assert (
        "Resultatet hittills i år (2025-01-01 – 2025-02-28) är ett underskott på "
        f"249{NBSP}000{NBSP}kr; 6 av 7 ärenden har underskott."
    ) in text
    # Seven cases, each with a period January–June 2025 of 258.6 granted hours and at most
    # 11 worked: all under.
    assert (
        "Per 2025-02-28 pågår 7 avräkningsperioder. Prognosen (utförd tid och återstående "
        f"schema) ligger över beviljade timmar i 0 av dem (mer än +1,0{NBSP}%), under i 7 "
        f"(mer än {MINUS}3,0{NBSP}%) och i balans i 0. Ingen pågående period har ännu "
        "passerat sina beviljade timmar."
    ) in text


def test_the_board_reports_annex_has_the_units_figures_and_charts(goal_2025, access_of):
    data = board_docx(access_of("ledning"))
    units = next(t for t in docx_tables(data) if t[0][0] == "Enhet" and "Namn" in t[0])
    header = units[0]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in units[1:]}
    assert set(rows) == {"81515", "81516"}
    assert rows["81515"]["Ärenden med underskott"] == "5"
    assert rows["81515"]["Resultat hittills i år (kr)"] == f"{MINUS}219{NBSP}000"
    assert rows["81516"]["Resultat hittills i år (kr)"] == f"{MINUS}30{NBSP}000"
    assert rows["81515"]["Övertid hittills i år (timmar)"] == "3,0"
    assert len(Document(io.BytesIO(data)).inline_shapes) == 2  # overtime and result charts


def test_libreoffice_converts_the_docx_documents_to_pdf(plan, goal_2025, access_of, tmp_path):
    """The DOCX opens in LibreOffice: it converts both documents to PDF without error."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice saknas: apt-get install libreoffice-writer-nogui")
    files = {
        "handlingsplan.docx": make_plan_docx(access_of("chef"), plan),
        "aterrapportering.docx": board_docx(access_of("ledning")),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *(str(tmp_path / n) for n in files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in files:
        pdf = tmp_path / "pdf" / name.replace(".docx", ".pdf")
        assert pdf.exists(), result.stdout + result.stderr
        assert pdf.read_bytes().startswith(b"%PDF-")


# 51357 (unit 81516) gets open shifts of 12 h on 22 days in March 2025: 8 h worked and 264 h
# planned against 10 h/week × 181 / 7 = 258.57 h granted for January–June 2025.
SHIFTS_OVER = "shift_id;case_id;employee_id;start;end;break_minutes;kind\n" + "".join(
    f"S{d};51357;;2025-03-{d:02d} 08:00;2025-03-{d:02d} 20:00;0;assistance\n" for d in range(1, 23)
)


def test_the_board_report_lists_the_cases_over_their_settlement_periods(
    imported, access_of, tmp_path
):
    import_tables(tmp_path / "shifts", {"shifts": SHIFTS_OVER})
    data = board_docx(access_of("ledning"))
    text = paragraphs(data)
    assert (
        "Ärendena vars pågående period ligger över beviljade timmar, störst avvikelse först:"
        in text
    )
    over = next(t for t in docx_tables(data) if t[0][:2] == ["Ärende", "Enhet"])
    # 272 − 258.57 = 13.43 h over, 5.19 % of the granted hours; nothing unpaid yet.
    assert over == [
        [
            "Ärende",
            "Enhet",
            "Period från",
            "Period till",
            "Beviljade timmar",
            "Prognos timmar",
            "Prognosavvikelse timmar",
            "Prognosavvikelse %",
            "Obetalda timmar",
        ],
        [
            "51357",
            "81516",
            "2025-01-01",
            "2025-06-30",
            "258,6",
            "272,0",
            "13,4",
            f"5,2{NBSP}%",
            "0,0",
        ],
    ]


def test_the_unit_plans_are_appendices_with_measured_effects_at_fixed_prices(
    plan, access_of, tmp_path
):
    chef = access_of("chef")
    measure = plan.measures.get(number=2)
    later = _corrected_and_followed_up_later(chef, measure, tmp_path)
    data = board_docx(access_of("ledning"), as_of=later)
    text = paragraphs(data)
    # Three annex tables (units, overtime per month, the plans' measures), then the plan.
    heading = text.index("Bilaga 4. Handlingsplan PA Norr 2025")
    assert text[heading + 1] == (
        "Enhet 81515 PA Norr · period 2025-06-30 – 2025-12-31 · status utkast · ansvarig Eva Chef"
    )
    assert (
        "Uppmätt effekt = nyckeltalets kostnad de tolv månaderna fram till baslinjen − de tolv "
        "månaderna fram till 2025-07-31. I fasta priser: samma jämförelse med priserna (satser "
        "och löner) per 2025-06-30, planens start; priseffekten är vad prisändringarna ensamma "
        "gjorde och räknas inte som åtgärdens effekt."
    ) in text
    table = next(t for t in docx_tables(data) if t[0][0] == "Åtgärd" and len(t[0]) == 8)
    assert table[0][5] == "Uppmätt hittills i fasta priser"
    # The deficit of the named cases fell from 220 000 to 180 000 kr in 31 days: 40 000 kr,
    # 471 290 kr a year. Only a booked amount changed, not a price: at fixed prices the same.
    assert table[2] == [
        "2. Ärenden",
        "2025-06-30",
        f"21–42{NBSP}tkr",
        f"40{NBSP}000{NBSP}kr",
        f"471{NBSP}290{NBSP}kr",
        f"40{NBSP}000{NBSP}kr",
        f"0{NBSP}kr",
        "2025-07-31 försenad",
    ]
    assert table[5] == [
        "5. Synliggöra och särskilja strukturella kostnader",
        "2025-06-30",
        "ingen besparing",
        "–",
        "–",
        "–",
        "–",
        "–",
    ]
