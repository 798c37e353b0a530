"""The documents made from the database, read back: the numbers in the DOCX, the PDF and the
XLSX are the figures' (hand-computed in tests/plans/conftest.py, or the figure tables).

These tests only read the department (plans and reports are no figure data), so they share
the figures they compute (``figures_shared``); the documents after a change of the data are
in tests/reports/test_documents_changed.py."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import polars as pl
import pytest
from docx import Document

from timbalans.figures.labels import column_label
from timbalans.figures.registry import FigureRequest, figure_function
from timbalans.plans import kpis
from timbalans.plans import services as plan_services
from timbalans.records.frames import frames_load
from timbalans.records.selectors import figure_settings_load
from timbalans.reports import fmt
from timbalans.reports import services as report_services
from timbalans.reports.docx_writer import docx_tables

pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

NBSP = "\u00a0"
MINUS = "\u2212"
D = dt.date(2025, 6, 30)


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


@pytest.fixture
def plan(imported, access_of):
    return plan_services.action_plan_create_from_seed(
        access=access_of("controller"), user=None, unit_id="81515", as_of=D, owner="Eva Chef"
    )


def make_plan_docx(access, plan, as_of=D) -> bytes:
    return report_services.plan_document_make(
        access=access, user=None, plan=plan, as_of=as_of, format="docx"
    ).content


def test_the_plan_summary_in_the_docx_is_the_units_computed_deficit(plan, access_of):
    text = paragraphs(make_plan_docx(access_of("chef"), plan))
    assert (
        f"Verksamheten visar ett underskott på 219{NBSP}000{NBSP}kr för perioden 2024-07 – "
        f"2025-06 inom ansvar 81515, där 5 av 6 ärenden (83{NBSP}%) uppvisar negativa "
        f"resultat, sammanlagt 225{NBSP}000{NBSP}kr."
    ) in text


def test_the_measures_table_in_the_docx_holds_the_savings_ranges_of_the_unit(plan, access_of):
    table = docx_tables(make_plan_docx(access_of("chef"), plan))[0]
    assert table[0] == [
        "Namn på åtgärd",
        "Startdatum",
        "Ekonomisk effekt (innevarande år)",
        "Ekonomisk effekt (helår)",
    ]
    # Measure 2 by hand: 10–20 % of the influenceable deficit, 220 000 less 51470's HSL
    # 10 000 = 210 000; the current year 185/365 of it.
    assert table[2] == ["2. Ärenden", "2025-06-30", f"11–21{NBSP}tkr", f"21–42{NBSP}tkr"]
    assert table[5] == [
        "5. Synliggöra och särskilja strukturella kostnader",
        "2025-06-30",
        "",
        "",
    ]
    # The other measures against the savings table computed here from the data.
    savings = figure_function("savings")(
        frames_load(units={"81515"}), FigureRequest.make(D, settings=figure_settings_load())
    )
    ranges = {
        r["area"]: fmt.tkr_range(kpis.round_kr(r["effect_low"]), kpis.round_kr(r["effect_high"]))
        for r in savings.iter_rows(named=True)
        if r["effect_low"] is not None
    }
    assert [row[3] for row in table[1:5]] == [
        ranges["decided_hours"],
        ranges["cases"],
        ranges["temp_overtime"],
        ranges["sick_leave"],
    ]


def test_each_measures_kpi_table_in_the_docx_has_baseline_now_and_target(plan, access_of):
    tables = docx_tables(make_plan_docx(access_of("chef"), plan))
    kpi_tables = [t for t in tables if t[0][0] == "Nyckeltal"]
    assert len(kpi_tables) == 5
    assert kpi_tables[1] == [
        ["Nyckeltal", "Baslinje\n2025-06-30", "Nu\n2025-06-30", "Mål"],
        [
            "Underskott i de största underskottsärendena",
            f"220{NBSP}000{NBSP}kr",
            f"220{NBSP}000{NBSP}kr",
            f"198{NBSP}000{NBSP}kr",
        ],
    ]
    assert kpi_tables[4][1] == [
        "Strukturella kostnader",
        f"10{NBSP}000{NBSP}kr",
        f"10{NBSP}000{NBSP}kr",
        "",
    ]


def test_the_pdf_carries_the_same_summary_as_the_docx(plan, access_of, tmp_path):
    made = report_services.plan_document_make(
        access=access_of("chef"), user=None, plan=plan, as_of=D, format="pdf"
    )
    assert made.content.startswith(b"%PDF-")
    assert made.filename == "handlingsplan-81515-2025-06-30.pdf"
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext saknas: apt-get install poppler-utils (scripts/system-packages)")
    path = tmp_path / made.filename
    path.write_bytes(made.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.replace(NBSP, " ").split())
    assert "Verksamheten visar ett underskott på 219 000 kr för perioden 2024-07 – 2025-06" in flat
    assert "2. Ärenden 2025-06-30 11–21 tkr 21–42 tkr" in flat


def board_docx(access, unit_id="", as_of=dt.date(2025, 2, 28)) -> bytes:
    return report_services.document_make(
        access=access,
        user=None,
        kind="aterrapportering",
        unit_id=unit_id,
        as_of=as_of,
        format="docx",
    ).content


def test_the_board_report_keeps_its_edited_texts(imported, access_of):
    ledning = access_of("ledning")
    report = report_services.report_create(
        access=ledning, user=None, unit_id="", as_of=dt.date(2025, 2, 28)
    )
    report_services.report_update(
        access=ledning,
        user=None,
        report=report,
        decision_proposal="Förslag\n1. Nämnden godkänner återrapporteringen.",
    )
    made = report_services.document_make(
        access=ledning,
        user=None,
        kind="aterrapportering",
        unit_id="",
        as_of=report.as_of,
        format="docx",
        report=report,
    )
    text = paragraphs(made.content)
    assert "1.\tNämnden godkänner återrapporteringen." in text
    assert not any("oktober 2027" in p for p in text)  # the default proposal is replaced


def monthly_xlsx(access, unit_id="", as_of=dt.date(2025, 2, 28)) -> bytes:
    return report_services.document_make(
        access=access,
        user=None,
        kind="manadsuppfoljning",
        unit_id=unit_id,
        as_of=as_of,
        format="xlsx",
    ).content


def test_the_monthly_workbook_has_every_figure_table_one_sheet_each(imported, access_of):
    sheets = pl.read_excel(monthly_xlsx(access_of("ledning")), sheet_id=0)
    assert list(sheets)[:7] == [
        "Timbalans",
        "Övertäckning",
        "Överkapacitet",
        "Ärendeekonomi",
        "Övertid",
        "Sjukfrånvaro",
        "Effekt av åtgärder",
    ]
    # The settings and the rate set the tables were computed with.
    assert "Inställningar" in sheets
    assert "Satser" in sheets
    # Health data per named employee never leaves the screen.
    assert not any("absence-employees" in name for name in sheets)


def test_the_monthly_workbook_has_the_checks_per_case_and_no_limits_per_employee(
    imported, access_of
):
    sheets = pl.read_excel(monthly_xlsx(access_of("ledning")), sheet_id=0)
    assert list(sheets)[7:10] == ["Tidredovisning", "Avvikelser", "Sjukfrånvaro per ärende"]
    assert not any("limits" in name for name in sheets)


def test_the_monthly_workbooks_numbers_are_the_figures_of_the_month(imported, access_of):
    sheets = pl.read_excel(monthly_xlsx(access_of("ledning")), sheet_id=0)
    economics = sheets["Ärendeekonomi"]
    case, result = column_label("case_id"), column_label("result")
    by_case = dict(zip(economics[case], economics[result], strict=True))
    assert by_case["51470"] == pytest.approx(-100_000)
    assert by_case["51474"] == pytest.approx(10_000)
    hours = sheets["Timbalans"]
    granted = dict(zip(hours[case], hours[column_label("granted_hours")], strict=True))
    # 10 h/week × 181 days (January–June 2025) / 7
    assert granted["51470"] == pytest.approx(10 * 181 / 7)
    overtime = sheets["Övertid"].filter(pl.col(column_label("unit_id")) == "81515")
    assert overtime[column_label("overtime_hours")].to_list() == [pytest.approx(3.0)]
    assert overtime[column_label("baseline_overtime_hours")].to_list() == [pytest.approx(6.0)]


def test_a_unit_managers_monthly_workbook_holds_only_own_unit(imported, access_of):
    sheets = pl.read_excel(monthly_xlsx(access_of("chef"), unit_id="81515"), sheet_id=0)
    economics = sheets["Ärendeekonomi"]
    assert set(economics[column_label("unit_id")]) == {"81515"}


def test_a_document_in_a_format_it_does_not_come_in_is_refused(imported, access_of):
    with pytest.raises(report_services.ReportError) as exc:
        report_services.document_make(
            access=access_of("ledning"),
            user=None,
            kind="manadsuppfoljning",
            unit_id="",
            as_of=D,
            format="docx",
        )
    assert str(exc.value) == "Månadsuppföljning finns som Excel (xlsx), inte som Word (docx)."


def test_the_docx_shows_the_cost_bases_of_the_page_with_how_each_is_computed(plan, access_of):
    tables = docx_tables(make_plan_docx(access_of("chef"), plan))
    bases = next(t for t in tables if t[0][0] == "Område")
    assert [row[0] for row in bases[1:]] == [kpis.KPIS[a].label for a in kpis.AREAS]
    assert [row[4] for row in bases[1:]] == [kpis.KPIS[a].base_text for a in kpis.AREAS]
    # The same numbers as the page: the cases base is 210 000 kr.
    assert bases[2][1] == f"210{NBSP}000{NBSP}kr"
    effect = next(t for t in tables if t[0] == ["", "Bedömd", "Uppmätt"])
    assert effect[4][0] == "Hittills, i fasta priser per 2025-06-30"
    assert effect[5][0] == "Priseffekt (inte åtgärdens effekt)"


# ---------------------------------------------------------------- the board report, issue 15


def saved_board_docx(access, **values) -> bytes:
    report = report_services.report_create(
        access=access, user=None, unit_id="", as_of=dt.date(2025, 2, 28)
    )
    report_services.report_update(access=access, user=None, report=report, **values)
    return report_services.document_make(
        access=access,
        user=None,
        kind="aterrapportering",
        unit_id="",
        as_of=report.as_of,
        format="docx",
        report=report,
    ).content


def test_the_board_report_opens_with_its_header_in_order(imported, access_of):
    text = paragraphs(
        saved_board_docx(
            access_of("ledning"),
            reference="VON 2026/112",
            document_date=dt.date(2026, 4, 28),
            officer="Kim Lind, avdelningschef",
        )
    )
    assert text[:6] == [
        "Nämnd\tVård- och omsorgsnämnden",
        "Diarienummer\tVON 2026/112",
        "Datum\t2026-04-28",
        "Handläggare\tKim Lind, avdelningschef",
        "",
        "Återrapportering och revidering av handlingsplaner LSS personlig assistans och stöd",
    ]


def test_the_signatories_are_under_their_own_heading_not_among_the_recipients(imported, access_of):
    text = paragraphs(
        saved_board_docx(
            access_of("ledning"),
            signatures="Veronica Strömsten, förvaltningschef\nShanika Karlsson, avdelningschef",
        )
    )
    recipients, signatories = (
        text.index("Beslutet ska skickas till"),
        text.index("Underskrifter"),
    )
    assert text[recipients + 1 : signatories] == ["Enhetschefer LSS personlig assistans och stöd"]
    line = "_" * 40
    assert text[signatories + 1 :][:6] == [
        "",
        line,
        "Veronica Strömsten, förvaltningschef",
        "",
        line,
        "Shanika Karlsson, avdelningschef",
    ]


def test_without_cases_over_there_is_no_over_period_list(imported, access_of):
    data = board_docx(access_of("ledning"))
    assert not any(t[0][:2] == ["Ärende", "Enhet"] for t in docx_tables(data))


def test_the_board_report_has_the_year_end_forecast_per_cost_centre(imported, access_of):
    data = board_docx(access_of("ledning"))
    table = next(t for t in docx_tables(data) if t[0][0] == "Ansvar")
    assert table[0] == [
        "Ansvar",
        "Utfall hittills (kr)",
        "Prognos resultat resten av året (kr)",
        "Helårsprognos resultat (kr)",
        "Budget (kr)",
        "Avvikelse mot budget (kr)",
    ]
    forecast = figure_function("forecast")(
        frames_load(), FigureRequest.make(dt.date(2025, 2, 28), settings=figure_settings_load())
    ).filter(pl.col("level") == "cost_center")
    by_centre = {r["cost_center"]: r for r in forecast.iter_rows(named=True)}
    assert [row[0] for row in table[1:]] == ["81515", "81516", "Summa"]
    for row in table[1:3]:
        r = by_centre[row[0]]
        assert row[1:] == [
            fmt.number(r["actual_result"]),
            fmt.number(r["forecast_result"]),
            fmt.number(r["year_result"]),
            "–",  # no budget imported
            "–",
        ]
    # The actual results are the ledger's: −219 000 and −30 000 kr.
    assert table[1][1] == f"{MINUS}219{NBSP}000"
    assert table[3][1] == f"{MINUS}249{NBSP}000"
    assert table[3][3] == fmt.number(forecast["year_result"].sum())


def test_measure_2_has_a_table_of_the_named_cases_figures(plan, access_of):
    tables = docx_tables(make_plan_docx(access_of("chef"), plan))
    cases = next(t for t in tables if t[0][0] == "Ärende")
    kr = f"{NBSP}kr"
    assert cases == [
        [
            "Ärende",
            "Intäkter",
            "Kostnader",
            "Resultat",
            "Strukturella kostnader",
            "Påverkbart resultat",
            "Utförda timmar",
        ],
        [
            "51470",
            f"200{NBSP}000{kr}",
            f"300{NBSP}000{kr}",
            f"{MINUS}100{NBSP}000{kr}",
            f"10{NBSP}000{kr}",
            f"{MINUS}90{NBSP}000{kr}",
            f"11,0{NBSP}h",
        ],
        [
            "51471",
            f"100{NBSP}000{kr}",
            f"160{NBSP}000{kr}",
            f"{MINUS}60{NBSP}000{kr}",
            f"0{kr}",
            f"{MINUS}60{NBSP}000{kr}",
            f"0,0{NBSP}h",
        ],
        [
            "51472",
            f"100{NBSP}000{kr}",
            f"140{NBSP}000{kr}",
            f"{MINUS}40{NBSP}000{kr}",
            f"0{kr}",
            f"{MINUS}40{NBSP}000{kr}",
            f"0,0{NBSP}h",
        ],
        [
            "51473",
            f"100{NBSP}000{kr}",
            f"120{NBSP}000{kr}",
            f"{MINUS}20{NBSP}000{kr}",
            f"0{kr}",
            f"{MINUS}20{NBSP}000{kr}",
            f"0,0{NBSP}h",
        ],
        [
            "Summa",
            f"500{NBSP}000{kr}",
            f"720{NBSP}000{kr}",
            f"{MINUS}220{NBSP}000{kr}",
            f"10{NBSP}000{kr}",
            f"{MINUS}210{NBSP}000{kr}",
            f"11,0{NBSP}h",
        ],
    ]


def test_measure_3_of_the_plan_document_states_its_measured_potential(
    plan, access_of, settings, tmp_path
):
    from timbalans.records import figure_cache
    from timbalans.records.figure_access import figure_request

    settings.DATA_DIR = tmp_path
    settings.TIMBALANS_PRECOMPUTE = "off"
    figure_cache.figure_cache_clear()
    assert (
        "Uppmätt potential: beräknas ännu (vad prioriteringsordningen hade sparat de 12 "
        "månaderna fram till 2025-06-30); skapa dokumentet igen om en stund."
    ) in paragraphs(make_plan_docx(access_of("chef"), plan))

    settings.TIMBALANS_PRECOMPUTE = "inline"
    table = figure_function("staffing-backtest")(frames_load(), figure_request(as_of=D))
    mine = table.filter(pl.col("unit_id") == "81515")
    bought = mine["bought_hours"].sum()
    refill = (mine["tier1_hours"] + mine["tier2_hours"]).sum()
    assert bought > 0
    text = paragraphs(make_plan_docx(access_of("chef"), plan))
    heading = text.index("Beskrivning av åtgärd 3: Vik/övertid")
    potential = next(t for t in text[heading:] if t.startswith("Uppmätt potential"))
    assert potential == (
        f"Uppmätt potential: med prioriteringsordningen hade {fmt.hours(refill)} av de "
        f"{fmt.hours(bought)} köpta timmarna de 12 månaderna fram till 2025-06-30 "
        f"({fmt.pct(100 * refill / bought)}) kunnat tas inom outnyttjad avtalad tid eller som "
        f"mertid för deltidsanställda, en besparing på {fmt.kr(mine['saving_sek'].sum())}."
    )
    # Only measure 3 states a potential.
    assert sum(t.startswith("Uppmätt potential") for t in text) == 1
    figure_cache.figure_cache_clear()
