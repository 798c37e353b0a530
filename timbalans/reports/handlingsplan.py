"""The action plan (Handlingsplan) of a unit, modelled on the department's own plan
(shared/seeds): a summary with the computed deficit, the share of cases in deficit and the
main cost drivers; the measures table; each measure's description, opportunities, risks and
effect; and, beyond the seed, each measure's KPI with its measured effect and follow-ups."""

from __future__ import annotations

from timbalans.reports import fmt
from timbalans.reports.content import (
    Bullets,
    Document,
    Heading,
    Paragraph,
    Table,
    text_blocks,
)
from timbalans.reports.data import (
    BaseLine,
    CaseLine,
    MeasureLine,
    PlanDocumentData,
    PlanSummary,
)

MEASURES_HEADERS = (
    "Namn på åtgärd",
    "Startdatum",
    "Ekonomisk effekt (innevarande år)",
    "Ekonomisk effekt (helår)",
)
METHOD_NOTE = (
    "Nyckeltalen avser de tolv månaderna fram till respektive datum och räknas fram ur "
    "Timbalans nyckeltalstabeller. Uppmätt effekt = nyckeltalets kostnad vid baslinjen − "
    "kostnaden nu; eftersom båda avser tolv månader jämförs varje månad med samma månad året "
    "innan. Helårstakt = uppmätt effekt × 12 / antal månader sedan baslinjen (högst 12); "
    "innevarande år = helårstakt × den del av året som åtgärden pågår. Bedömd effekt är "
    "{low}–{high} % av områdets kostnad (tabellen Effekt av åtgärder), för innevarande år i "
    "proportion till den del av året som återstår från startdatum. Uppmätt i fasta priser är samma "
    "jämförelse ur tidsdata med de priser (satser som schablonbelopp och OB, och löner) som "
    "gällde när planen började; priseffekten är det prisändringarna ensamma gjorde och räknas "
    "inte som åtgärdens effekt."
)
CASES_HEADERS = (
    "Ärende",
    "Intäkter",
    "Kostnader",
    "Resultat",
    "Strukturella kostnader",
    "Påverkbart resultat",
    "Utförda timmar",
)
CASES_CAPTION = "De utpekade ärendena, {start} – {end}"


def cases_table(cases: tuple[CaseLine, ...], *, start: str, end: str) -> Table:
    """Measure 2's named cases with their figures over the 12 months ending D, and the sum."""

    def row(label: str, c: list[float]) -> tuple[str, ...]:
        return (label, *(fmt.kr(v) for v in c[:5]), fmt.hours(c[5]))

    values = [
        [
            c.revenue,
            c.cost_total,
            c.result,
            c.structural_cost,
            c.result_influenceable,
            c.worked_hours,
        ]
        for c in cases
    ]
    rows = [row(c.case_id, v) for c, v in zip(cases, values, strict=True)]
    if len(cases) > 1:
        rows.append(row("Summa", [sum(col) for col in zip(*values, strict=True)]))
    return Table(
        caption=CASES_CAPTION.format(start=start, end=end),
        headers=CASES_HEADERS,
        rows=tuple(rows),
        numeric=(False, True, True, True, True, True, True),
    )


BASES_HEADERS = ("Område", "Kostnadsbas", "Timmar", "Bedömd effekt", "Så är basen räknad")


def bases_table(bases: tuple[BaseLine, ...]) -> Table:
    """The savings areas with their cost base and one sentence on how each is computed."""
    return Table(
        caption="Kostnadsbaser per åtgärdsområde (12 månader)",
        headers=BASES_HEADERS,
        rows=tuple(
            (
                b.label,
                fmt.kr(b.cost_base),
                fmt.hours(b.hours) if b.hours is not None else "",
                fmt.kr_range(b.effect_low, b.effect_high) if b.effect_low is not None else "",
                b.text,
            )
            for b in bases
        ),
        numeric=(False, True, True, True, False),
    )


