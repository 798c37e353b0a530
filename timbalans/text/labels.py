"""Swedish names of the raw values the data, the figures and the solver use: one mapping for
the pages (the template filter ``label``), the XLSX exports and the documents, so that no reader
sees ``monthly_permanent``, ``ledger`` or ``balanced``.

``value_label`` gives a value's name, by its column where a code means different things in
different columns; a value with no name is shown as it is (a name, a case id). The figure
tables' own column names are in ``figures.labels``; the settings' names are here
(``SETTING_LABELS``), for the settings page, the audit log and the settings sheet of an export.
"""

from __future__ import annotations

from typing import Any

STATUS = {"over": "Över", "under": "Under", "balanced": "I balans"}
SOURCES = {"ledger": "Bokföring", "computed": "Beräknad"}
FORMS = {
    "monthly_permanent": "Månadsavlönad tillsvidare",
    "monthly_temporary": "Månadsavlönad visstid",
    "hourly": "Timavlönad",
}
EMPLOYMENT_STATUSES = {
    "ordinary": "Ordinarie",
    "work_training": "Arbetsträning",
    "reassignment": "Omplacering",
    "rehabilitation": "Rehabilitering",
}
TIME_TYPES = {
    "ordinary": "Ordinarie tid",
    "additional": "Mertid",
    "overtime_simple": "Enkel övertid",
    "overtime_qualified": "Kvalificerad övertid",
    "on_call": "Jour",
    "standby": "Beredskap",
}
SHIFT_KINDS = {"assistance": "Assistans", "on_call": "Jour", "standby": "Beredskap"}
ABSENCE_TYPES = {
    "sick": "Sjukdom",
    "child_care": "Vård av barn",
    "vacation": "Semester",
    "parental": "Föräldraledighet",
    "leave": "Tjänstledighet",
    "other": "Annat",
}
PAYERS = {"FK": "FK", "KOMMUN": "Kommunen"}
SERVICES = {
    "assistans_sfb": "Assistans enligt SFB",
    "assistans_lss": "Assistans enligt LSS",
    "korttidsvistelse": "Korttidsvistelse",
    "korttidstillsyn": "Korttidstillsyn",
}
CATEGORIES = {
    "revenue_fk": "Intäkt FK",
    "revenue_municipal": "Intäkt kommunen",
    "revenue_other": "Övrig intäkt",
    "salary_monthly": "Månadslön",
    "salary_hourly": "Timlön",
    "additional_hours": "Mertid",
    "overtime": "Övertid",
    "ob": "OB",
    "sick_pay": "Sjuklön",
    "social_fees": "PO-pålägg",
    "hsl": "HSL",
    "training_reassignment": "Arbetsträning och omplacering",
    "other_staff": "Övrig personal",
    "other": "Övrigt",
    "result": "Resultat",
}
#: The savings table's areas (the action plans' five measures).
AREAS = {
    "decided_hours": "Timmar som inte ersätts",
    "cases": "Ärenden med störst underskott",
    "temp_overtime": "Timavlönade, övertid och mertid",
    "sick_leave": "Sjukfrånvaro",
    "structural": "Strukturella kostnader (ingen besparing)",
}
#: The limits table's breaches, in its order.
LIMIT_BREACHES = {
    "overtime_4w": "Övertid mer än 48 timmar på fyra veckor",
    "overtime_month": "Övertid mer än 50 timmar i kalendermånaden",
    "overtime_year": "Övertid mer än 200 timmar under året",
    "additional_year": "Mertid mer än 200 timmar under året",
}
#: The year-end forecast's levels.
LEVELS = {"case": "Ärende", "cost_center": "Ansvar"}
#: The staffing solver's statuses: ``optimal`` is the best solution there is, ``feasible``
#: the best one found within the time limit.
SOLVER_STATUSES = {
    "optimal": "bästa lösning",
    "feasible": "bästa lösning som hittades inom tidsgränsen",
    "infeasible": "ingen lösning inom reglerna",
    "invalid": "ingen lösning inom reglerna",
    "unknown": "ingen lösning hittades inom tidsgränsen",
}
#: Why a shift is open (rostering).
OPEN_SHIFT_REASONS = {"unassigned": "Obemannat", "absent_employee": "Ordinarie frånvarande"}
ROLES = {
    "admin": "Administratör",
    "management": "Ledning",
    "controller": "Controller",
    "unit_manager": "Enhetschef",
    "coordinator": "Samordnare",
}

#: What the staffing structure suggests for a recurring bought pattern.
STRUCTURE_SUGGESTIONS = {
    "raise_rate": "Höj deltidsanställds sysselsättningsgrad",
    "new_position": "Ny tjänst",
}

