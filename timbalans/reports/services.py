"""Writes: board reports and their texts; making a document (every document made is logged
in the audit trail with who, what, which scope and date)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from timbalans.accounts.access import Access
from timbalans.accounts.models import AuditEvent
from timbalans.accounts.services import audit_log
from timbalans.plans import selectors as plans
from timbalans.plans.models import ActionPlan
from timbalans.plans.services import action_plan_propose
from timbalans.records.figure_access import figure_request
from timbalans.records.figure_access import today as stockholm_today
from timbalans.records.selectors import figure_settings_load
from timbalans.reports import defaults
from timbalans.reports import selectors as sel
from timbalans.reports.aterrapportering import build_aterrapportering
from timbalans.reports.handlingsplan import build_handlingsplan
from timbalans.reports.html_writer import to_pdf
from timbalans.reports.manadsuppfoljning import build_monthly, month_range
from timbalans.reports.models import Report

HANDLINGSPLAN = "handlingsplan"
ATERRAPPORTERING = "aterrapportering"
MANADSUPPFOLJNING = "manadsuppfoljning"
KINDS = {
    HANDLINGSPLAN: "Handlingsplan",
    ATERRAPPORTERING: "Återrapportering",
    MANADSUPPFOLJNING: "Månadsuppföljning",
}
#: The names issue 6 gives the command's kinds, accepted as well.
ALIASES = {"action-plan": HANDLINGSPLAN, "board": ATERRAPPORTERING, "monthly": MANADSUPPFOLJNING}
FORMATS = {
    HANDLINGSPLAN: ("docx", "pdf"),
    ATERRAPPORTERING: ("docx", "pdf"),
    MANADSUPPFOLJNING: ("xlsx",),
}
# The formats as the forms and messages name them.
FORMAT_LABELS = {"docx": "Word (docx)", "pdf": "PDF", "xlsx": "Excel (xlsx)"}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

UNKNOWN_KIND = "Okänd rapport {kind}: välj en av {kinds}."
WRONG_FORMAT = "{kind} finns som {formats}, inte som {format}."
PLAN_NEEDS_UNIT = "En handlingsplan görs för en enhet: ange enhet."
PLAN_NEEDS_START = (
    "Enheten {unit} har ingen sparad handlingsplan och därmed inget startdatum: ange "
    "startdatum för ett förslag, eller skapa och spara planen under Handlingsplaner."
)
NOT_ALLOWED = "Du har inte behörighet att ändra rapporter."
UNKNOWN_FIELD = "Fältet {field} kan inte ändras."
TEXT_FIELDS = (
    "title",
    "case_description",
    "statement",
    "focus",
    "economic_assessment",
    "decision_proposal",
    "send_to",
    "signatures",
)


#: The header of the document (nämnd, diarienummer, datum, handläggare).
HEADER_FIELDS = ("board", "reference", "document_date", "officer")


class ReportError(ValueError):
    """A request for a document that cannot be made; the message is Swedish."""


@dataclass(frozen=True)
class MadeDocument:
    content: bytes
    filename: str
    content_type: str


def kind_normalise(kind: str) -> str:
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise ReportError(UNKNOWN_KIND.format(kind=kind, kinds=", ".join(KINDS)))
    return kind


def _check_format(kind: str, format: str) -> None:
    if format not in FORMATS[kind]:
        raise ReportError(
            WRONG_FORMAT.format(
                kind=KINDS[kind],
                formats=" eller ".join(FORMAT_LABELS[f] for f in FORMATS[kind]),
                format=FORMAT_LABELS.get(format, format),
            )
        )


def _render(document: Any, format: str) -> bytes:
    # python-docx is imported when a document is written, not with the URLconf (a fifth of a
    # second in every process that imports it); the PDF writer imports WeasyPrint likewise.
    from timbalans.reports.docx_writer import to_docx

    return to_docx(document) if format == "docx" else to_pdf(document)


def _filename(kind: str, unit_id: str, as_of: dt.date, format: str, extra: str = "") -> str:
    scope = unit_id or "avdelningen"
    when = f"{as_of:%Y-%m}" if kind == MANADSUPPFOLJNING else as_of.isoformat()
    return f"{kind}-{extra or scope}-{when}.{format}"


def _log(user: Any, kind: str, *, target: str, detail: dict[str, Any]) -> None:
    audit_log(
        user=user,
        action=AuditEvent.Action.REPORT,
        target=target,
        detail={"rapport": kind, **detail},
    )


def plan_document_make(
    *, access: Access, user: Any, plan: ActionPlan, as_of: dt.date, format: str
) -> MadeDocument:
    """The Handlingsplan of a stored plan, with its KPIs on D."""
    _check_format(HANDLINGSPLAN, format)
    data = sel.plan_document_data(access=access, plan=plan, as_of=as_of)
    settings = figure_settings_load()
    document = build_handlingsplan(
        data, low_pct=settings.savings_effect_low_pct, high_pct=settings.savings_effect_high_pct
    )
    content = _render(document, format)
    extra = plan.case_id or plan.unit_id or "avdelningen"
    _log(
        user,
        HANDLINGSPLAN,
        target=f"handlingsplan {plan.pk}",
        detail={"enhet": plan.unit_id, "per": as_of.isoformat(), "format": format},
    )
    return MadeDocument(
        content, _filename(HANDLINGSPLAN, plan.unit_id, as_of, format, extra), CONTENT_TYPES[format]
    )


def document_make(
    *,
    access: Access,
    user: Any,
    kind: str,
    unit_id: str,
    as_of: dt.date,
    format: str,
    report: Report | None = None,
    plan: ActionPlan | None = None,
    start: dt.date | None = None,
) -> MadeDocument:
    """Any of the three documents for a unit (or the department, ``unit_id=""``) on D.

    Handlingsplan: the given plan, else the unit's newest plan in progress, else a proposal
    from the seed's five measures starting on ``start`` (not saved; without ``start`` the
    user is asked for one: a plan does not silently start on D). Återrapportering: the given
    report's texts, else the default texts.
    """
    kind = kind_normalise(kind)
    _check_format(kind, format)
    sel.require_scope(access=access, unit_id=unit_id)
    if kind == HANDLINGSPLAN:
        if plan is None:
            if not unit_id:
                raise ReportError(PLAN_NEEDS_UNIT)
            plan = plans.unit_plan_current(access=access, unit_id=unit_id)
        if plan is not None:
            return plan_document_make(
                access=access, user=user, plan=plan, as_of=as_of, format=format
            )
        if not plans.unit_name(unit_id=unit_id)[0]:
            raise ReportError(sel.UNKNOWN_UNIT.format(unit=unit_id))
        if start is None:
            raise ReportError(PLAN_NEEDS_START.format(unit=unit_id))
        content = _proposal(access=access, unit_id=unit_id, as_of=as_of, start=start, format=format)
        target = f"handlingsplan (förslag) enhet {unit_id}"
    elif kind == ATERRAPPORTERING:
        texts = sel.report_texts(report) if report is not None else defaults.board_texts()
        if texts.document_date is None:  # the document is dated the day it is made
            texts = replace(texts, document_date=stockholm_today())
        board = sel.board_report_data(access=access, unit_id=unit_id, as_of=as_of, texts=texts)
        content = _render(build_aterrapportering(board), format)
        target = f"återrapportering {report.pk}" if report else "återrapportering"
    else:
        content = _monthly(access=access, unit_id=unit_id, as_of=as_of)
        target = f"månadsuppföljning {unit_id or 'avdelningen'}"
    _log(
        user,
        kind,
        target=target,
        detail={"enhet": unit_id, "per": as_of.isoformat(), "format": format},
    )
    return MadeDocument(content, _filename(kind, unit_id, as_of, format), CONTENT_TYPES[format])


def _proposal(
    *, access: Access, unit_id: str, as_of: dt.date, start: dt.date, format: str
) -> bytes:
    """The Handlingsplan a unit without a plan would start from on ``start`` (baselines
    measured then), with its KPIs on D; nothing is saved."""
    proposal, measures = action_plan_propose(access=access, unit_id=unit_id, as_of=start)
    settings = figure_settings_load()
    data = sel.plan_document_data(access=access, plan=proposal, as_of=as_of, measures=measures)
    document = build_handlingsplan(
        data, low_pct=settings.savings_effect_low_pct, high_pct=settings.savings_effect_high_pct
    )
    return _render(document, format)


def _monthly(*, access: Access, unit_id: str, as_of: dt.date) -> bytes:
    tables = sel.monthly_tables(access=access, unit_id=unit_id, as_of=as_of)
    first, last = month_range(as_of)
    # The settings and rate set the tables were computed with (the request the pages make).
    settings = figure_request(as_of=as_of).settings
    used = {
        "rapport": "Månadsuppföljning",
        "enhet": unit_id or "alla",
        "månad": f"{as_of:%Y-%m}",
        "period": f"{first} – {last}",
        "as_of": as_of.isoformat(),
        **settings.describe(),
    }
    return build_monthly(
        tables,
        settings=used,
        title=f"Månadsuppföljning {as_of:%Y-%m}",
        rates=settings.rates.describe(),
        rates_name=settings.rates.name,
    )


def _require_report_scope(access: Access, unit_id: str) -> None:
    if not access.may_edit_plans:
        raise PermissionDenied(NOT_ALLOWED)
    sel.require_scope(access=access, unit_id=unit_id)


def report_create(*, access: Access, user: Any, unit_id: str, as_of: dt.date) -> Report:
    """A board report with the default texts (the seed's), for the department or a unit."""
    _require_report_scope(access, unit_id)
    texts = defaults.board_texts()
    real = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        report = Report.objects.create(
            unit_id=unit_id,
            as_of=as_of,
            created_by=real,
            created_by_name=real.get_username() if real else "system",
            board=texts.board,
            **{f: getattr(texts, f) for f in TEXT_FIELDS},
        )
        audit_log(
            user=user,
            action=AuditEvent.Action.REPORT,
            target=f"återrapportering {report.pk}",
            detail={"händelse": "skapad", "enhet": unit_id, "per": as_of.isoformat()},
        )
    return report


def report_update(*, access: Access, user: Any, report: Report, **values: Any) -> Report:
    """Change the report's texts or date."""
    _require_report_scope(access, report.unit_id)
    changed = []
    for field, value in values.items():
        if field not in (*TEXT_FIELDS, *HEADER_FIELDS, "as_of"):
            raise ReportError(UNKNOWN_FIELD.format(field=field))
        if getattr(report, field) != value:
            setattr(report, field, value)
            changed.append(field)
    if changed:
        with transaction.atomic():
            report.save()
            audit_log(
                user=user,
                action=AuditEvent.Action.REPORT,
                target=f"återrapportering {report.pk}",
                detail={"händelse": "ändrad", "fält": changed},
            )
    return report
