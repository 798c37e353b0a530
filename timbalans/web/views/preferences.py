"""A wide table's "Fler kolumner": shown or not, remembered per user and table."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from timbalans.accounts.access import Access
from timbalans.web.access import page
from timbalans.web.preferences import columns_show

# Table names are the views' own (``Table.name``): short slugs.
TABLE_NAME = re.compile(r"^[a-z0-9-]{1,60}$")
BAD_TABLE = "Okänd tabell."


@require_POST
@page()
def table_columns(request: HttpRequest, access: Access) -> HttpResponse:
    table = request.POST.get("table", "")
    if not TABLE_NAME.match(table):
        return HttpResponseBadRequest(BAD_TABLE)
    columns_show(user=request.user, table=table, show=request.POST.get("show") == "1")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:overview")
    return HttpResponseRedirect(f"{target}#t-{table}")
