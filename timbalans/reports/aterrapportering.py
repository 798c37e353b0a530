"""The follow-up report to the board (Återrapportering), modelled on the department's report
(shared/seeds): Ärendebeskrivning, Förvaltningens yttrande with the figures (overcapacity,
settlement-period adherence, overtime against the goal, sick leave), Ekonomisk bedömning,
Förslag till beslut, and annex tables and charts. The texts are the report's own (editable);
the figure paragraphs are written from the data every time the document is made."""

from __future__ import annotations

from dataclasses import replace

from timbalans.reports import fmt
from timbalans.reports.content import (
    Block,
    Document,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Signatures,
    Table,
    text_blocks,
)
from timbalans.reports.data import BoardFigures, BoardReportData, BoardTexts, PlanAppendix

SIGNATURES_HEADING = "Underskrifter"
OVER_INTRO = "Ärendena vars pågående period ligger över beviljade timmar, störst avvikelse först:"
PLAN_HEADERS = (
    "Åtgärd",
    "Startdatum",
    "Bedömd effekt helår",
    "Uppmätt hittills",
    "Uppmätt, helårstakt",
    "Uppmätt hittills i fasta priser",
    "Priseffekt",
    "Senaste uppföljning",
)
PLAN_NOTE = (
    "Uppmätt effekt = nyckeltalets kostnad de tolv månaderna fram till baslinjen − de tolv "
    "månaderna fram till {date}. I fasta priser: samma jämförelse med priserna (satser och "
    "löner) per {prices}, planens start; priseffekten är vad prisändringarna ensamma gjorde "
    "och räknas inte som åtgärdens effekt."
)


def _ytd(f: BoardFigures) -> str:
    return f"hittills i år ({fmt.date(f.year_from)} – {fmt.date(f.as_of)})"


def overcapacity_text(f: BoardFigures) -> str:
    text = (
        f"Månadsavlönade medarbetare har {_ytd(f)} {fmt.hours(f.unused_hours)} avtalad tid som "
        f"inte har använts till assistans (outnyttjad tid)"
    )
    if f.unused_pct is not None:
        text += f", {fmt.pct(f.unused_pct)} av den avtalade tiden"
    text += f", till en kostnad av {fmt.kr(f.unused_cost)}. "
    text += (
        f"Under samma tid köptes {fmt.hours(f.bought_hours)} som timavlönade, mertid och "
        f"övertid; av dessa hade {fmt.hours(f.substitutable_hours)} kunnat utföras inom den "
        "outnyttjade tiden."
    )
    return text


def periods_text(f: BoardFigures) -> str:
    balanced = f.periods_total - f.periods_over - f.periods_under
    text = (
        f"Per {fmt.date(f.as_of)} pågår {f.periods_total} avräkningsperioder. Prognosen "
        "(utförd tid och återstående schema) ligger över beviljade timmar i "
        f"{f.periods_over} av dem (mer än {fmt.signed_pct(f.status_over_pct)}), under i "
        f"{f.periods_under} (mer än {fmt.signed_pct(f.status_under_pct)}) och i balans i "
        f"{balanced}."
    )
    if f.unpaid_hours > 0:
        text += (
            f" I de pågående perioderna har redan {fmt.hours(f.unpaid_hours)} utförts utöver "
            "beviljade timmar; de ersätts inte."
        )
    else:
        text += " Ingen pågående period har ännu passerat sina beviljade timmar."
    return text


def overtime_text(f: BoardFigures) -> str:
    year = f.as_of.year
    change = f.overtime_change_pct
    text = f"Övertiden {_ytd(f)} är {fmt.hours(f.overtime_hours)}"
    if change is not None:
        text += (
            f" mot {fmt.hours(f.baseline_overtime_hours)} samma period {f.baseline_year}, "
            f"en förändring med {fmt.signed_pct(change)}."
        )
    else:
        text += f"; jämförelseåret {f.baseline_year} saknar övertid att jämföra med."
    if f.overtime_goal_pct is None:
        text += f" Inget mål för övertiden är satt för {year}."
    elif change is not None:
        state = "i fas med målet" if f.on_track else "inte i fas med målet"
        text += (
            f" Målet för {year} är {fmt.signed_pct(f.overtime_goal_pct)}: verksamheten är {state}."
        )
    return text


def sick_text(f: BoardFigures) -> str:
    text = f"Sjukfrånvaron {_ytd(f)} är {fmt.pct(f.sick_rate_pct)} av ordinarie arbetstid"
    text += (
        f" ({fmt.hours(f.sick_hours)}, varav {fmt.hours(f.short_sick_hours)} dag 1–14 och "
        f"{fmt.hours(f.long_sick_hours)} från dag 15). "
        f"Sjuklönekostnaden inklusive PO-pålägg är {fmt.kr(f.sick_pay_cost)}."
    )
    return text


def economics_text(f: BoardFigures) -> str:
    parts = []
    if f.result is not None:
        kind = "underskott" if f.result < 0 else "överskott"
        text = f"Resultatet {_ytd(f)} är ett {kind} på {fmt.kr(abs(f.result))}"
        if f.cases_total:
            text += f"; {f.cases_deficit} av {f.cases_total} ärenden har underskott"
        parts.append(text + ".")
    if f.measures_counted:
        text = (
            f"De pågående handlingsplanernas {f.measures_counted} åtgärder med ekonomisk effekt "
            f"bedöms ge {fmt.tkr_range(f.expected_full_low, f.expected_full_high)} på helår"
        )
        if f.measured_annualised is not None:
            text += f"; uppmätt effekt i helårstakt hittills är {fmt.tkr(f.measured_annualised)}"
        parts.append(text + ".")
    return " ".join(parts)


