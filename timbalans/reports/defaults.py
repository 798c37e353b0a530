"""The board report's editable texts as a new report starts with them: the department's
follow-up report (shared/seeds), less what the figures now say by themselves (the computed
sections on overcapacity, settlement periods, overtime and sick leave are written from the
data and not typed). Every text is changed on the report's page and kept with the report."""

from __future__ import annotations

from timbalans.reports.data import BoardTexts

BOARD = "Vård- och omsorgsnämnden"

TITLE = "Återrapportering och revidering av handlingsplaner LSS personlig assistans och stöd"

CASE_DESCRIPTION = (
    "Den 19 november 2025, § 70 fick vård- och omsorgsförvaltningen i förnyat uppdrag av "
    "vård- och omsorgsnämnden att följa upp handlingsplanerna på enhetsnivå för avdelningen "
    "LSS personlig assistans och stöd i syfte att säkerställa en effektiv och "
    "kostnadseffektiv verksamhet. Återrapportering ska ske i maj 2026."
)

STATEMENT = (
    "Avdelningen följer upp överkapacitet, avräkningsperioder, övertid och sjukfrånvaro per "
    "enhet och ärende med stöd av Timbalans. Nyckeltalen nedan är hämtade ur verksamhetens "
    "data per det datum som anges.\n"
    "Ambitionen om samlokalisering av korttidsvistelse och korttidstillsyn bedöms bidra till "
    "en förbättrad resurseffektivitet genom ökad möjlighet att samnyttja personal, vilket i "
    "sin tur stärker förutsättningarna för ett resultat i balans.\n"
    "Avdelningen fortsätter arbeta kontinuerligt med åtgärder som gjordes under 2025 för att "
    "säkerställa en effektiv verksamhet med exempelvis fokus på beslutade timmar och "
    "optimering av bemanningen. Samordnarna arbetar mer systematiskt över enhetsgränserna. "
    "Implementeringen av bemanningshandboken har lett till ett pågående skifte till en mer "
    "brukarstyrd verksamhet."
)

FOCUS = (
    "Avdelningen kommer att fortsätta fokusera på följande åtgärder:\n"
    "- Analys för att säkerställa överkapaciteten inom avdelningen eller förvaltningen\n"
    "- Att enheterna förhåller sig till avräkningsperioderna i besluten från "
    "Försäkringskassan."
)

ECONOMIC_ASSESSMENT = (
    "Genom att fokusera på dessa åtgärder förväntas enheterna inom avdelningen för personlig "
    "assistans och stöd närma sig ett resultat i balans. Ytterligare åtgärder kan komma att "
    "behövas för att säkerställa långsiktig hållbarhet och kvalitet i verksamheterna."
)

DECISION_PROPOSAL = (
    "Förslag till beslut i vård- och omsorgsnämnden\n"
    "1. Vård- och omsorgsnämnden godkänner återrapporteringen. Uppdraget från den "
    "19 november 2025, § 70 anses därmed avslutat.\n"
    "2. De reviderade handlingsplanerna på enhetsnivå godkänns.\n"
    "3. Vård- och omsorgsförvaltningen får i uppdrag att följa upp handlingsplanerna på "
    "avdelningsnivå för avdelningen LSS personlig assistans och stöd i syfte att säkerställa "
    "en effektiv och kostnadseffektiv verksamhet. Återrapportering ska ske i oktober 2027."
)

SEND_TO = "Enhetschefer LSS personlig assistans och stöd"

# Titles only: the names are filled in by whoever signs.
SIGNATURES = "Förvaltningschef\nAvdelningschef LSS personlig assistans och stöd"


def board_texts() -> BoardTexts:
    return BoardTexts(
        title=TITLE,
        case_description=CASE_DESCRIPTION,
        statement=STATEMENT,
        focus=FOCUS,
        economic_assessment=ECONOMIC_ASSESSMENT,
        decision_proposal=DECISION_PROPOSAL,
        send_to=SEND_TO,
        signatures=SIGNATURES,
        board=BOARD,
    )
