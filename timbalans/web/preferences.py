"""What a user chose on a page, remembered server side (``PagePreference``) so that it
survives leaving the page, closing the browser and logging in again.

- A page's filters and sort order live in its URL; the last query string a user opened a
  page with is kept per page. Coming back to the page without a query string restores it;
  coming back with only the shared filters (the menu's links carry D, the dates and the
  unit) or from the page's own filter form restores the page's own choices (sort order,
  status) that the URL does not name; ``?aterstall`` forgets them.
- A wide table shows its most used columns; the rest are behind "Fler kolumner", shown or
  not per user and table.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponseRedirect

from timbalans.accounts.access import Access
from timbalans.records.figure_access import today
from timbalans.web.models import PagePreference

RESET = "aterstall"
# The filters the menu carries from page to page, and a page's own choices.
SHARED_PARAMS = ("as_of", "from", "to", "unit")
PAGE_PARAMS = ("sort", "status")
REMEMBERED_PARAMS = SHARED_PARAMS + PAGE_PARAMS
FILTERS_KEY = "filters:"
COLUMNS_KEY = "columns:"

# The request's user, as ``accounts.services.audit_log`` takes it (anonymous: nothing kept).
User = Any


def preference_get(*, user: User, key: str) -> str | None:
    if not user.is_authenticated:
        return None
    return PagePreference.objects.filter(user=user, key=key).values_list("value", flat=True).first()


def preference_set(*, user: User, key: str, value: str) -> None:
    PagePreference.objects.update_or_create(user=user, key=key, defaults={"value": value})


def preference_delete(*, user: User, key: str) -> None:
    PagePreference.objects.filter(user=user, key=key).delete()


def _remembered_query(params: list[tuple[str, str]]) -> str:
    """The part of a query string worth remembering: the filters and the sort order, without
    empty values, and without D when it is today (so that tomorrow D is tomorrow)."""
    now = today().isoformat()
    kept = [
        (k, v)
        for k, v in params
        if k in REMEMBERED_PARAMS and v and not (k == "as_of" and v == now)
    ]
    return urlencode(kept)


def filters_restored(
    *, request: HttpRequest, access: Access
) -> tuple[HttpResponseRedirect | None, str]:
    """The redirect that puts a page's remembered filters back into its URL (None when the URL
    is to be shown as it is), and the query string remembered (for ``filters_remember``)."""
    key = FILTERS_KEY + _page_name(request)
    if RESET in request.GET:
        preference_delete(user=request.user, key=key)
        return HttpResponseRedirect(request.path), ""
    saved = preference_get(user=request.user, key=key) or ""
    if not saved:
        return None, saved
    # A unit the user no longer sees is left out rather than refused on every visit.
    saved_params = [(k, v) for k, v in parse_qsl(saved) if k != "unit" or access.sees_unit(v)]
    if not request.GET:
        return HttpResponseRedirect(f"{request.path}?{urlencode(saved_params)}"), saved
    own = [(k, v) for k, v in saved_params if k in PAGE_PARAMS and k not in request.GET]
    if not own:
        return None, saved
    current = _params(request)
    return HttpResponseRedirect(f"{request.path}?{urlencode(current + own)}"), saved


def filters_remember(*, request: HttpRequest, saved: str) -> None:
    """Keeps the query string of a page just shown (not of its Excel export); ``saved`` is
    the one remembered before (``filters_restored``)."""
    if "format" in request.GET or not request.user.is_authenticated:
        return
    key = FILTERS_KEY + _page_name(request)
    query = _remembered_query(_params(request))
    if query == saved:
        return  # a page view writes nothing when nothing changed
    if query:
        preference_set(user=request.user, key=key, value=query)
    else:
        preference_delete(user=request.user, key=key)


def _params(request: HttpRequest) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in request.GET.items()]


def _page_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match is not None else request.path


def columns_shown(*, user: User) -> set[str]:
    """The tables whose extra columns this user shows."""
    if not user.is_authenticated:
        return set()
    keys = PagePreference.objects.filter(
        user=user, key__startswith=COLUMNS_KEY, value="all"
    ).values_list("key", flat=True)
    return {k.removeprefix(COLUMNS_KEY) for k in keys}


def columns_show(*, user: User, table: str, show: bool) -> None:
    if show:
        preference_set(user=user, key=COLUMNS_KEY + table, value="all")
    else:
        preference_delete(user=user, key=COLUMNS_KEY + table)
