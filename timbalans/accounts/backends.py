"""The one login throttle, for every login path that checks a password.

Django's ``authenticate()`` runs this backend for the app's login form, the admin's login
form and anything else that logs in with a password, so the lock is checked, every failure
counted and audited, in one place. Successful logins (also single sign-on) are audited by the
``user_logged_in`` receiver in ``apps.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from timbalans.accounts.services import login_attempt_begin, login_failure_record


def request_ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None  # not a password login (single sign-on has its own backend)
        ip = request_ip(request)
        if not login_attempt_begin(username=username, ip=ip):
            raise PermissionDenied  # stops authenticate(): no other backend may try
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_record(username=username, ip=ip)
        return user
