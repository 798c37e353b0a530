"""The figures guide inside the app, so every page can link to it.

It renders the Swedish user guide ``docs/berakningar.md``; ``docs/figures.md`` is the English
reference with the same definitions. The ``toc`` extension gives every heading an id, which
the pages link to (``#hour-balance-timbalans``, ``#capacity``, ``#overtime``, ``#absence``).
"""

from __future__ import annotations

from functools import lru_cache

import markdown
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe

from timbalans.accounts.access import Access
from timbalans.web.access import page
from timbalans.web.views.common import render_page

MISSING = "Beräkningsguiden finns inte i den här installationen (docs/berakningar.md)."


@lru_cache(maxsize=1)
def _guide_html() -> str:
    path = settings.BASE_DIR.parent / "docs" / "berakningar.md"
    if not path.exists():
        return f"<p>{MISSING}</p>"
    return markdown.markdown(
        path.read_text(encoding="utf-8"), extensions=["tables", "toc", "fenced_code"]
    )


@page()
def guide(request: HttpRequest, access: Access) -> HttpResponse:
    # The guide is our own document from the repository, not user input.
    html = mark_safe(_guide_html())  # noqa: S308
    return render_page(request, access, "web/guide.html", {"guide": html})
