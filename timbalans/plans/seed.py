"""The department's action plan as written by hand (shared/seeds): the five measures a unit
plan starts from, with their descriptions, opportunities and risks, and the plan's summary.

Plain data, no Django: the services copy it into a new plan, where every text is editable.
The measure names are the seed's, with its typo ("Beslutatde") corrected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SeedMeasure:
    number: int
    name: str
    kpi: str
    description: str
    opportunities: tuple[str, ...]
    risks: tuple[str, ...]
    # For a measure without a money effect: what it gives instead (measure 5).
    effect_text: str = ""


MEASURES: tuple[SeedMeasure, ...] = (
    SeedMeasure(
        number=1,
        name="Beslutade timmar",
        kpi="decided_hours",
        description=(
            "Genomföra systematisk uppföljning av att schemalagd och utförd tid motsvarar "
            "beviljade assistanstimmar per ärende. Identifiera och åtgärda avvikelser såsom "
            "överbemanning, ineffektiva pass och schemalagd tid som inte motsvarar faktisk "
            "behovsbild.\n"
            "Arbetet innebär att varje ärende analyseras utifrån:\n"
            "- beviljade timmar\n"
            "- schemalagda timmar\n"
            "- faktisk arbetad tid\n"
            "Scheman justeras för att minimera övertäckning och säkerställa att resurser används "
            "där de skapar värde."
        ),
        opportunities=(
            "Direkt minskning av personalkostnader utan att påverka kvalitet",
            "Ökad kontroll över ekonomin per ärende",
            "Identifiering av strukturella avvikelser i bemanning",
        ),
        risks=(
            "Risk för felaktig neddragning om analysen inte görs korrekt",
            "Risk att kontinuitet påverkas om justeringar sker för snabbt",
            "Kräver hög datakvalitet och noggrann uppföljning",
        ),
    ),
    SeedMeasure(
        number=2,
        name="Ärenden",
        kpi="cases",
        description=(
            "Genomföra riktade analyser och åtgärder i de ärenden som uppvisar störst underskott "
            "({cases}).\n"
            "Fokus ligger på att stabilisera bemanningen genom:\n"
            "- minskning av antalet timanställda\n"
            "- ökad kontinuitet i personalgrupper\n"
            "- optimering av personalstruktur\n"
            "Varje ärende får en individuell åtgärdsplan."
        ),
        opportunities=(
            "Betydande ekonomisk effekt då ett fåtal ärenden står för stor del av underskottet",
            "Ökad kvalitet och kontinuitet för brukare",
            "Minskad sårbarhet vid frånvaro",
        ),
        risks=(
            "Svårigheter att rekrytera rätt kompetens",
            "Risk för ökad belastning på befintlig personal",
            "Begränsad flexibilitet i komplexa ärenden",
        ),
    ),
    SeedMeasure(
        number=3,
        name="Vik/övertid",
        kpi="temp_overtime",
        description=(
            "Minska beroendet av timanställda och övertid genom att införa en tydlig "
            "prioriteringsordning vid bemanning:\n"
            "- Ordinarie personal\n"
            "- Utökad arbetstid för deltidsanställda\n"
            "- Timanställda\n"
            "Samplanering mellan ärenden används där det är möjligt utan att påverka kontinuitet "
            "negativt. Akuta lösningar ska ersättas av planerad bemanning."
        ),
        opportunities=(
            "Minskade kostnader för timvikarier och övertid",
            "Ökad förutsägbarhet i bemanning",
            "Effektivare nyttjande av befintlig personal",
        ),
        risks=(
            "Begränsad möjlighet till samplanering på grund av brukarens behov",
            "Risk för bemanningsbrist vid hög frånvaro",
            "Kräver förändrade arbetssätt",
        ),
    ),
    SeedMeasure(
        number=4,
        name="Sjukfrånvaro",
        kpi="sick_leave",
        description=(
            "Sjukfrånvaro hanteras som en central ekonomisk och operativ riskfaktor.\n"
            "Arbetet fokuserar på:\n"
            "- tidiga insatser vid upprepad korttidsfrånvaro\n"
            "- uppföljning per ärende\n"
            "- dialog med medarbetare\n"
            "- koppling mellan sjukfrånvaro och bemanningskostnader\n"
            "Målet är att minska behovet av ersättningsbemanning."
        ),
        opportunities=(
            "Minskade kostnader för vikarier och övertid",
            "Ökad stabilitet i personalgrupper",
            "Förbättrad arbetsmiljö",
        ),
        risks=(
            "Svårt att påverka sjukfrånvaro på kort sikt",
            "Risk för ökad belastning om åtgärder inte balanseras",
            "Kräver kontinuerligt ledarskap",
        ),
    ),
    SeedMeasure(
        number=5,
        name="Synliggöra och särskilja strukturella kostnader",
        kpi="structural",
        description=(
            "Kartlägga kostnader som inte täcks av assistansersättningen, såsom HSL-insatser och "
            "personal som inte fullt ut kan bidra i ordinarie bemanningen. En del av "
            "kostnadsbilden är strukturell och kopplad till uppdragets karaktär, exempelvis "
            "HSL-insatser, OB-belastning och krav på kontinuitet. Dessa kostnader behöver "
            "särskiljas från de delar av verksamheten som är operativt påverkbara:\n"
            "- särskilja dessa från påverkbara kostnader\n"
            "- skapa korrekt ekonomisk bild per ärende\n"
            "- möjliggöra dialog med överordnad nivå"
        ),
        opportunities=(
            "Mer rättvisande ekonomisk uppföljning",
            "Ökad förståelse för verkliga kostnadsdrivare",
            "Bättre beslutsunderlag",
        ),
        risks=(
            "Risk att dessa kostnader förbises utan tydlig struktur",
            "Kan skapa felaktiga besparingskrav om de inte synliggörs",
            "Kräver samarbete med HR och HSL",
        ),
        effect_text=(
            "Ingen direkt besparing men:\n"
            "- Förhindrar felaktiga åtgärder\n"
            "- Möjliggör korrekt budgetjustering"
        ),
    ),
)

#: Measure 2 for one case: a case plan for one of the largest deficits starts from it.
CASE_DESCRIPTION = (
    "Genomföra en riktad analys av ärende {case} som har ett av enhetens största underskott "
    "({deficit} de senaste 12 månaderna).\n"
    "Fokus ligger på att stabilisera bemanningen genom:\n"
    "- minskning av antalet timanställda\n"
    "- ökad kontinuitet i personalgruppen\n"
    "- optimering av personalstruktur"
)

#: The qualitative part of the plan's summary; the computed part (deficit, share of cases in
#: deficit, cost drivers) is written from the figures when the document is made.
SUMMARY = (
    "Verksamheten styrs av beviljade assistanstimmar, vilket innebär att kostnadsreduktion inte "
    "kan ske genom generella neddragningar utan måste ske genom ökad precision i bemanning och "
    "uppföljning.\n"
    "Handlingsplanen fokuserar därför på:\n"
    "- att säkerställa att bemanning motsvarar beslutade timmar\n"
    "- att minska avvikelser mellan planerad och faktisk bemanning\n"
    "- att stabilisera bemanning i de mest kostnadsdrivande ärendena\n"
    "- att minska beroendet av akuta bemanningslösningar såsom timvikarier och övertid\n"
    "Det finns även kostnader i verksamheten som inte fullt ut täcks av assistansersättningen, "
    "exempelvis insatser kopplade till HSL samt personal i arbetsträning eller omplacering. "
    "Dessa kostnader behöver särskiljas från påverkbara kostnader då de inte kan reduceras "
    "genom traditionella effektiviseringsåtgärder utan kräver andra typer av hantering och "
    "dialog.\n"
    "De ekonomiska effekterna baseras på nuvarande kostnadsnivåer för timanställda, övertid och "
    "personalkostnader. Beräkningarna utgår från realistiska reduceringsnivåer om {low}–{high} % "
    "inom respektive område samt identifierade avvikelser i bemanning och schemaläggning."
)


#: The plan as the seed wrote it for unit 81515 (what ``timbalans demo`` ships): its start,
#: the cases measure 2 names and each measure's expected full-year effect in kronor
#: ("Bedömd effekt: 300 000 – 400 000 kr/år"); measure 5 saves nothing.
UNIT = "81515"
START = dt.date(2026, 3, 31)
CASES = ("51470", "51357", "51463", "51451")
EFFECTS: dict[int, tuple[int, int]] = {
    1: (300_000, 400_000),
    2: (400_000, 500_000),
    3: (300_000, 400_000),
    4: (200_000, 300_000),
}


def measure(number: int) -> SeedMeasure:
    return next(m for m in MEASURES if m.number == number)
