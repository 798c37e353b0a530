"""The figures guide inside the app, so every page can link to it.

It renders the Swedish user guide ``timbalans/web/guide/berakningar.md`` (timbalans.web.guides);
``docs/figures.md`` is the English reference with the same definitions. The pages link to its
headings' ids (``#hour-balance-timbalans``, ``#capacity``, ``#overtime``, ``#absence``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe

from timbalans.accounts.access import Access
from timbalans.web.access import page
from timbalans.web.guides import FIGURES, guide_html
from timbalans.web.views.common import render_page

MISSING = (
    "Beräkningsguiden finns inte i den här installationen (timbalans/web/guide/berakningar.md)."
)


@page()
def guide(request: HttpRequest, access: Access) -> HttpResponse:
    # The guide is our own document from the repository, not user input.
    html = mark_safe(guide_html(FIGURES, MISSING))  # noqa: S308
    return render_page(request, access, "web/guide.html", {"guide": html})
