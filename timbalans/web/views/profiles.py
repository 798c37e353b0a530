"""Mapping profiles (administrators only): upload a sample file, map it with a live preview,
save the profile as a new version, and import the sample with it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from timbalans.accounts.access import ADMIN, Access
from timbalans.accounts.models import AuditEvent
from timbalans.accounts.services import audit_log
from timbalans.ingest.profiles import DEFAULT_FORMATS, TIME_KINDS
from timbalans.ingest.schema import TABLES
from timbalans.records.mapping_profiles import (
    ProfileInvalid,
    mapping_profile_list,
    mapping_profile_save,
    mapping_profile_versions,
    profile_of_version,
)
from timbalans.records.models import MappingProfileVersion
from timbalans.web import profile_editor as pe
from timbalans.web.access import client_ip, page
from timbalans.web.guides import IMPORT, guide_html
from timbalans.web.jobs import import_job_create_from_sample
from timbalans.web.views.common import render_page

SAVED = "Profilen {name} är sparad som version {number}."
UNCHANGED = "Profilen {name} är oförändrad (version {number})."
NOT_SAVED = "Profilen sparades inte: {count} fel i profilen. Rätta felen i förhandsgranskningen."
GUIDE_MISSING = "Importguiden finns inte i den här installationen (timbalans/web/guide/import.md)."


def _is_admin(a: Access) -> bool:
    return a.role == ADMIN


@page(_is_admin)
def profiles(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method == "POST":
        try:
            sample = pe.sample_save(upload=request.FILES.get("sample"))
        except ValueError as e:
            messages.error(request, str(e))
            return redirect("web:profiles")
        base = request.POST.get("base", "")
        url = redirect("web:profile_editor", sample).url
        return redirect(f"{url}?profil={base}" if base.isdigit() else url)
    return render_page(
        request,
        access,
        "web/profiles.html",
        {"newest": mapping_profile_list(), "versions": mapping_profile_versions()},
        active="web:imports",
    )


def _form_context(sample_id: str, sample: pe.Sample, data: dict[str, str]) -> dict[str, object]:
    table = TABLES.get(data.get("table", ""))
    rows = []
    for col in table.columns if table else ():
        source = data.get(f"src_{col.name}", "")
        codes = pe.sample_distinct_if_enum(sample, col, source)
        rows.append(
            {
                "col": col,
                "time_kind": col.kind in TIME_KINDS,
                "source": source,
                "time": data.get(f"time_{col.name}", ""),
                "value": data.get(f"value_{col.name}", ""),
                "choices": [(c, pe.value_label(c)) for c in col.choices],
                "codes": [
                    {"index": i, "code": code, "target": data.get(f"map_{col.name}_{i}", "")}
                    for i, code in enumerate(codes)
                ],
            }
        )
    return {
        "sample": sample,
        "sample_id": sample_id,
        "data": data,
        "tables": [(name, pe.TABLE_LABELS[name]) for name in TABLES],
        "columns": rows,
        "defaults": DEFAULT_FORMATS,
        "skip": pe.SKIP,
    }


def _preview_context(text: str, sample: pe.Sample) -> dict[str, object]:
    preview = pe.preview_build(text=text, sample=sample)
    table = preview.profile.table if preview.profile else None
    return {
        "preview": preview,
        "table_label": pe.TABLE_LABELS.get(table or "", ""),
        "text_lines": list(enumerate(text.splitlines(), start=1)),
        "shown_problems": preview.problems[:500],
    }


@page(_is_admin)
def profile_editor(request: HttpRequest, access: Access, sample: str) -> HttpResponse:
    try:
        path = pe.sample_file(sample)
    except ValueError as e:
        raise Http404(str(e)) from e
    profile = None
    if request.method == "POST":
        data: dict[str, str] = {
            k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"
        }
    else:
        data = {"files": path.name, "name": ""}
        base = request.GET.get("profil", "")
        saved = (
            MappingProfileVersion.objects.filter(pk=int(base)).select_related("profile").first()
            if base.isdigit()
            else None
        )
        if saved is not None:
            profile = profile_of_version(saved)
            data = pe.form_from_profile(profile)
    sample_data = pe.sample_read(sample, sheet=data.get("sheet"))
    pe.form_maps(profile, sample_data, data)
    text = pe.profile_text(data, sample_data)
    context = {**_form_context(sample, sample_data, data), **_preview_context(text, sample_data)}
    if request.method == "POST" and request.POST.get("action") == "save":
        return _save(request, access, sample, text, context)
    if request.headers.get("HX-Request"):
        return render_page(request, access, "web/_profile_editor.html", context)
    return render_page(request, access, "web/profile_editor.html", context, active="web:imports")


def _save(
    request: HttpRequest, access: Access, sample: str, text: str, context: dict[str, object]
) -> HttpResponse:
    try:
        version, new = mapping_profile_save(text=text, user=request.user)
    except ProfileInvalid as e:
        messages.error(request, NOT_SAVED.format(count=len(e.problems)))
        return render_page(
            request, access, "web/profile_editor.html", context, active="web:imports"
        )
    name = version.profile.name
    if new:
        audit_log(
            user=request.user,
            action=AuditEvent.Action.SETTING,
            target=f"mappningsprofil {name} version {version.number}",
            detail={"sha256": version.sha256},
            ip=client_ip(request),
        )
        messages.success(request, SAVED.format(name=name, number=version.number))
    else:
        messages.success(request, UNCHANGED.format(name=name, number=version.number))
    context["saved"] = version
    return render_page(request, access, "web/profile_editor.html", context, active="web:imports")


@require_POST
@page(_is_admin)
def profile_import(request: HttpRequest, access: Access, sample: str, version: int) -> HttpResponse:
    saved = get_object_or_404(MappingProfileVersion, pk=version)
    try:
        job = import_job_create_from_sample(sample=sample, version=saved, user=request.user)
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("web:profiles")
    return redirect("web:import_job", job.pk)


@page(_is_admin)
def profile_download(request: HttpRequest, access: Access, version: int) -> HttpResponse:
    saved = get_object_or_404(MappingProfileVersion.objects.select_related("profile"), pk=version)
    response = HttpResponse(saved.text, content_type="application/toml; charset=utf-8")
    slug = "".join(
        c if c.isascii() and c.isalnum() else "-" for c in saved.profile.name.lower()
    ).strip("-")
    response["Content-Disposition"] = (
        f'attachment; filename="{slug or "profil"}-v{saved.number}.profile.toml"'
    )
    return response


def _may_import(a: Access) -> bool:
    return a.may_import


@page(_may_import)
def import_guide(request: HttpRequest, access: Access) -> HttpResponse:
    # The guide is our own document from the repository, not user input.
    html = mark_safe(guide_html(IMPORT, GUIDE_MISSING))  # noqa: S308
    return render_page(request, access, "web/import_guide.html", {"guide": html})