def _summary(data: PlanDocumentData, s: PlanSummary) -> list:
    where = f" inom ansvar {data.cost_center}" if data.cost_center else ""
    months = f"{s.window_from:%Y-%m} – {s.window_to:%Y-%m}"
    blocks: list = []
    if s.result is not None:
        kind = "ett underskott" if s.result < 0 else "ett överskott"
        text = f"Verksamheten visar {kind} på {fmt.kr(abs(s.result))} för perioden {months}{where}"
        if s.cases_total:
            share = 100 * (s.cases_deficit or 0) / s.cases_total
            text += (
                f", där {s.cases_deficit} av {s.cases_total} ärenden ({fmt.pct(share, 0)}) "
                f"uppvisar negativa resultat"
            )
            if s.deficit_sum is not None and s.cases_deficit:
                text += f", sammanlagt {fmt.kr(abs(s.deficit_sum))}"
        blocks.append(Paragraph(text + "."))
    else:
        blocks.append(
            Paragraph(
                f"Resultat per ärende för perioden {months} saknas i underlaget "
                "(tabellen Ärendeekonomi)."
            )
        )
    if s.drivers:
        blocks.append(Paragraph("De huvudsakliga kostnadsdrivarna är:"))
        ordered = sorted(s.drivers, key=lambda d: -d.amount)
        blocks.append(
            Bullets(
                tuple(
                    f"{d.label}: {fmt.kr(d.amount)}" + (f" ({d.detail})" if d.detail else "")
                    for d in ordered
                )
            )
        )
    return blocks


def measures_table(measures: tuple[MeasureLine, ...]) -> Table:
    return Table(
        headers=MEASURES_HEADERS,
        rows=tuple(
            (
                f"{m.number}. {m.name}",
                fmt.date(m.start_date),
                fmt.tkr_range(m.effect_current_low, m.effect_current_high)
                if m.effect_current_low is not None
                else "",
                fmt.tkr_range(m.effect_full_low, m.effect_full_high)
                if m.effect_full_low is not None
                else "",
            )
            for m in measures
        ),
        numeric=(False, False, True, True),
    )


POTENTIAL_PENDING = (
    "Uppmätt potential: beräknas ännu (vad prioriteringsordningen hade sparat de 12 månaderna "
    "fram till {as_of}); skapa dokumentet igen om en stund."
)
POTENTIAL = (
    "Uppmätt potential: med prioriteringsordningen hade {refill} av de {bought} köpta "
    "timmarna de 12 månaderna fram till {as_of} ({pct}) kunnat tas inom outnyttjad avtalad "
    "tid eller som mertid för deltidsanställda, en besparing på {saving}."
)


def potential_text(m: MeasureLine) -> str:
    """Measure 3's measured potential (the staffing backtest), as the plan's page words it."""
    as_of = fmt.date(m.now_date)
    if m.potential is None:
        return POTENTIAL_PENDING.format(as_of=as_of)
    return POTENTIAL.format(
        refill=fmt.hours(m.potential.refill_hours),
        bought=fmt.hours(m.potential.bought_hours),
        as_of=as_of,
        pct=fmt.pct(m.potential.refill_pct),
        saving=fmt.kr(m.potential.saving_sek),
    )


