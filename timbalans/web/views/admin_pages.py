"""Import, settings and the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from timbalans.accounts.access import ADMIN, Access
from timbalans.accounts.models import AuditEvent
from timbalans.accounts.selectors import audit_event_list
from timbalans.accounts.services import audit_log
from timbalans.figures.settings import FigureSettings
from timbalans.records.mapping_profiles import mapping_profile_list
from timbalans.records.models import MappingProfileVersion, RateChange
from timbalans.records.rates import rate_update
from timbalans.records.selectors import figure_settings_load, import_batch_list
from timbalans.records.services import UndoRefused, import_batch_undo, setting_update
from timbalans.text.labels import SETTING_LABELS, setting_value_text
from timbalans.web.access import client_ip, page
from timbalans.web.jobs import (
    figures_warm_start,
    import_job_apply,
    import_job_create,
    import_job_get,
    jobs_fail_gone,
)
from timbalans.web.models import ImportJob
from timbalans.web.views.common import render_page

UNDONE = "Import {number} är ångrad."
SETTING_SAVED = "Inställningen {key} är sparad."
SETTING_BAD = "Värdet för {key} kunde inte sparas: {error}"


def _may_import(a: Access) -> bool:
    return a.may_import


@page(_may_import)
def imports(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method == "POST":
        chosen = request.POST.get("profile", "")
        version = (
            MappingProfileVersion.objects.filter(pk=int(chosen)).first()
            if chosen.isdigit()
            else None
        )
        try:
            job = import_job_create(
                files=request.FILES.getlist("files"), user=request.user, profile_version=version
            )
        except ValueError as e:
            messages.error(request, str(e))
            return redirect("web:imports")
        return redirect("web:import_job", job.pk)
    jobs_fail_gone()
    batches = import_batch_list()
    newest = next((b for b in batches if b.status == "applied"), None)
    return render_page(
        request,
        access,
        "web/imports.html",
        {
            "batches": [{"b": b, "rows": sum(b.rows.values())} for b in batches[:50]],
            "undoable": newest.pk if newest else None,
            "jobs": ImportJob.objects.all()[:10],
            "profiles": mapping_profile_list(),
            "may_edit_profiles": access.role == ADMIN,
        },
        active="web:imports",
    )


@page(_may_import)
def import_job(request: HttpRequest, access: Access, job_id: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=job_id)
    if request.method == "POST":
        import_job_apply(job=job, user=request.user)
        return redirect("web:import_job", job.pk)
    job = import_job_get(job_id=job.pk)
    template = (
        "web/_import_job.html" if request.headers.get("HX-Request") else "web/import_job.html"
    )
    return render_page(request, access, template, {"job": job}, active="web:imports")


@require_POST
@page(_may_import)
def import_undo(request: HttpRequest, access: Access, number: int) -> HttpResponse:
    try:
        import_batch_undo(number=number, user=request.user)
    except UndoRefused as e:
        messages.error(request, str(e))
    else:
        audit_log(
            user=request.user,
            action=AuditEvent.Action.UNDO,
            target=f"import {number}",
            ip=client_ip(request),
        )
        messages.success(request, UNDONE.format(number=number))
        figures_warm_start()
    return redirect("web:imports")


SETTING_HELP = SETTING_LABELS


def _may_change_settings(a: Access) -> bool:
    return a.may_change_settings


@page(_may_change_settings)
def settings_page(request: HttpRequest, access: Access) -> HttpResponse:
    from timbalans.records.models import SettingChange

    if request.method == "POST" and request.POST.get("kind") == "rate":
        return _rate_post(request)
    if request.method == "POST":
        key = request.POST.get("key", "")
        raw = request.POST.get("value", "")
        try:
            value = json.loads(raw)
            setting_update(key=key, value=value, user=request.user)
        except (ValueError, TypeError) as e:
            messages.error(request, SETTING_BAD.format(key=key, error=e))
        else:
            audit_log(
                user=request.user,
                action=AuditEvent.Action.SETTING,
                target=key,
                detail={"value": value},
                ip=client_ip(request),
            )
            messages.success(request, SETTING_SAVED.format(key=key))
        return redirect("web:settings")
    loaded = figure_settings_load()
    current = loaded.describe()
    defaults = FigureSettings().describe()
    rows = [
        {
            "key": k,
            "help": SETTING_HELP.get(k, ""),
            "value": json.dumps(v, ensure_ascii=False),
            "default": json.dumps(defaults.get(k), ensure_ascii=False),
            "default_text": setting_value_text(defaults.get(k)),
            "changed": v != defaults.get(k),
        }
        for k, v in current.items()
        if k != "source" and k in asdict(FigureSettings())
    ]
    return render_page(
        request,
        access,
        "web/settings.html",
        {
            "rows": rows,
            "changes": SettingChange.objects.all()[:50],
            "rates": loaded.rates.describe(),
            "rates_name": loaded.rates.name,
            "rate_keys": sorted({(r["sats"], r["benämning"]) for r in loaded.rates.describe()}),
            "rate_names": {r["sats"]: r["benämning"] for r in loaded.rates.describe()},
            "rate_changes": RateChange.objects.order_by("-pk")[:50],
        },
        active="web:settings",
    )


RATE_SAVED = "Satsen {key} från {date} är sparad."
RATE_BAD = "Satsen {key} kunde inte sparas: {error}"
RATE_DATE_BAD = "Ange datumet satsen gäller från som ÅÅÅÅ-MM-DD."


def _rate_post(request: HttpRequest) -> HttpResponse:
    key = request.POST.get("key", "")
    try:
        valid_from = dt.date.fromisoformat(request.POST.get("valid_from", ""))
    except ValueError:
        messages.error(request, RATE_BAD.format(key=key, error=RATE_DATE_BAD))
        return redirect("web:settings")
    value = request.POST.get("value", "")
    try:
        rate_update(
            key=key,
            valid_from=valid_from,
            value=value,
            user_name=request.user.get_username(),
            note=request.POST.get("note", ""),
        )
    except ValueError as e:
        messages.error(request, RATE_BAD.format(key=key, error=e))
    else:
        audit_log(
            user=request.user,
            action=AuditEvent.Action.RATE,
            target=key,
            detail={"valid_from": valid_from.isoformat(), "value": value},
            ip=client_ip(request),
        )
        messages.success(request, RATE_SAVED.format(key=key, date=valid_from))
    return redirect("web:settings")


def _may_read_audit(a: Access) -> bool:
    return a.may_read_audit


@page(_may_read_audit)
def audit(request: HttpRequest, access: Access) -> HttpResponse:
    action = request.GET.get("action", "")
    events = audit_event_list(action=action or None, username=request.GET.get("user") or None)
    return render_page(
        request,
        access,
        "web/audit.html",
        {
            "events": events[:500],
            "actions": AuditEvent.Action.choices,
            "action": action,
            # a setting or a rate named by its key is shown by its Swedish name
            "targets": {
                **{r["sats"]: r["benämning"] for r in figure_settings_load().rates.describe()},
                **SETTING_LABELS,
            },
        },
        active="web:audit",
    )
