"""A small OpenID Connect provider for the tests, served on loopback in a thread: the
authorization-code flow with PKCE, ID tokens signed RS256 with a key made for the run, JWKS
and userinfo. It checks what a real provider checks (client, secret, redirect URI, code
verifier, single-use codes) so the app's side runs against real HTTP and real signatures."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KID = "test-key-1"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class TestProvider:
    __test__ = False  # not a test class for pytest

    def __init__(self, *, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # What the next login's userinfo says, and who the ID token is for (a test may
        # change either).
        self.claims: dict[str, Any] = {}
        self.audience = client_id
        self._codes: dict[str, dict[str, str]] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self._server = make_server("127.0.0.1", 0, self._app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # serve_forever looks for a shutdown every poll_interval (0.5 s by default): each
        # test's provider would keep its test waiting that long for it to stop.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self) -> TestProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def settings(self) -> dict[str, Any]:
        """The app's settings for this provider."""
        return {
            "TIMBALANS_OIDC": True,
            "TIMBALANS_OIDC_ISSUER": self.url,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
        }

    def _app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == "/authorize":
            return self._authorize(query, start_response)
        if path == "/token":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            return self._token(form, start_response)
        if path == "/userinfo":
            token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
            if token not in self._tokens:
                return _json(start_response, "401 Unauthorized", {"error": "invalid_token"})
            return _json(start_response, "200 OK", self._tokens[token])
        if path == "/jwks":
            jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
            return _json(
                start_response,
                "200 OK",
                {"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]},
            )
        return _json(start_response, "404 Not Found", {"error": "not_found"})

    def _authorize(self, query: dict[str, str], start_response: Any) -> list[bytes]:
        """The user has signed in at the provider: send them back with a code."""
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return _json(start_response, "400 Bad Request", {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        self._codes[code] = {
            "nonce": query["nonce"],
            "challenge": query["code_challenge"],
            "redirect_uri": query["redirect_uri"],
        }
        location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        start_response("302 Found", [("Location", location)])
        return [b""]

    def _token(self, form: dict[str, str], start_response: Any) -> list[bytes]:
        grant = self._codes.pop(form.get("code", ""), None)  # a code is used once
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            grant is None
            or form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
            or form.get("redirect_uri") != grant["redirect_uri"]
            or challenge != grant["challenge"]
        ):
            return _json(start_response, "400 Bad Request", {"error": "invalid_grant"})
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.url,
                "sub": str(self.claims.get("sub", "x")),
                "aud": self.audience,
                "nonce": grant["nonce"],
                "iat": now,
                "exp": now + 300,
            },
            self.key,
            algorithm="RS256",
            headers={"kid": KID},
        )
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = dict(self.claims)
        return _json(
            start_response,
            "200 OK",
            {
                "access_token": access_token,
                "id_token": id_token,
                "token_type": "Bearer",
                "expires_in": 300,
            },
        )


def _json(start_response: Any, status: str, body: dict[str, Any]) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]
