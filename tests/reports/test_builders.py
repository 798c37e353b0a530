"""The document builders as pure functions of their data: the seed's structure, the computed
sentences word for word, the same blocks in DOCX and HTML."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from timbalans.reports import aterrapportering as board
from timbalans.reports.content import Heading, Table
from timbalans.reports.data import (
    BoardFigures,
    BoardReportData,
    Driver,
    MeasureLine,
    PlanDocumentData,
    PlanSummary,
)
from timbalans.reports.defaults import board_texts
from timbalans.reports.docx_writer import docx_tables, docx_text, to_docx
from timbalans.reports.handlingsplan import build_handlingsplan
from timbalans.reports.html_writer import to_html

NBSP = "\u00a0"
MINUS = "\u2212"

FIGURES = BoardFigures(
    scope_label="Avdelningen",
    cost_center="",
    year_from=dt.date(2026, 1, 1),
    as_of=dt.date(2026, 4, 30),
    baseline_year=2025,
    contracted_hours=1000.0,
    unused_hours=50.0,
    unused_cost=20_000.0,
    bought_hours=120.0,
    substitutable_hours=40.0,
    periods_total=10,
    periods_over=3,
    periods_under=2,
    unpaid_hours=12.5,
    status_over_pct=1.0,
    status_under_pct=-3.0,
    overtime_hours=45.0,
    baseline_overtime_hours=100.0,
    overtime_goal_pct=-50.0,
    ordinary_hours=2000.0,
    sick_hours=100.0,
    short_sick_hours=60.0,
    long_sick_hours=40.0,
    sick_pay_cost=15_000.0,
    result=-249_000.0,
    cases_total=7,
    cases_deficit=6,
    expected_full_low=300_000,
    expected_full_high=600_000,
    measured_annualised=120_000.0,
    measures_counted=4,
)


def test_overcapacity_is_unused_contracted_time_and_what_it_could_have_replaced():
    assert board.overcapacity_text(FIGURES) == (
        f"Månadsavlönade medarbetare har hittills i år (2026-01-01 – 2026-04-30) 50,0{NBSP}h "
        "avtalad tid som inte har använts till assistans (outnyttjad tid), "
        f"5,0{NBSP}% av den avtalade tiden, till en kostnad av 20{NBSP}000{NBSP}kr. "
        f"Under samma tid köptes 120,0{NBSP}h som timavlönade, mertid och övertid; av dessa "
        f"hade 40,0{NBSP}h kunnat utföras inom den outnyttjade tiden."
    )


def test_settlement_periods_are_counted_by_status_with_the_thresholds():
    assert board.periods_text(FIGURES) == (
        "Per 2026-04-30 pågår 10 avräkningsperioder. Prognosen (utförd tid och återstående "
        f"schema) ligger över beviljade timmar i 3 av dem (mer än +1,0{NBSP}%), under i 2 "
        f"(mer än {MINUS}3,0{NBSP}%) och i balans i 5. I de pågående perioderna har redan "
        f"12,5{NBSP}h utförts utöver beviljade timmar; de ersätts inte."
    )


def test_overtime_is_compared_with_the_baseline_year_and_the_goal():
    # (45 − 100) / 100 = −55 %, below the goal of −50 %: on track.
    assert board.overtime_text(FIGURES) == (
        f"Övertiden hittills i år (2026-01-01 – 2026-04-30) är 45,0{NBSP}h mot 100,0{NBSP}h "
        f"samma period 2025, en förändring med {MINUS}55,0{NBSP}%. Målet för 2026 är "
        f"{MINUS}50,0{NBSP}%: verksamheten är i fas med målet."
    )


def test_overtime_above_the_goal_is_not_on_track():
    from dataclasses import replace

    late = replace(FIGURES, overtime_hours=60.0)
    assert board.overtime_text(late).endswith("verksamheten är inte i fas med målet.")
    no_goal = replace(FIGURES, overtime_goal_pct=None)
    assert board.overtime_text(no_goal).endswith("Inget mål för övertiden är satt för 2026.")


def test_sick_leave_is_the_rate_with_the_short_and_long_split_and_the_sick_pay():
    assert board.sick_text(FIGURES) == (
        f"Sjukfrånvaron hittills i år (2026-01-01 – 2026-04-30) är 5,0{NBSP}% av ordinarie "
        f"arbetstid (100,0{NBSP}h, varav 60,0{NBSP}h dag 1–14 och 40,0{NBSP}h från dag 15). "
        f"Sjuklönekostnaden inklusive PO-pålägg är 15{NBSP}000{NBSP}kr."
    )


def test_the_economic_assessment_states_the_result_and_the_measures_effects():
    assert board.economics_text(FIGURES) == (
        f"Resultatet hittills i år (2026-01-01 – 2026-04-30) är ett underskott på "
        f"249{NBSP}000{NBSP}kr; 6 av 7 ärenden har underskott. De pågående "
        f"handlingsplanernas 4 åtgärder med ekonomisk effekt bedöms ge 300–600{NBSP}tkr på "
        f"helår; uppmätt effekt i helårstakt hittills är 120{NBSP}tkr."
    )


def test_the_board_report_has_the_seeds_sections_in_order():
    doc = board.build_aterrapportering(BoardReportData(texts=board_texts(), figures=FIGURES))
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    assert headings == [
        "Ärendebeskrivning",
        "Förvaltningens yttrande",
        "Överkapacitet",
        "Avräkningsperioder",
        "Övertid",
        "Sjukfrånvaro",
        "Ekonomisk bedömning",
        "Förslag till beslut",
        "Beslutet ska skickas till",
        "Underskrifter",
    ]
    assert doc.title == (
        "Återrapportering och revidering av handlingsplaner LSS personlig assistans och stöd"
    )


def test_the_header_leaves_out_empty_fields_and_both_formats_show_it():
    texts = replace(board_texts(), reference="VON 2026/112", document_date=dt.date(2026, 4, 28))
    doc = board.build_aterrapportering(BoardReportData(texts=texts, figures=FIGURES))
    assert doc.header == (
        ("Nämnd", "Vård- och omsorgsnämnden"),
        ("Diarienummer", "VON 2026/112"),
        ("Datum", "2026-04-28"),
    )
    html = to_html(doc)
    assert (
        '<table class="header"><tr><th scope="row">Nämnd</th><td>Vård- och omsorgsnämnden</td></tr>'
    ) in html
    assert html.index('class="header"') < html.index('<h1 class="title">')
    # The seed's default signatories are titles, each on a line to sign on.
    assert '<div class="sign"><p>Förvaltningschef</p></div>' in html


def _measure(**changes) -> MeasureLine:
    values = {
        "number": 1,
        "name": "Beslutade timmar",
        "start_date": dt.date(2026, 3, 31),
        "effect_current_low": 227_000,
        "effect_current_high": 302_000,
        "effect_full_low": 300_000,
        "effect_full_high": 400_000,
        "effect_text": "",
        "description": "Genomföra uppföljning.\n- beviljade timmar\n- schemalagda timmar",
        "opportunities": ("Direkt minskning",),
        "risks": ("Felaktig neddragning",),
        "responsible": "Eva",
        "kpi_label": "Obetalda timmar och övertäckning",
        "kpi_unit": "h",
        "saving": True,
        "baseline_date": dt.date(2026, 3, 31),
        "baseline_value": 1000.0,
        "target_value": 900.0,
        "now_date": dt.date(2026, 4, 30),
        "now_value": 950.0,
        "realised": 30_000.0,
        "annualised": 360_000.0,
        "current_year": 272_000.0,
    }
    values.update(changes)
    return MeasureLine(**values)


PLAN = PlanDocumentData(
    title="Handlingsplan PA Norr 2026",
    level_label="Enhet",
    unit_id="81515",
    unit_name="PA Norr",
    cost_center="81515",
    case_id="",
    owner="Eva",
    period_start=dt.date(2026, 3, 31),
    period_end=dt.date(2026, 12, 31),
    status_label="Pågående",
    as_of=dt.date(2026, 4, 30),
    summary_text="Verksamheten styrs av beviljade assistanstimmar.",
    summary=PlanSummary(
        window_from=dt.date(2025, 5, 1),
        window_to=dt.date(2026, 4, 30),
        result=-219_000.0,
        cases_total=6,
        cases_deficit=5,
        deficit_sum=-225_000.0,
        drivers=(Driver("Sjukfrånvaro", 10_000.0), Driver("Timavlönade", 50_000.0, "många")),
    ),
    measures=(
        _measure(),
        _measure(
            number=5,
            name="Synliggöra och särskilja strukturella kostnader",
            saving=False,
            effect_current_low=None,
            effect_current_high=None,
            effect_full_low=None,
            effect_full_high=None,
            effect_text="Ingen direkt besparing men:\n- Förhindrar felaktiga åtgärder",
            kpi_unit="kr",
        ),
    ),
)


def test_the_plan_summary_states_the_deficit_the_share_in_deficit_and_the_drivers_largest_first():
    text = build_handlingsplan(PLAN, low_pct=10, high_pct=20).text()
    assert (
        f"Verksamheten visar ett underskott på 219{NBSP}000{NBSP}kr för perioden 2025-05 – "
        f"2026-04 inom ansvar 81515, där 5 av 6 ärenden (83{NBSP}%) uppvisar negativa "
        f"resultat, sammanlagt 225{NBSP}000{NBSP}kr."
    ) in text
    assert text.index("Timavlönade: 50") < text.index("Sjukfrånvaro: 10")


def test_the_measures_table_has_the_seeds_columns_and_ranges_in_tkr():
    doc = build_handlingsplan(PLAN, low_pct=10, high_pct=20)
    table = next(b for b in doc.blocks if isinstance(b, Table) and b.headers[0] == "Namn på åtgärd")
    assert table.headers == (
        "Namn på åtgärd",
        "Startdatum",
        "Ekonomisk effekt (innevarande år)",
        "Ekonomisk effekt (helår)",
    )
    assert table.rows == (
        ("1. Beslutade timmar", "2026-03-31", f"227–302{NBSP}tkr", f"300–400{NBSP}tkr"),
        ("5. Synliggöra och särskilja strukturella kostnader", "2026-03-31", "", ""),
    )


def test_each_measure_has_description_opportunities_risks_and_effect():
    text = build_handlingsplan(PLAN, low_pct=10, high_pct=20).text()
    for expected in (
        "Beskrivning av åtgärd 1: Beslutade timmar",
        "Möjligheter",
        "Direkt minskning",
        "Risker",
        "Felaktig neddragning",
        f"Bedömd effekt: 300{NBSP}000 – 400{NBSP}000{NBSP}kr/år",
        "Ingen direkt besparing men:",
    ):
        assert expected in text


def test_the_docx_and_the_html_carry_the_same_words():
    doc = build_handlingsplan(PLAN, low_pct=10, high_pct=20)
    data = to_docx(doc)
    html = to_html(doc)
    words = docx_text(data)
    assert docx_tables(data)[0] == [
        [
            "Namn på åtgärd",
            "Startdatum",
            "Ekonomisk effekt (innevarande år)",
            "Ekonomisk effekt (helår)",
        ],
        ["1. Beslutade timmar", "2026-03-31", f"227–302{NBSP}tkr", f"300–400{NBSP}tkr"],
        ["5. Synliggöra och särskilja strukturella kostnader", "2026-03-31", "", ""],
    ]
    for phrase in ("Sammanfattning", f"300–400{NBSP}tkr", "Förhindrar felaktiga åtgärder"):
        assert phrase in words
        assert phrase in html


def test_html_escapes_what_a_user_typed():
    from dataclasses import replace

    doc = build_handlingsplan(
        replace(PLAN, title='<script>alert("x")</script>'), low_pct=10, high_pct=20
    )
    html = to_html(doc)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_year_end_forecast_is_set_against_the_budget():
    from dataclasses import replace

    f = replace(FIGURES, year_result=-2_500_000.0, year_budget=-3_000_000.0)
    assert board.forecast_text(f) == (
        f"Helårsprognosen för 2026 (utfall till och med 2026-04-30 och prognos för resten av "
        f"året) är ett underskott på 2{NBSP}500{NBSP}000{NBSP}kr. Budgeten är "
        f"−3{NBSP}000{NBSP}000{NBSP}kr; prognosen är 500{NBSP}000{NBSP}kr bättre än budget."
    )
    assert board.forecast_text(replace(f, year_budget=None)).endswith("000\u00a0kr.")
    assert board.forecast_text(FIGURES) == ""