#: A column's values, where a code's name depends on the column.
COLUMN_VALUES: dict[str, dict[str, str]] = {
    "status": STATUS,
    "source": SOURCES,
    "form": FORMS,
    "time_type": TIME_TYPES,
    "kind": SHIFT_KINDS,
    "type": ABSENCE_TYPES,
    "payer": PAYERS,
    "service": SERVICES,
    "category": CATEGORIES,
    "area": AREAS,
    "limit_breach": LIMIT_BREACHES,
    "level": LEVELS,
    "role": ROLES,
    "reason": OPEN_SHIFT_REASONS,
    "suggestion": STRUCTURE_SUGGESTIONS,
}

#: Every code's name, for a value whose column is not known.
VALUE_LABELS: dict[str, str] = {
    **CATEGORIES,
    **ABSENCE_TYPES,
    **SHIFT_KINDS,
    **EMPLOYMENT_STATUSES,
    **TIME_TYPES,
    **SERVICES,
    **FORMS,
    **SOURCES,
    **STATUS,
    **AREAS,
    **LIMIT_BREACHES,
    **LEVELS,
    **SOLVER_STATUSES,
    **ROLES,
    **OPEN_SHIFT_REASONS,
    **STRUCTURE_SUGGESTIONS,
    "KOMMUN": "Kommunen",
}

#: The figure settings by their keys (``figures.settings.FigureSettings``), as the settings
#: page describes them.
SETTING_LABELS = {
    "status_over_pct": "Status Över när prognosavvikelsen är större än så här (%)",
    "status_under_pct": "Status Under när prognosavvikelsen är mindre än så här (%)",
    "on_call_factor": "Jour räknas som assistanstid med denna faktor",
    "standby_factor": "Beredskap räknas som assistanstid med denna faktor",
    "baseline_year": "Jämförelseår för övertid (0 = året före)",
    "overtime_goal_pct": "Årets mål för förändring av övertid (%), per år",
    "repeated_occasions": "Antal sjuktillfällen som ger flagga för upprepad korttidsfrånvaro",
    "window_months": "… inom så här många månader",
    "savings_top_cases": "Antal ärenden med störst underskott som åtgärd 2 (Ärenden) räknar med",
    "savings_effect_low_pct": "Bedömd effekt av en åtgärd, lägsta andel av områdets kostnad (%)",
    "savings_effect_high_pct": "Bedömd effekt av en åtgärd, högsta andel av områdets kostnad (%)",
    "limit_overtime_4w_hours": "Arbetstidsgräns: högsta övertid på fyra veckor (timmar)",
    "limit_overtime_month_hours": "Arbetstidsgräns: högsta övertid i en kalendermånad (timmar)",
    "limit_overtime_year_hours": "Arbetstidsgräns: högsta övertid under ett kalenderår (timmar)",
    "limit_additional_year_hours": "Arbetstidsgräns: högsta mertid under ett kalenderår (timmar)",
    "daily_rest_hours": "Minsta sammanhängande dygnsvila (timmar)",
    "weekly_rest_hours": "Minsta sammanhängande veckovila inom en kalendervecka (timmar)",
}
#: The other lines of an export's settings sheet.
USED_LABELS = {"source": "Inställningarnas källa", "as_of": "Per datum (D)"}
#: Where the settings came from (``FigureSettings.source``).
SETTING_SOURCES = {"standard": "standardvärden"}

