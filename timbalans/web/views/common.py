"""What every page's template gets: the user's access, the filters and the navigation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from timbalans.accounts.access import Access
from timbalans.figures.charts import svg_key, svg_of, svg_remember, svg_remembered, to_svg
from timbalans.records.figure_cache import text_file_cached
from timbalans.web import selectors
from timbalans.web.filters import Filters
from timbalans.web.preferences import columns_shown
from timbalans.web.tables import Table, sort_param, wants_xlsx, xlsx_response

NAV = [
    ("web:overview", "Översikt", None),
    ("web:cases", "Ärenden", None),
    ("web:units", "Enheter", None),
    ("web:capacity", "Bemanning", None),
    ("web:staffing", "Öppna pass", "may_staff"),
    ("web:staffing_bookings", "Bokningar", "may_staff"),
    ("web:overtime", "Övertid och timavlönade", None),
    ("web:absence", "Sjukfrånvaro", None),
    ("web:absence_cases", "Sjukfrånvaro per ärende", None),
    ("web:deviations", "Avvikelser", None),
    ("web:fk_check", "Tidredovisning", None),
    ("web:limits", "Arbetstidsgränser", "sees_employee_names"),
    ("web:forecast", "Helårsprognos", "sees_economics"),
    ("plans:list", "Handlingsplaner", "sees_economics"),
    ("reports:list", "Rapporter", "sees_economics"),
    ("web:imports", "Import", "may_import"),
    ("web:settings", "Inställningar", "may_change_settings"),
    ("web:audit", "Granskningslogg", "may_read_audit"),
]


def render_page(
    request: HttpRequest,
    access: Access,
    template: str,
    context: dict[str, Any],
    *,
    filters: Filters | None = None,
    active: str = "",
) -> HttpResponse:
    nav = [
        {"url": url, "label": label, "active": url == active}
        for url, label, right in NAV
        if right is None or getattr(access, right)
    ]
    return render(
        request,
        template,
        {
            "access": access,
            "filters": filters,
            "nav": nav,
            "units": selectors.units_visible(access=access),
            "columns_shown": columns_shown(user=request.user),
            **context,
        },
    )


def table_or_xlsx(
    request: HttpRequest,
    access: Access,
    template: str,
    context: dict[str, Any],
    *,
    tables: list[Table],
    filename: str,
    filters: Filters,
    active: str,
) -> HttpResponse:
    """The page, or with ``?format=xlsx`` its tables as a workbook (the same rows)."""
    if wants_xlsx(request):
        return xlsx_response(tables, filename=filename, used=selectors.settings_used(access=access))
    return render_page(request, access, template, context, filters=filters, active=active)


def chart_of(build: Callable[..., dict[str, Any]], /, *args: Any, **kwargs: Any) -> str:
    """The SVG of ``build(*args, **kwargs)`` (a function of ``timbalans.figures.charts``),
    built once for the same inputs, so a page asked again renders no chart: kept in this
    process and in the figure cache's files, so the other server processes read it instead
    of rendering it again (a chart costs a tenth of a second or more)."""
    key = svg_key(build, *args, **kwargs)
    if key is None:
        return svg_of(build, *args, **kwargs)
    svg = svg_remembered(key)
    if svg is None:
        svg = text_file_cached(kind="svg", key=key, compute=lambda: to_svg(build(*args, **kwargs)))
        svg_remember(key, svg)
    return svg


__all__ = ["chart_of", "render_page", "sort_param", "table_or_xlsx"]
