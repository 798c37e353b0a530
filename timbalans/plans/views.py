"""The plan pages: list and create plans, a plan with its measures' KPIs and effects, edit a
measure, record a follow-up, and the plan as a document. Scoped by the selectors (404 for a
plan of another unit); every write goes through a service, which checks again and audits."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from timbalans.accounts.access import Access
from timbalans.plans import kpis, selectors, services
from timbalans.plans.forms import CasePlansForm, FollowUpForm, MeasureForm, PlanCreateForm, PlanForm
from timbalans.plans.models import ActionPlan
from timbalans.reports.services import ReportError, plan_document_make
from timbalans.web.access import page
from timbalans.web.filters import Filters
from timbalans.web.views.common import render_page

ACTIVE = "plans:list"
INVALID_FORM = "Formuläret innehåller fel: {errors}"
CREATED = "Handlingsplanen är skapad med baslinje per {date}."
CASE_PLANS_CREATED = "{n} åtgärdsplaner för ärenden skapade: {cases}."
CASE_PLANS_NONE = "Alla ärenden med störst underskott har redan en pågående åtgärdsplan."
SAVED = "Ändringarna är sparade."
FOLLOWED_UP = "Uppföljningen är sparad med nyckeltalet per {date}."


def sees_plans(access: Access) -> bool:
    return access.sees_economics


def _errors(form: BaseForm) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else f}: {' '.join(str(m) for m in e)}"
        for f, e in form.errors.items()
    )


def _require_edit(access: Access) -> None:
    if not access.may_edit_plans:
        raise PermissionDenied(services.NOT_ALLOWED)


@page(sees_plans)
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest, access: Access) -> HttpResponse:
    filters = Filters.from_request(request)
    if request.method == "POST":
        _require_edit(access)
        return _create(request, access)
    plans = selectors.action_plan_list(access=access, status=request.GET.get("status", ""))
    if filters.unit:
        plans = [p for p in plans if p.unit_id == filters.unit]
    return render_page(
        request,
        access,
        "plans/list.html",
        {
            "plans": plans,
            "statuses": ActionPlan.Status.choices,
            "department": access.unit_ids is None,
            "today": filters.as_of,
        },
        filters=filters,
        active=ACTIVE,
    )


def _create(request: HttpRequest, access: Access) -> HttpResponse:
    action = request.POST.get("action")
    form = (CasePlansForm if action == "cases" else PlanCreateForm)(request.POST)
    if not form.is_valid():
        messages.error(request, INVALID_FORM.format(errors=_errors(form)))
        return redirect("plans:list")
    data = form.cleaned_data
    try:
        if action == "cases":
            created = services.case_plans_create_for_largest_deficits(
                access=access,
                user=request.user,
                unit_id=data["unit_id"],
                as_of=data["as_of"],
                owner=data["owner"],
            )
            if created:
                messages.success(
                    request,
                    CASE_PLANS_CREATED.format(
                        n=len(created), cases=", ".join(p.case_id for p in created)
                    ),
                )
            else:
                messages.info(request, CASE_PLANS_NONE)
            return redirect("plans:list")
        plan = services.action_plan_create_from_seed(
            access=access,
            user=request.user,
            unit_id=data["unit_id"],
            as_of=data["as_of"],
            owner=data["owner"],
        )
    except services.PlanError as exc:
        messages.error(request, str(exc))
        return redirect("plans:list")
    messages.success(request, CREATED.format(date=data["as_of"]))
    return redirect("plans:plan", plan_id=plan.pk)


@page(sees_plans)
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, access: Access, plan_id: int) -> HttpResponse:
    plan = selectors.action_plan_get(access=access, plan_id=plan_id)
    filters = Filters.from_request(request)
    if request.method == "POST":
        _require_edit(access)
        form = PlanForm(request.POST, instance=ActionPlan.objects.get(pk=plan.pk))
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in PlanForm.Meta.fields}
            try:
                services.action_plan_update(access=access, user=request.user, plan=plan, **values)
                messages.success(request, SAVED)
            except services.PlanError as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, INVALID_FORM.format(errors=_errors(form)))
        return redirect(reverse("plans:plan", args=[plan.pk]) + f"?{filters.query(unit='')}")
    tables = selectors.plan_kpi_tables(access=access, plan=plan, as_of=filters.as_of)
    statuses = selectors.measure_statuses(
        access=access, plan=plan, as_of=filters.as_of, tables=tables
    )
    return render_page(
        request,
        access,
        "plans/detail.html",
        {
            "plan": plan,
            "statuses": statuses,
            "bases": kpis.savings_lines(tables.get("savings")),
            "plan_form": PlanForm(instance=plan),
            "follow_up_form": FollowUpForm(initial={"date": filters.as_of}),
            "may_edit": access.may_edit_plans,
        },
        filters=filters,
        active=ACTIVE,
    )


@page(sees_plans)
@require_http_methods(["GET", "POST"])
def measure_edit(
    request: HttpRequest, access: Access, plan_id: int, measure_id: int
) -> HttpResponse:
    measure = selectors.measure_get(access=access, plan_id=plan_id, measure_id=measure_id)
    filters = Filters.from_request(request)
    form = MeasureForm(instance=measure)
    if request.method == "POST":
        _require_edit(access)
        bound = MeasureForm(request.POST, instance=type(measure).objects.get(pk=measure.pk))
        if bound.is_valid():
            values = {f: bound.cleaned_data[f] for f in MeasureForm.Meta.fields}
            try:
                services.measure_update(access=access, user=request.user, measure=measure, **values)
                messages.success(request, SAVED)
                return redirect("plans:plan", plan_id=plan_id)
            except services.PlanError as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, INVALID_FORM.format(errors=_errors(bound)))
        form = bound
    return render_page(
        request,
        access,
        "plans/measure.html",
        {"plan": measure.plan, "measure": measure, "form": form, "may_edit": access.may_edit_plans},
        filters=filters,
        active=ACTIVE,
    )


@page(sees_plans)
@require_POST
def follow_up_create(
    request: HttpRequest, access: Access, plan_id: int, measure_id: int
) -> HttpResponse:
    measure = selectors.measure_get(access=access, plan_id=plan_id, measure_id=measure_id)
    _require_edit(access)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, INVALID_FORM.format(errors=_errors(form)))
    else:
        try:
            services.follow_up_record(
                access=access, user=request.user, measure=measure, **form.cleaned_data
            )
            messages.success(request, FOLLOWED_UP.format(date=form.cleaned_data["date"]))
        except services.PlanError as exc:
            messages.error(request, str(exc))
    return redirect("plans:plan", plan_id=plan_id)


@page(sees_plans)
def plan_document(request: HttpRequest, access: Access, plan_id: int) -> HttpResponse:
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    plan = selectors.action_plan_get(access=access, plan_id=plan_id)
    filters = Filters.from_request(request)
    try:
        made = plan_document_make(
            access=access,
            user=request.user,
            plan=plan,
            as_of=filters.as_of,
            format=request.GET.get("format", "docx"),
        )
    except ReportError as exc:
        messages.error(request, str(exc))
        return redirect("plans:plan", plan_id=plan_id)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response