def forecast_text(f: BoardFigures) -> str:
    """The year-end forecast (helårsprognos) against the budget, one or two sentences."""
    if f.year_result is None:
        return ""
    kind = "underskott" if f.year_result < 0 else "överskott"
    text = (
        f"Helårsprognosen för {f.as_of.year} (utfall till och med {fmt.date(f.as_of)} och "
        f"prognos för resten av året) är ett {kind} på {fmt.kr(abs(f.year_result))}."
    )
    if f.year_budget is not None:
        deviation = f.year_result - f.year_budget
        side = "bättre" if deviation >= 0 else "sämre"
        text += (
            f" Budgeten är {fmt.kr(f.year_budget)}; prognosen är {fmt.kr(abs(deviation))} "
            f"{side} än budget."
        )
    return text


def header_fields(t: BoardTexts) -> tuple[tuple[str, str], ...]:
    """Nämnd, diarienummer, datum and handläggare, in that order; empty ones left out."""
    fields = (
        ("Nämnd", t.board),
        ("Diarienummer", t.reference),
        ("Datum", fmt.date(t.document_date) if t.document_date else ""),
        ("Handläggare", t.officer),
    )
    return tuple((label, value.strip()) for label, value in fields if value.strip())


def signatories(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def plan_table(plan: PlanAppendix) -> Table:
    rows = []
    for m in plan.measures:
        latest = m.follow_ups[-1] if m.follow_ups else None
        seen = f"{fmt.date(latest.date)} {latest.status.lower()}" if latest else fmt.DASH
        if m.saving:
            money = (
                fmt.tkr_range(m.effect_full_low, m.effect_full_high),
                fmt.kr(m.realised),
                fmt.kr(m.annualised),
                fmt.kr(m.fixed_measured),
                fmt.kr(m.price_effect),
            )
        else:
            money = ("ingen besparing", fmt.DASH, fmt.DASH, fmt.DASH, fmt.DASH)
        rows.append((f"{m.number}. {m.name}", fmt.date(m.start_date), *money, seen))
    return Table(
        caption=f"Åtgärder och effekt per {fmt.date(plan.as_of)}",
        headers=PLAN_HEADERS,
        rows=tuple(rows),
        numeric=(False, False, True, True, True, True, True, False),
    )


def plan_blocks(n: int, plan: PlanAppendix) -> list[Block]:
    about = [
        plan.scope_label,
        f"period {fmt.date(plan.period_start)} – {fmt.date(plan.period_end)}",
        f"status {plan.status_label.lower()}",
    ]
    if plan.owner:
        about.append(f"ansvarig {plan.owner}")
    return [
        PageBreak(),
        Heading(f"Bilaga {n}. {plan.title}", 2),
        Paragraph(" · ".join(about)),
        plan_table(plan),
        Paragraph(
            PLAN_NOTE.format(date=fmt.date(plan.as_of), prices=fmt.date(plan.period_start)),
            small=True,
        ),
    ]


def build_aterrapportering(data: BoardReportData) -> Document:
    t, f = data.texts, data.figures
    where = f" · ansvar {f.cost_center}" if f.cost_center else ""
    doc = Document(
        title=t.title,
        subtitle=f"{f.scope_label}{where} · underlag per {fmt.date(f.as_of)}",
        footer=f"Återrapportering · underlag per {fmt.date(f.as_of)}",
        header=header_fields(t),
    )
    doc.add(Heading("Ärendebeskrivning"), *text_blocks(t.case_description))
    doc.add(Heading("Förvaltningens yttrande"), *text_blocks(t.statement))
    doc.add(Heading("Överkapacitet", 2), Paragraph(overcapacity_text(f)))
    doc.add(Heading("Avräkningsperioder", 2), Paragraph(periods_text(f)))
    if data.over_periods is not None:
        doc.add(Paragraph(OVER_INTRO), data.over_periods)
    doc.add(Heading("Övertid", 2), Paragraph(overtime_text(f)))
    doc.add(Heading("Sjukfrånvaro", 2), Paragraph(sick_text(f)))
    doc.add(*text_blocks(t.focus))
    doc.add(Heading("Ekonomisk bedömning"))
    computed = economics_text(f)
    if computed:
        doc.add(Paragraph(computed))
    year_end = forecast_text(f)
    if year_end:
        doc.add(Paragraph(year_end))
    if data.forecast is not None:
        doc.add(data.forecast)
    doc.add(*text_blocks(t.economic_assessment))
    doc.add(Heading("Förslag till beslut"), *text_blocks(t.decision_proposal))
    if t.send_to.strip():
        doc.add(Heading("Beslutet ska skickas till", 2), *text_blocks(t.send_to))
    if signatories(t.signatures):
        doc.add(Heading(SIGNATURES_HEADING, 2), Signatures(signatories(t.signatures)))
    if data.annex_tables or data.charts or data.plans:
        annex: list[Block] = [PageBreak(), Heading("Bilagor")]
        for n, table in enumerate(data.annex_tables, start=1):
            annex.append(Heading(f"Bilaga {n}. {table.caption}", 2))
            annex.append(replace(table, caption=""))
        annex.extend(Image(chart.png, chart.caption) for chart in data.charts)
        for n, plan in enumerate(data.plans, start=len(data.annex_tables) + 1):
            annex.extend(plan_blocks(n, plan))
        doc.add(*annex)
    return doc
