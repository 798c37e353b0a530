"""The one gate every page passes: login, a role, and the role's right to this page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from timbalans.accounts.access import Access
from timbalans.accounts.selectors import access_for
from timbalans.records.figure_cache import data_version_pinned
from timbalans.web.preferences import filters_remember, filters_restored

View = Callable[..., HttpResponse]


def page(
    check: Callable[[Access], bool] | None = None, *, remember: bool = False
) -> Callable[[View], View]:
    """Login required; the user must have a role, and pass ``check`` when given.

    The view is called as ``view(request, access, *args)``; a GET or HEAD inside
    ``data_version_pinned`` (its figures all from one version of the data, read once).
    With ``remember``, the page's filters and sort order are kept per user
    (``web.preferences``): a GET without them is redirected to the ones last used.
    """

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            access = access_for(user=request.user)
            if access is None or (check is not None and not check(access)):
                raise PermissionDenied
            saved = ""
            if remember and request.method == "GET":
                restored, saved = filters_restored(request=request, access=access)
                if restored is not None:
                    return restored
            if request.method in ("GET", "HEAD"):
                # A page that only reads answers for one version of the data throughout.
                with data_version_pinned():
                    response = view(request, access, *args, **kwargs)
                if remember and request.method == "GET" and response.status_code == 200:
                    filters_remember(request=request, saved=saved)
                return response
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorate


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")
