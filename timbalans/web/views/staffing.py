"""Bemanning för samordnare: open shifts, the ranked candidates of one with the case's hour
balance, booking, the batch proposal (CP-SAT against greedy) computed in the background and
booked whole or in part ("Boka alla"), and the bookings, each undoable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from timbalans.accounts.access import Access
from timbalans.records import models as m
from timbalans.reports import fmt
from timbalans.rostering.models import Booking, StaffingRun
from timbalans.rostering.selectors import (
    StaffingError,
    staffing_booking_get,
    staffing_bookings_recent,
    staffing_candidates_cached,
    staffing_config_load,
    staffing_newest_batch,
    staffing_open_shifts,
    staffing_rule_get,
    staffing_runs_recent,
)
from timbalans.rostering.services import (
    NOTHING_CHOSEN,
    staffing_book,
    staffing_book_proposal,
    staffing_booking_undo,
    staffing_rule_save,
)
from timbalans.staffing.instance import STATUS_LABELS, TIER_LABELS, Config, OpenShift, Pool
from timbalans.text.labels import OPEN_SHIFT_REASONS
from timbalans.web.access import page
from timbalans.web.filters import Filters
from timbalans.web.jobs import jobs_fail_gone, staffing_run_start
from timbalans.web.selectors import case_period_on, employees_visible, unit_scope
from timbalans.web.tables import STATUS_LABELS as BALANCE_STATUS
from timbalans.web.views.common import render_page

HORIZON_DAYS = 14
TOP_CANDIDATES = 5  # the shift page lists these first; "Visa alla" the rest
BOOKED = "{employee} är bokad på passet {id}."
PROPOSAL_BOOKED = "Bokat ur förslag {run}: {count} pass."
BOOKING_UNDONE = "Bokningen {number} är ångrad: passen är öppna igen."
OVER_GRANTED = (
    "Ärendet ligger {hours} över beviljat – överväg att korta eller inte tillsätta passet."
)
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


def _label(employee_id: str, names: dict[str, str]) -> str:
    """``E2 Bo Berg`` when the user sees names, else the employee number."""
    name = names.get(employee_id)
    return f"{employee_id} {name}" if name else employee_id


def _balance(access: Access, as_of: dt.date, shift: OpenShift) -> dict[str, Any] | None:
    """The case's settlement period holding the shift, with the warning when it is over."""
    day = timezone.localtime(shift.start).date()
    row = case_period_on(access=access, as_of=as_of, case_id=shift.case_id, day=day)
    if row is None:
        return None
    over = row["status"] == "over"
    warning = OVER_GRANTED.format(hours=fmt.hours(row["forecast_deviation_hours"]))
    return {**row, "warning": warning if over else ""}


