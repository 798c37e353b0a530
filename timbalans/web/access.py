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

View = Callable[..., HttpResponse]


def page(check: Callable[[Access], bool] | None = None) -> Callable[[View], View]:
    """Login required; the user must have a role, and pass ``check`` when given.

    The view is called as ``view(request, access, *args)``; a GET or HEAD inside
    ``data_version_pinned`` (its figures all from one version of the data, read once).
    """

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            access = access_for(user=request.user)
            if access is None or (check is not None and not check(access)):
                raise PermissionDenied
            if request.method in ("GET", "HEAD"):
                # A page that only reads answers for one version of the data throughout.
                with data_version_pinned():
                    return view(request, access, *args, **kwargs)
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorate


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")
