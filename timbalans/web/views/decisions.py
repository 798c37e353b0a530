"""A decision letter entered by hand: the form, checked as an import and saved as one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from timbalans.accounts.access import Access
from timbalans.ingest.schema import PAYERS
from timbalans.records.decision_entry import FIELDS, DecisionRejected, decision_enter
from timbalans.web import selectors
from timbalans.web.access import client_ip, page
from timbalans.web.views.common import render_page

SAVED = (
    "Beslutet för ärende {case} är sparat som import {number}. Det ångras under Import, "
    "som varje import."
)
REJECTED = "Beslutet sparades inte: {count} fel. Rätta uppgifterna och spara igen."
PAYER_LABELS = {"FK": "Försäkringskassan (FK)", "KOMMUN": "Kommunen (KOMMUN)"}
# The form's defaults: a settlement period is six months unless the decision says otherwise.
INITIAL = {"payer": "FK", "period_months": "6"}


def _may_enter(a: Access) -> bool:
    return a.may_enter_decisions


@page(_may_enter)
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest, access: Access) -> HttpResponse:
    values = {**INITIAL, "case_id": request.GET.get("arende", "")}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {f: request.POST.get(f, "") for f in FIELDS}
        try:
            entered = decision_enter(
                values=values, user=request.user, unit_ids=access.unit_ids, ip=client_ip(request)
            )
        except DecisionRejected as rejected:
            for problem in rejected.problems:
                errors.setdefault(problem.column or "", []).append(problem.message)
            messages.error(request, REJECTED.format(count=len(rejected.problems)))
        else:
            case_id = values["case_id"].strip()
            messages.success(request, SAVED.format(case=case_id, number=entered.batch.pk))
            for note in entered.notes:
                messages.info(request, note)
            return redirect("web:case", case_id=case_id)
    return render_page(
        request,
        access,
        "web/decision_new.html",
        {
            "values": values,
            "errors": errors,
            "other_errors": errors.get("", []),
            "cases": selectors.cases_visible(access=access),
            "payers": [(p, PAYER_LABELS[p]) for p in PAYERS],
            "months": [str(n) for n in range(1, 7)],
        },
        active="web:cases",
    )
