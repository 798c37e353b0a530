"""Single sign-on's two views (mozilla-django-oidc), answering only while TIMBALANS_OIDC is on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)


def _only_when_on(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.TIMBALANS_OIDC:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path(
        "callback/",
        _only_when_on(OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "authenticate/",
        _only_when_on(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
]
