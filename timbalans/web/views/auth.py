"""Login with lockout after repeated failures; logout."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse

from timbalans.accounts.selectors import login_locked_until
from timbalans.accounts.services import login_failure_record, login_success_record
from timbalans.web.access import client_ip

LOCKED = (
    "Kontot är tillfälligt låst efter för många misslyckade inloggningar. "
    "Försök igen om en stund eller kontakta administratören."
)
WRONG = "Fel användarnamn eller lösenord."


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": WRONG,
        "inactive": "Kontot är inaktiverat.",
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and login_locked_until(username=username):
            raise forms.ValidationError(LOCKED, code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            if username and login_failure_record(
                username=username, ip=client_ip(self.request) if self.request else None
            ):
                raise forms.ValidationError(LOCKED, code="locked") from None
            raise


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        login_success_record(
            user=form.get_user(), ip=client_ip(self.request) if self.request else None
        )
        return response


class LogoutView(auth_views.LogoutView):
    pass
