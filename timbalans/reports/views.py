"""The report pages: make any of the three documents, and keep board reports with their
editable texts. Scoped by the selectors; every document made and every change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from timbalans.accounts.access import Access
from timbalans.plans.forms import DateInput
from timbalans.plans.services import PlanError
from timbalans.reports import selectors, services
from timbalans.reports.models import Report
from timbalans.web.access import page
from timbalans.web.filters import Filters
from timbalans.web.views.common import render_page

ACTIVE = "reports:list"
INVALID_FORM = "Formuläret innehåller fel: {errors}"
CREATED = "Återrapporteringen är skapad. Texterna kan nu ändras."
SAVED = "Texterna är sparade."


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=list(services.KINDS.items()))
    unit_id = forms.CharField(required=False, max_length=50)
    as_of = forms.DateField()
    format = forms.ChoiceField(choices=[(f, f) for f in ("docx", "pdf", "xlsx")])
    # Handlingsplan for a unit without a saved plan: the proposal's start date.
    start = forms.DateField(required=False)


class ReportCreateForm(forms.Form):
    unit_id = forms.CharField(label="Enhet", required=False, max_length=50)
    as_of = forms.DateField(label="Underlag per", widget=DateInput())


class ReportForm(forms.ModelForm):
    """The report's date and texts. Each free text is a full-width field whose preview (as
    the documents show it) the server renders again as the user types (htmx)."""

    class Meta:
        model = Report
        fields = ["as_of", *services.HEADER_FIELDS, *services.TEXT_FIELDS]
        widgets = {
            "as_of": DateInput(),
            "document_date": DateInput(),
            **{f: forms.Textarea(attrs={"rows": 6}) for f in services.TEXT_FIELDS if f != "title"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PREVIEWED:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "hx-post": reverse("reports:preview", args=[name]),
                        "hx-trigger": "input changed delay:300ms",
                        "hx-target": f"#preview-{name}",
                        "hx-swap": "innerHTML",
                    }
                )

    def text_fields(self) -> list[tuple[forms.BoundField, bool]]:
        """Every field with whether it has a preview, in the form's order."""
        return [(self[name], name in PREVIEWED) for name in self.fields]


# The free texts shown with a preview: those the documents write as paragraphs and lists.
PREVIEWED = tuple(f for f in services.TEXT_FIELDS if f != "title")


def sees_reports(access: Access) -> bool:
    return access.sees_economics


def _errors(form: forms.BaseForm) -> str:
    return "; ".join(f"{f}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items())


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _download(made: services.MadeDocument) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@page(sees_reports)
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest, access: Access) -> HttpResponse:
    filters = Filters.from_request(request)
    if request.method == "POST":
        if not access.may_edit_plans:
            raise PermissionDenied(services.NOT_ALLOWED)
        form = ReportCreateForm(request.POST)
        if not form.is_valid():
            messages.error(request, INVALID_FORM.format(errors=_errors(form)))
            return redirect("reports:list")
        report = services.report_create(
            access=access,
            user=request.user,
            unit_id=form.cleaned_data["unit_id"],
            as_of=form.cleaned_data["as_of"],
        )
        messages.success(request, CREATED)
        return redirect("reports:report", report_id=report.pk)
    return render_page(
        request,
        access,
        "reports/list.html",
        {
            "reports": selectors.report_list(access=access),
            "kinds": services.KINDS,
            "formats": format_choices(next(iter(services.KINDS))),
            "department": access.unit_ids is None,
            "may_edit": access.may_edit_plans,
        },
        filters=filters,
        active=ACTIVE,
    )


@page(sees_reports)
@require_GET
def report_download(request: HttpRequest, access: Access) -> HttpResponse:
    """?kind=handlingsplan|aterrapportering|manadsuppfoljning&unit_id=&as_of=&format="""
    form = DocumentForm(request.GET)
    if not form.is_valid():
        messages.error(request, INVALID_FORM.format(errors=_errors(form)))
        return redirect("reports:list")
    data = form.cleaned_data
    try:
        made = services.document_make(
            access=access,
            user=request.user,
            kind=data["kind"],
            unit_id=data["unit_id"],
            as_of=data["as_of"],
            format=data["format"],
            start=data["start"],
        )
    except (services.ReportError, PlanError) as exc:
        messages.error(request, str(exc))
        return redirect("reports:list")
    return _download(made)


@page(sees_reports)
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, access: Access, report_id: int) -> HttpResponse:
    report = selectors.report_get(access=access, report_id=report_id)
    form = ReportForm(instance=report)
    if request.method == "POST":
        if not access.may_edit_plans:
            raise PermissionDenied(services.NOT_ALLOWED)
        bound = ReportForm(request.POST, instance=Report.objects.get(pk=report.pk))
        if bound.is_valid():
            services.report_update(
                access=access,
                user=request.user,
                report=report,
                **{f: bound.cleaned_data[f] for f in ReportForm.Meta.fields},
            )
            messages.success(request, SAVED)
            return redirect("reports:report", report_id=report.pk)
        messages.error(request, INVALID_FORM.format(errors=_errors(bound)))
        form = bound
    return render_page(
        request,
        access,
        "reports/detail.html",
        {"report": report, "form": form, "may_edit": access.may_edit_plans},
        active=ACTIVE,
    )


@page(sees_reports)
@require_GET
def report_document(request: HttpRequest, access: Access, report_id: int) -> HttpResponse:
    report = selectors.report_get(access=access, report_id=report_id)
    as_of = _date(request.GET.get("as_of")) or report.as_of
    try:
        made = services.document_make(
            access=access,
            user=request.user,
            kind=services.ATERRAPPORTERING,
            unit_id=report.unit_id,
            as_of=as_of,
            format=request.GET.get("format", "docx"),
            report=report,
        )
    except services.ReportError as exc:
        messages.error(request, str(exc))
        return redirect("reports:report", report_id=report.pk)
    return _download(made)


@page(sees_reports)
@require_POST
def report_text_preview(request: HttpRequest, access: Access, field: str) -> HttpResponse:
    """One text of the report form as the documents show it (``text.blocks.text_blocks``),
    for the form's preview; nothing is saved."""
    if field not in PREVIEWED:
        raise Http404
    return render(request, "reports/_preview.html", {"value": request.POST.get(field, "")})


@page(sees_reports)
@require_GET
def report_formats(request: HttpRequest, access: Access) -> HttpResponse:
    """The format choice for a kind of document: only the formats it comes in."""
    try:
        kind = services.kind_normalise(request.GET.get("kind", ""))
    except services.ReportError:
        kind = services.HANDLINGSPLAN
    return render(request, "reports/_formats.html", {"formats": format_choices(kind)})


def format_choices(kind: str) -> list[tuple[str, str]]:
    return [(f, services.FORMAT_LABELS[f]) for f in services.FORMATS[kind]]