def _measure(m: MeasureLine, *, window: tuple[str, str]) -> list:
    blocks: list = [Heading(f"Beskrivning av åtgärd {m.number}: {m.name}", 2)]
    blocks += text_blocks(m.description)
    if m.cases:
        blocks.append(cases_table(m.cases, start=window[0], end=window[1]))
    if m.responsible:
        blocks.append(Paragraph(f"Ansvarig: {m.responsible}"))
    if m.opportunities:
        blocks += [Heading("Möjligheter", 3), Bullets(m.opportunities)]
    if m.risks:
        blocks += [Heading("Risker", 3), Bullets(m.risks)]
    blocks.append(Heading("Ekonomisk effekt", 3))
    if m.effect_full_low is not None:
        blocks.append(
            Paragraph(f"Bedömd effekt: {fmt.kr_range(m.effect_full_low, m.effect_full_high)}/år")
        )
        if m.effect_current_low is not None:
            blocks.append(
                Paragraph(
                    "Bedömd effekt innevarande år: "
                    + fmt.kr_range(m.effect_current_low, m.effect_current_high)
                )
            )
    blocks += text_blocks(m.effect_text)
    if m.potential is not None or m.potential_pending:
        blocks.append(Paragraph(potential_text(m)))
    blocks.append(
        Table(
            caption="Nyckeltal",
            headers=(
                "Nyckeltal",
                f"Baslinje\n{fmt.date(m.baseline_date)}",
                f"Nu\n{fmt.date(m.now_date)}",
                "Mål",
            ),
            rows=(
                (
                    m.kpi_label,
                    fmt.kpi(m.baseline_value, m.kpi_unit),
                    fmt.kpi(m.now_value, m.kpi_unit),
                    fmt.kpi(m.target_value, m.kpi_unit) if m.target_value is not None else "",
                ),
            ),
            numeric=(False, True, True, True),
        )
    )
    if m.saving:
        blocks.append(
            Table(
                caption="Effekt: bedömd och uppmätt",
                headers=("", "Bedömd", "Uppmätt"),
                rows=(
                    (
                        "Innevarande år",
                        fmt.tkr_range(m.effect_current_low, m.effect_current_high),
                        fmt.kr(m.current_year),
                    ),
                    (
                        "Helår",
                        fmt.tkr_range(m.effect_full_low, m.effect_full_high),
                        fmt.kr(m.annualised),
                    ),
                    ("Hittills sedan baslinjen", "", fmt.kr(m.realised)),
                    (
                        "Hittills, i fasta priser"
                        + (f" per {fmt.date(m.prices_on)}" if m.prices_on else ""),
                        "",
                        fmt.kr(m.fixed_measured),
                    ),
                    ("Priseffekt (inte åtgärdens effekt)", "", fmt.kr(m.price_effect)),
                ),
                numeric=(False, True, True),
            )
        )
    if m.follow_ups:
        blocks.append(
            Table(
                caption="Uppföljningar",
                headers=("Datum", "Status", "Nyckeltal", "Uppmätt effekt, helårstakt", "Kommentar"),
                rows=tuple(
                    (
                        fmt.date(f.date),
                        f.status,
                        fmt.kpi(f.kpi_value, m.kpi_unit),
                        fmt.kr(f.annualised) if m.saving else "",
                        f.comment,
                    )
                    for f in m.follow_ups
                ),
                numeric=(False, False, True, True, False),
            )
        )
    return blocks


def build_handlingsplan(data: PlanDocumentData, *, low_pct: float, high_pct: float) -> Document:
    scope = {
        "Avdelning": "Avdelningen",
        "Enhet": f"Enhet {data.unit_id} {data.unit_name}".strip(),
        "Ärende": f"Ärende {data.case_id}, enhet {data.unit_id}",
    }.get(data.level_label, data.level_label)
    parts = [scope]
    if data.cost_center:
        parts.append(f"ansvar {data.cost_center}")
    parts.append(f"period {fmt.date(data.period_start)} – {fmt.date(data.period_end)}")
    if data.owner:
        parts.append(f"ansvarig {data.owner}")
    parts.append(f"status {data.status_label.lower()}")
    doc = Document(
        title=data.title,
        subtitle=" · ".join(parts),
        footer=f"{data.title} · underlag per {fmt.date(data.as_of)}",
    )
    doc.add(Heading("Sammanfattning"))
    doc.add(*_summary(data, data.summary))
    doc.add(*text_blocks(data.summary_text))
    doc.add(Heading("Åtgärder"), measures_table(data.measures))
    if data.bases:
        doc.add(bases_table(data.bases))
    window = (f"{data.summary.window_from:%Y-%m}", f"{data.summary.window_to:%Y-%m}")
    for m in data.measures:
        doc.add(*_measure(m, window=window))
    doc.add(
        Heading("Om beräkningarna", 2),
        Paragraph(
            METHOD_NOTE.format(low=f"{low_pct:g}", high=f"{high_pct:g}")
            + f" Underlaget är hämtat per {fmt.date(data.as_of)}.",
            small=True,
        ),
    )
    return doc
