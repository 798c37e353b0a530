"""Sessions end after a time without use and, whatever the use, after a working day."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED = "timbalans_session_started"
SEEN = "timbalans_session_seen"
# The last-seen time is written at most this often, not on every request: a session write
# per page would be a database write per page.
SEEN_RESOLUTION_SECONDS = 60


class SessionLimitsMiddleware:
    """Log out a session idle for ``TIMBALANS_SESSION_IDLE_MINUTES`` or older than
    ``TIMBALANS_SESSION_MAX_HOURS``. Kept in the session on the server, so a client cannot
    stretch either by keeping its cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(STARTED, now)
            seen = session.get(SEEN, now)
            idle = settings.TIMBALANS_SESSION_IDLE_MINUTES * 60
            limit = settings.TIMBALANS_SESSION_MAX_HOURS * 3600
            if now - seen > idle or now - started > limit:
                logout(request)  # the view then sends the visitor to the login page
            elif SEEN not in session or now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SEEN] = now
        return self.get_response(request)
