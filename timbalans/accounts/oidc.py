"""Single sign-on through the municipality's OpenID Connect provider (mozilla-django-oidc).

Off unless ``TIMBALANS_OIDC`` is set. The provider decides who someone is and what they may
do: one claim names the role, another the units, read at every login, so a change in the
provider's groups takes effect at the next login. The user name is a third claim. Every
refused login is audited with its reason; a successful one is audited like any login
(``user_logged_in``).
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from timbalans.accounts.access import ROLES, UNIT_MANAGER
from timbalans.accounts.models import AuditEvent, Profile
from timbalans.accounts.services import audit_log, user_access_set

log = logging.getLogger(__name__)

NO_USERNAME = "inget användarnamn i anspråket {claim}"
NO_ROLE = "ingen känd roll i anspråket {claim}: {value}"
NO_UNITS = "enhetschef utan enheter i anspråket {claim}"
WRONG_AUDIENCE = "id-token för en annan klient"
WRONG_ISSUER = "id-token från en annan utfärdare: {issuer}"
SSO_BY = "kommunens inloggning"


def _values(value: Any) -> list[str]:
    """A claim given as a list, or as one string of comma-separated values."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def oidc_role_of(claims: dict[str, Any]) -> str | None:
    """The role the claims give: each value is mapped by ``TIMBALANS_OIDC_ROLE_MAP``
    (the provider's group name → role) or taken as a role name; of several, the first in
    the order of ``ROLES`` (administrator first)."""
    mapping: dict[str, str] = settings.TIMBALANS_OIDC_ROLE_MAP
    given = {mapping.get(v, v) for v in _values(claims.get(settings.TIMBALANS_OIDC_ROLE_CLAIM))}
    return next((role for role in ROLES if role in given), None)


class OIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # mozilla-django-oidc requires its endpoints as soon as the backend is made; while
        # single sign-on is off the backend is still listed (so a setting switches it on)
        # and must then do nothing.
        self.enabled = bool(settings.TIMBALANS_OIDC)
        self.UserModel = get_user_model()
        if self.enabled:
            super().__init__(*args, **kwargs)

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not self.enabled:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as e:
            # A bad token or a provider that does not answer: a refused login (back to the
            # login page with a message), not a server error.
            log.warning("single sign-on refused: %s", e)
            self._refused(str(e), claims={})
            return None

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        payload = super().verify_token(token, **kwargs)
        audience = _values(payload.get("aud"))
        if self.OIDC_RP_CLIENT_ID not in audience:
            raise SuspiciousOperation(WRONG_AUDIENCE)
        issuer = settings.TIMBALANS_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation(WRONG_ISSUER.format(issuer=payload.get("iss")))
        return payload

    def _username(self, claims: dict[str, Any]) -> str:
        return str(claims.get(settings.TIMBALANS_OIDC_USERNAME_CLAIM) or "").strip()

    def _refused(self, reason: str, *, claims: dict[str, Any]) -> None:
        audit_log(
            user=AnonymousUser(),
            action=AuditEvent.Action.LOGIN_FAILED,
            target=self._username(claims) or "okänd",
            detail={"sso": reason},
            ip=self.request.META.get("REMOTE_ADDR") if getattr(self, "request", None) else None,
        )

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        username_claim = settings.TIMBALANS_OIDC_USERNAME_CLAIM
        role_claim = settings.TIMBALANS_OIDC_ROLE_CLAIM
        units_claim = settings.TIMBALANS_OIDC_UNITS_CLAIM
        if not self._username(claims):
            self._refused(NO_USERNAME.format(claim=username_claim), claims=claims)
            return False
        role = oidc_role_of(claims)
        if role is None:
            value = ", ".join(_values(claims.get(role_claim))) or "saknas"
            self._refused(NO_ROLE.format(claim=role_claim, value=value), claims=claims)
            return False
        if role == UNIT_MANAGER and not _values(claims.get(units_claim)):
            self._refused(NO_UNITS.format(claim=units_claim), claims=claims)
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(username=self._username(claims))

    def create_user(self, claims: dict[str, Any]) -> Any:
        user = self.UserModel.objects.create_user(username=self._username(claims))
        user.set_unusable_password()  # signs in through the provider only
        user.save(update_fields=["password"])
        return self.update_user(user, claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        role = oidc_role_of(claims)
        assert role is not None  # verify_claims has refused claims without one
        units = sorted(set(_values(claims.get(settings.TIMBALANS_OIDC_UNITS_CLAIM))))
        profile = Profile.objects.filter(user=user).prefetch_related("units").first()
        current = (
            (profile.role, sorted(u.unit_id for u in profile.units.all())) if profile else None
        )
        if current != (role, units):
            user_access_set(user=user, role=role, unit_ids=units, by=SSO_BY)  # audited
        return user

    def get_user(self, user_id: Any) -> Any:
        try:
            return self.UserModel.objects.get(pk=user_id)
        except self.UserModel.DoesNotExist:
            return None
