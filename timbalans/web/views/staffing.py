"""Bemanning för samordnare: open shifts, the ranked candidates of one, booking, and the
batch proposal (CP-SAT against greedy) computed in the background."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from timbalans.accounts.access import Access
from timbalans.records import models as m
from timbalans.rostering.models import StaffingRun
from timbalans.rostering.selectors import (
    StaffingError,
    staffing_candidates,
    staffing_config_load,
    staffing_open_shifts,
    staffing_rule_get,
    staffing_runs_recent,
)
from timbalans.rostering.services import staffing_book, staffing_rule_save
from timbalans.staffing.instance import Config, Pool
from timbalans.text.labels import OPEN_SHIFT_REASONS
from timbalans.web.access import page
from timbalans.web.filters import Filters
from timbalans.web.jobs import jobs_fail_gone, staffing_run_start
from timbalans.web.selectors import employees_visible, unit_scope
from timbalans.web.views.common import render_page

HORIZON_DAYS = 14
BOOKED = "{employee} är bokad på passet {id}."
REASON_LABELS = OPEN_SHIFT_REASONS


def _may_staff(a: Access) -> bool:
    return a.may_staff


def _pool(access: Access) -> Pool:
    """A unit manager proposes only their own units' staff; a coordinator the department."""
    return "unit" if access.unit_ids is not None else "department"


def _config(access: Access) -> Config:
    return staffing_config_load(pool=_pool(access))


RULE_SAVED = "Kontinuitet för ärende {case}: {text}."
RULE_BAD = "Ange antal dagar som ett heltal."


def _rule_post(request: HttpRequest, access: Access, case_id: str) -> None:
    raw = request.POST.get("window_days", "").strip()
    if raw and not raw.isdigit():
        messages.error(request, RULE_BAD)
        return
    known_only = request.POST.get("known_only") == "on"
    window = int(raw) if raw else None
    staffing_rule_save(
        case_id=case_id, known_only=known_only, window_days=window, user=request.user
    )
    text = "endast kända assistenter" if known_only else "alla assistenter"
    messages.success(request, RULE_SAVED.format(case=case_id, text=text))


def _horizon(filters: Filters) -> tuple[dt.date, dt.date]:
    first = filters.date_from or filters.as_of + dt.timedelta(days=1)
    last = filters.date_to or first + dt.timedelta(days=HORIZON_DAYS - 1)
    return first, last


def _names(access: Access, ids: set[str]) -> dict[str, str]:
    """Names of the staff a page shows, of those the user may see by name."""
    if not access.sees_employee_names or not ids:
        return {}
    visible = employees_visible(access=access, employee_ids=ids)
    return dict(
        m.Employee.objects.filter(employee_id__in=visible).values_list("employee_id", "name")
    )


@page(_may_staff)
def open_shifts(request: HttpRequest, access: Access) -> HttpResponse:
    filters = Filters.from_request(request)
    units = unit_scope(access=access, filters=filters)
    first, last = _horizon(filters)
    if request.method == "POST":
        run = staffing_run_start(
            user=request.user,
            unit_ids=sorted(units or []),
            first=first,
            last=last,
            as_of=filters.as_of,
            pool=_pool(access),
        )
        return redirect("web:staffing_run", run.pk)
    shifts = staffing_open_shifts(first=first, last=last, units=units, as_of=filters.as_of)
    jobs_fail_gone()
    runs = [r for r in staffing_runs_recent(limit=20) if _run_visible(access, r)][:5]
    return render_page(
        request,
        access,
        "web/staffing.html",
        {
            "shifts": shifts,
            "first": first,
            "last": last,
            "reasons": REASON_LABELS,
            "runs": runs,
        },
        filters=filters,
        active="web:staffing",
    )


@page(_may_staff)
def shift(request: HttpRequest, access: Access, shift_id: str) -> HttpResponse:
    filters = Filters.from_request(request)
    config = _config(access)
    try:
        ranking = staffing_candidates(shift_id=shift_id, as_of=filters.as_of, config=config)
    except StaffingError as e:
        raise Http404(str(e)) from e
    if not access.sees_unit(ranking.shift.unit_id):
        raise Http404
    if request.method == "POST" and request.POST.get("kind") == "rule":
        _rule_post(request, access, ranking.shift.case_id)
        return redirect(request.get_full_path())
    if request.method == "POST":
        employee = request.POST.get("employee_id", "")
        try:
            staffing_book(
                shift_id=shift_id,
                employee_id=employee,
                user=request.user,
                as_of=filters.as_of,
                config=config,
            )
        except StaffingError as e:
            messages.error(request, str(e))
            return redirect(request.get_full_path())
        messages.success(request, BOOKED.format(employee=employee, id=shift_id))
        return redirect(f"/bemanning/oppna-pass/?{filters.query()}")
    ids = {c.employee_id for c in ranking.candidates} | {e.employee_id for e in ranking.excluded}
    return render_page(
        request,
        access,
        "web/staffing_shift.html",
        {
            "ranking": ranking,
            "names": _names(access, ids),
            "reasons": REASON_LABELS,
            "rule": staffing_rule_get(case_id=ranking.shift.case_id),
            "default_window": config.continuity_days,
        },
        filters=filters,
        active="web:staffing",
    )


def _run_staff(run: StaffingRun) -> set[str]:
    """Everyone a run shows: the staff of both proposals and the absent of its shifts."""
    result: dict[str, Any] | None = run.result
    if not result:
        return set()
    ids = {s["absent_employee_id"] for s in result["shifts"] if s.get("absent_employee_id")}
    for solution in ("proposal", "greedy"):
        ids |= {a["employee_id"] for a in result[solution]["assignments"]}
    return ids


def _run_visible(access: Access, run: StaffingRun) -> bool:
    """A unit manager sees a run of her own units whose staff are all hers to see: a run a
    coordinator computed on the department's pool proposes staff of other units."""
    if access.unit_ids is None:
        return True
    if not run.unit_ids or not set(run.unit_ids) <= set(access.unit_ids):
        return False
    staff = _run_staff(run)
    return staff <= employees_visible(access=access, employee_ids=staff)


@page(_may_staff)
def run(request: HttpRequest, access: Access, run_id: int) -> HttpResponse:
    jobs_fail_gone()
    staffing_run = get_object_or_404(StaffingRun, pk=run_id)
    if not _run_visible(access, staffing_run):
        raise Http404
    result: dict[str, Any] | None = staffing_run.result
    ids = _run_staff(staffing_run)
    template = (
        "web/_staffing_run.html" if request.headers.get("HX-Request") else "web/staffing_run.html"
    )
    return render_page(
        request,
        access,
        template,
        {"run": staffing_run, "result": result, "names": _names(access, ids)},
        active="web:staffing",
    )