@page(_may_staff)
def shift(request: HttpRequest, access: Access, shift_id: str) -> HttpResponse:
    filters = Filters.from_request(request)
    config = _config(access)
    try:
        ranking = staffing_candidates_cached(shift_id=shift_id, as_of=filters.as_of, config=config)
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
            booking = staffing_book(
                shift_id=shift_id,
                employee_id=employee,
                user=request.user,
                as_of=filters.as_of,
                config=config,
            )
        except StaffingError as e:
            messages.error(request, str(e))
            return redirect(request.get_full_path())
        label = _label(employee, _names(access, {employee}))
        messages.success(request, BOOKED.format(employee=label, id=shift_id))
        return redirect("web:staffing_booking", booking.batch_id)
    ids = {c.employee_id for c in ranking.candidates} | {e.employee_id for e in ranking.excluded}
    show_all = request.GET.get("alla") == "1"
    candidates = ranking.candidates if show_all else ranking.candidates[:TOP_CANDIDATES]
    return render_page(
        request,
        access,
        "web/staffing_shift.html",
        {
            "ranking": ranking,
            "candidates": candidates,
            "hidden": len(ranking.candidates) - len(candidates),
            "balance": _balance(access, filters.as_of, ranking.shift),
            "names": _names(access, ids),
            "reasons": REASON_LABELS,
            "status_labels": BALANCE_STATUS,
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


def _when(value: str) -> dt.datetime:
    return timezone.localtime(dt.datetime.fromisoformat(value))


def _proposal_rows(result: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """The proposal's assignments with their shifts, in the shifts' order, for the pages."""
    shifts = {s["id"]: s for s in result["shifts"]}
    rows = []
    for a in result["proposal"]["assignments"]:
        s = shifts[a["shift_id"]]
        rows.append(
            {
                **a,
                "case_id": s["case_id"],
                "unit_id": s["unit_id"],
                "start": _when(s["start"]),
                "end": _when(s["end"]),
                "reason": REASON_LABELS[s["reason"]],
                "employee": _label(a["employee_id"], names),
                "tier_label": TIER_LABELS.get(a["tier"], ""),
            }
        )
    return sorted(rows, key=lambda r: (r["start"], r["shift_id"]))


def _visible_run(access: Access, run_id: int) -> StaffingRun:
    staffing_run = get_object_or_404(StaffingRun, pk=run_id)
    if not _run_visible(access, staffing_run):
        raise Http404
    return staffing_run


def _booked(staffing_run: StaffingRun) -> set[str]:
    """The shifts of a run booked from it and not undone."""
    applied = staffing_run.bookings.filter(batch__status=m.ImportBatch.Status.APPLIED)
    return set(applied.values_list("shift_id", flat=True))


@page(_may_staff)
def run(request: HttpRequest, access: Access, run_id: int) -> HttpResponse:
    jobs_fail_gone()
    staffing_run = _visible_run(access, run_id)
    result: dict[str, Any] | None = staffing_run.result
    names = _names(access, _run_staff(staffing_run))
    template = (
        "web/_staffing_run.html" if request.headers.get("HX-Request") else "web/staffing_run.html"
    )
    return render_page(
        request,
        access,
        template,
        {
            "run": staffing_run,
            "result": result,
            "rows": _proposal_rows(result, names) if result else [],
            "status": STATUS_LABELS.get(result["proposal"]["status"], "") if result else "",
            "booked": _booked(staffing_run),
        },
        active="web:staffing",
    )


@page(_may_staff)
def run_book(request: HttpRequest, access: Access, run_id: int) -> HttpResponse:
    """The confirmation of "Boka alla" (GET: the chosen bookings, their cost against greedy)
    and the booking itself (POST)."""
    staffing_run = _visible_run(access, run_id)
    result: dict[str, Any] | None = staffing_run.result
    if not result:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    booked = _booked(staffing_run)
    proposed = [a["shift_id"] for a in result["proposal"]["assignments"]]
    # "Boka alla": every shift of the proposal not booked from it already.
    chosen = (
        [s for s in proposed if s not in booked]
        if data.get("alla") == "1"
        else data.getlist("pass")
    )
    if request.method == "POST":
        try:
            batch = staffing_book_proposal(
                run=staffing_run, shift_ids=chosen, user=request.user, config=_config(access)
            )
        except StaffingError as e:
            messages.error(request, str(e))
            return redirect("web:staffing_run", staffing_run.pk)
        messages.success(request, PROPOSAL_BOOKED.format(count=len(chosen), run=staffing_run.pk))
        return redirect("web:staffing_booking", batch.pk)
    if not chosen:
        messages.error(request, NOTHING_CHOSEN)
        return redirect("web:staffing_run", staffing_run.pk)
    names = _names(access, _run_staff(staffing_run))
    rows = [r for r in _proposal_rows(result, names) if r["shift_id"] in set(chosen)]
    greedy = {a["shift_id"]: a for a in result["greedy"]["assignments"]}
    greedy_chosen = [greedy[r["shift_id"]] for r in rows if r["shift_id"] in greedy]
    cost = sum(r["cost_sek"] for r in rows)
    greedy_cost = sum(a["cost_sek"] for a in greedy_chosen)
    return render_page(
        request,
        access,
        "web/staffing_run_book.html",
        {
            "run": staffing_run,
            "rows": rows,
            "cost": cost,
            "greedy_cost": greedy_cost,
            "greedy_filled": len(greedy_chosen),
            "saving": greedy_cost - cost,
        },
        active="web:staffing",
    )


def _booking_visible(access: Access, bookings: list[Booking]) -> bool:
    """A unit manager sees a booking of her own units whose staff are all hers to see."""
    if access.unit_ids is None:
        return True
    if not all(access.sees_unit(b.unit_id) for b in bookings):
        return False
    staff = {b.employee_id for b in bookings}
    return staff <= employees_visible(access=access, employee_ids=staff)


@page(_may_staff)
def bookings(request: HttpRequest, access: Access) -> HttpResponse:
    visible = [
        (batch, rows)
        for batch, rows in staffing_bookings_recent(limit=100)
        if _booking_visible(access, rows)
    ][:50]
    names = _names(access, {b.employee_id for _, rows in visible for b in rows})
    found = [
        {
            "batch": batch,
            "count": len(rows),
            "cost": sum(b.cost_sek for b in rows),
            "staff": ", ".join(sorted({_label(b.employee_id, names) for b in rows})),
        }
        for batch, rows in visible
    ]
    return render_page(
        request,
        access,
        "web/staffing_bookings.html",
        {"found": found},
        active="web:staffing_bookings",
    )


@page(_may_staff)
def booking(request: HttpRequest, access: Access, number: int) -> HttpResponse:
    found = staffing_booking_get(number=number)
    if found is None or not _booking_visible(access, found[1]):
        raise Http404
    batch, rows = found
    if request.method == "POST":
        try:
            staffing_booking_undo(number=number, user=request.user)
        except StaffingError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, BOOKING_UNDONE.format(number=number))
        return redirect("web:staffing_booking", number)
    names = _names(access, {b.employee_id for b in rows})
    return render_page(
        request,
        access,
        "web/staffing_booking.html",
        {
            "batch": batch,
            "rows": [
                {
                    "b": b,
                    "employee": _label(b.employee_id, names),
                    "tier_label": TIER_LABELS.get(b.tier, ""),
                    "reason": REASON_LABELS.get(b.reason, ""),
                }
                for b in rows
            ],
            "cost": sum(b.cost_sek for b in rows),
            "run": rows[0].run,
            "undoable": batch.status == "applied" and staffing_newest_batch() == batch.pk,
        },
        active="web:staffing_bookings",
    )
