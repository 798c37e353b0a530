"""``/healthz/``: for load balancers and container health checks, without a login."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

HEALTHY = "ok"
DATABASE_DOWN = "databasen svarar inte"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a query, 503 when it does not. Says nothing else: it
    is open to anyone."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.exception("healthz: the database does not answer")
        return HttpResponse(DATABASE_DOWN, status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse(HEALTHY, content_type="text/plain; charset=utf-8")
