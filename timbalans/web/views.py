"""Pages. Views parse input, call one selector and render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from timbalans.records.selectors import import_batch_list, record_counts, unit_case_counts

TABLE_LABELS = {
    "units": "Enheter",
    "cases": "Ärenden",
    "decisions": "Beslut",
    "employees": "Medarbetare",
    "employments": "Anställningar",
    "accounts": "Kontoplan",
    "shifts": "Schemalagda pass",
    "worked": "Utförd tid",
    "absences": "Frånvaro",
    "ledger": "Bokföring",
    "fk_reports": "Tidredovisning",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    counts = record_counts()
    return render(
        request,
        "web/home.html",
        {
            "counts": [(TABLE_LABELS[t], n) for t, n in counts.items()],
            "units": unit_case_counts(),
            "batches": import_batch_list()[:20],
        },
    )
