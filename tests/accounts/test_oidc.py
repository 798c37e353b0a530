"""Single sign-on against a local OpenID Connect provider with real signed tokens: the
claims give the role and units, refusals are audited, and it is off by default."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from tests.accounts.oidc_provider import TestProvider
from timbalans.accounts.models import AuditEvent
from timbalans.accounts.oidc import NO_ROLE, WRONG_AUDIENCE
from timbalans.accounts.selectors import access_for
from timbalans.web.views.auth import SSO_BUTTON, SSO_FAILED

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with TestProvider(client_id="timbalans", client_secret="provider-hemlighet") as p:
        for name, value in p.settings().items():
            setattr(settings, name, value)
        yield p


def _sign_in(client, provider, **claims):
    """The browser's round trip: the app sends it to the provider, which sends it back."""
    provider.claims = {"sub": "u-1", **claims}
    to_provider = client.get("/oidc/authenticate/")
    assert to_provider.status_code == 302
    assert to_provider["Location"].startswith(f"{provider.url}/authorize?")
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/oidc/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def test_it_is_off_by_default(client, settings):
    assert settings.TIMBALANS_OIDC is False
    assert SSO_BUTTON not in client.get("/logga-in/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_the_login_page_offers_the_municipalitys_login_when_it_is_on(client, provider):
    html = client.get("/logga-in/").content.decode()
    assert (
        '<a class="button" href="/oidc/authenticate/">Logga in med kommunens inloggning</a>' in html
    )


def test_a_new_user_signs_in_with_the_role_and_units_of_the_claims(client, provider):
    response = _sign_in(
        client,
        provider,
        preferred_username="anna.chef",
        timbalans_role="unit_manager",
        timbalans_units=["81516", "81515"],
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = get_user_model().objects.get(username="anna.chef")
    assert not user.has_usable_password()
    access = access_for(user=user)
    assert (access.role, access.unit_ids) == ("unit_manager", frozenset({"81515", "81516"}))
    assert client.get("/arenden/").status_code == 200
    assert AuditEvent.objects.filter(action="login", username="anna.chef").count() == 1
    assert AuditEvent.objects.get(action="user", target="anna.chef").detail == {
        "role": "unit_manager",
        "units": ["81515", "81516"],
    }


def test_the_provider_decides_the_role_at_every_login(client, provider, settings):
    settings.TIMBALANS_OIDC_ROLE_MAP = {"PA-admin": "admin", "PA-samordnare": "coordinator"}
    _sign_in(client, provider, preferred_username="bo", timbalans_role=["PA-admin", "Alla"])
    user = get_user_model().objects.get(username="bo")
    assert (access_for(user=user).role, user.is_superuser) == ("admin", True)
    client.post("/logga-ut/")
    _sign_in(client, provider, preferred_username="bo", timbalans_role="PA-samordnare")
    user.refresh_from_db()
    assert (access_for(user=user).role, user.is_superuser, user.is_staff) == (
        "coordinator",
        False,
        False,
    )


def test_claims_without_a_known_role_are_refused_and_audited(client, provider):
    response = _sign_in(client, provider, preferred_username="cecilia", timbalans_role="okänd")
    assert response.status_code == 302
    assert response["Location"] == "/logga-in/?sso=fel"
    assert not get_user_model().objects.filter(username="cecilia").exists()
    event = AuditEvent.objects.get(action="login_failed", target="cecilia")
    assert event.detail == {"sso": NO_ROLE.format(claim="timbalans_role", value="okänd")}
    assert SSO_FAILED in client.get(response["Location"]).content.decode()


def test_a_token_for_another_client_is_refused(client, provider):
    provider.audience = "en-annan-klient"
    response = _sign_in(client, provider, preferred_username="david", timbalans_role="admin")
    assert response["Location"] == "/logga-in/?sso=fel"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="login_failed").detail == {"sso": WRONG_AUDIENCE}