#: Keys of the details the audit log and the settings sheets record, in Swedish.
DETAIL_LABELS = {
    "value": "värde",
    "valid_from": "gäller från",
    "known_only": "endast kända assistenter",
    "window_days": "fönster (dagar)",
    "employees": "medarbetare",
    "as_of": "per",
    "rows": "rader",
    "tables": "tabeller",
    "source": "källa",
    "format": "format",
    "kind": "dokument",
    "unit": "enhet",
    "unit_id": "enhet",
    "unit_ids": "enheter",
    "case_id": "ärende",
    "role": "roll",
    "units": "enheter",
    "reason": "orsak",
    "table": "tabell",
    "filename": "fil",
    "batch": "import",
    "number": "nummer",
    "shift_id": "pass",
    "employee_id": "medarbetare",
    "absent_employee_id": "frånvarande medarbetare",
    "start": "från",
    "end": "till",
    "tier": "nivå",
    "cost_sek": "merkostnad (kr)",
    "files": "filer",
    "profiles": "profiler",
    "sha256": "kontrollsumma",
    "refused": "nekad",
    "sso": "inloggning via organisationen",
}
#: The fields of plans, measures and reports that the audit log names when they change.
FIELD_LABELS = {
    "title": "rubrik",
    "owner": "ansvarig",
    "period_start": "period från",
    "period_end": "period till",
    "status": "status",
    "summary": "sammanfattning",
    "name": "namn på åtgärd",
    "description": "beskrivning",
    "start_date": "startdatum",
    "effect_current_low": "effekt innevarande år, från",
    "effect_current_high": "effekt innevarande år, till",
    "effect_full_low": "effekt helår, från",
    "effect_full_high": "effekt helår, till",
    "effect_text": "ekonomisk effekt (text)",
    "opportunities": "möjligheter",
    "risks": "risker",
    "kpi": "nyckeltal",
    "target_value": "mål",
    "responsible": "ansvarig",
    "as_of": "underlag per",
    "case_description": "ärendebeskrivning",
    "statement": "förvaltningens yttrande",
    "focus": "fortsatt fokus",
    "economic_assessment": "ekonomisk bedömning",
    "decision_proposal": "förslag till beslut",
    "send_to": "beslutet ska skickas till",
    "signatures": "underskrifter",
}
#: The plans' and reports' own codes in their audit details.
DETAIL_VALUES = {
    "department": "avdelning",
    "unit": "enhet",
    "case": "ärende",
    "draft": "utkast",
    "active": "pågående",
    "closed": "avslutad",
    "not_started": "ej påbörjad",
    "on_track": "enligt plan",
    "delayed": "försenad",
    "done": "genomförd",
    "locked": "kontot låst",
}


def value_label(value: Any, column: str = "") -> str:
    """The Swedish name of ``value`` (of ``column``, when given); a value with no name as it
    is; a comma-separated list of codes (``limit_breach``) name by name."""
    if value is None:
        return "–"
    text = str(value)
    names = COLUMN_VALUES.get(column)
    if names is not None and text in names:
        return names[text]
    if text in VALUE_LABELS:
        return VALUE_LABELS[text]
    if ", " in text:
        parts = text.split(", ")
        if all(p in (names or VALUE_LABELS) for p in parts):
            return ", ".join((names or VALUE_LABELS)[p] for p in parts)
    return text


def setting_label(key: str) -> str:
    """A setting's Swedish description; an unknown key as it is."""
    return SETTING_LABELS.get(key) or USED_LABELS.get(key) or key


def setting_value_text(value: Any) -> str:
    """A setting's value as a reader reads it: 1,5; ja/nej; 2026: −50 (a value per year)."""
    from timbalans.text.numbers import number

    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | float):
        return number(value, 0 if float(value).is_integer() else _decimals(float(value)))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {setting_value_text(v)}" for k, v in value.items()) or "–"
    if isinstance(value, list | tuple):
        return ", ".join(setting_value_text(v) for v in value) or "–"
    if value is None or value == "":
        return "–"
    return SETTING_SOURCES.get(str(value), str(value))


def _decimals(value: float) -> int:
    """As many decimals as the value needs, at most six (1/7 as 0,142857)."""
    text = f"{value:.6f}".rstrip("0")
    return max(len(text.partition(".")[2]), 1)


def detail_text(detail: Any) -> str:
    """An audit entry's details as Swedish text: "händelse: skapad; nivå: enhet"; a change as
    "rubrik: gammal → ny"; the codes and the fields of plans and reports by their names."""
    if not detail:
        return ""
    if not isinstance(detail, dict):
        return _detail_value(detail)
    parts = []
    for key, value in detail.items():
        name = SETTING_LABELS.get(key) or DETAIL_LABELS.get(key) or key.replace("_", " ")
        if key == "ändringar" and isinstance(value, dict):
            text = "; ".join(
                f"{field_label(f)}: {_detail_value(old)} → {_detail_value(new)}"
                for f, (old, new) in value.items()
            )
        elif key == "fält" and isinstance(value, list):
            text = ", ".join(field_label(f) for f in value)
        else:
            text = _detail_value(value)
        parts.append(f"{name}: {text}")
    return "; ".join(parts)


def field_label(name: str) -> str:
    """A plan's, a measure's or a report's field by its Swedish name."""
    return FIELD_LABELS.get(name, name.replace("_", " "))


def _detail_value(value: Any) -> str:
    if isinstance(value, dict):
        return "(" + detail_text(value) + ")"
    if isinstance(value, list | tuple):
        return ", ".join(_detail_value(v) for v in value) or "–"
    if isinstance(value, str):
        return DETAIL_VALUES.get(value) or value_label(value)
    if value is None or value == "":
        return "–"
    if isinstance(value, bool | int | float):
        return setting_value_text(value)
    return str(value)
