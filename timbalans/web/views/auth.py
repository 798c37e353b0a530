"""Login and logout. The lock and the failure count live in the authentication backend
(``timbalans.accounts.backends``), the same for this form and the admin's; the forms only
say in Swedish that a name is locked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from timbalans.accounts.selectors import login_is_locked

LOCKED = (
    "Kontot är tillfälligt låst efter för många misslyckade inloggningar. "
    "Försök igen om en stund eller kontakta administratören."
)
WRONG = "Fel användarnamn eller lösenord."
SSO_BUTTON = "Logga in med kommunens inloggning"
SSO_FAILED = (
    "Inloggningen med kommunens inloggning gick inte igenom. Försök igen, eller kontakta "
    "administratören om ditt konto saknar roll eller enheter i Timbalans."
)


class LockMessageMixin:
    """After a refused login, say so when the name is locked rather than 'wrong password'."""

    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            username = self.cleaned_data.get("username") or ""
            if username and login_is_locked(username=username):
                raise forms.ValidationError(LOCKED, code="locked") from None
            raise


class LoginForm(LockMessageMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": WRONG,
        "inactive": "Kontot är inaktiverat.",
    }


class AdminLoginForm(LockMessageMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso"] = settings.TIMBALANS_OIDC
        context["sso_button"] = SSO_BUTTON
        context["sso_failed"] = SSO_FAILED if self.request.GET.get("sso") == "fel" else ""
        return context


class LogoutView(auth_views.LogoutView):
    pass
