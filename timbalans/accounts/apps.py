from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "timbalans.accounts"
    label = "accounts"
    verbose_name = "Användare och behörighet"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_logged_in, dispatch_uid="timbalans-login-audit")


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Every login path (the app's form, the admin's, single sign-on) ends in Django's
    ``login()``: audit it here once and clear the name's failure count."""
    from timbalans.accounts.backends import request_ip
    from timbalans.accounts.services import login_success_record

    login_success_record(user=user, ip=request_ip(request))
