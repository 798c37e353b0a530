"""Uploads past the import's bounds are refused with a Swedish message, before Django reads
the body into files.

Django parses a multipart body the first time anything reads ``request.POST`` or
``request.FILES``, and the CSRF check does that before any view runs; so the bound is checked
here, in a middleware (after sessions, authentication and messages, before the views): the
size from ``Content-Length``, which bounds what Django's parser reads at all, and the number
of files from Django's own guard ``DATA_UPLOAD_MAX_NUMBER_FILES``, which stops the parse.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from timbalans.ingest.read import size_text

UPLOAD_TOO_BIG = (
    "Uppladdningen är {size}; den får vara högst {maximum} (inställningen "
    "TIMBALANS_UPLOAD_MAX_MB). Dela upp filerna, packa dem som .zip eller importera dem med "
    "kommandot timbalans import."
)
UPLOAD_TOO_MANY_FILES = (
    "Uppladdningen har fler än {maximum} filer (inställningen TIMBALANS_IMPORT_MAX_FILES). "
    "Packa filerna som en .zip eller ladda upp dem i omgångar."
)


def upload_refusal(request: HttpRequest) -> str | None:
    """Why an upload is refused (in Swedish), or None when it is within the bounds."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django's parser refuses a broken length itself
    if length > settings.TIMBALANS_UPLOAD_MAX_BYTES:
        return UPLOAD_TOO_BIG.format(
            size=size_text(length), maximum=size_text(settings.TIMBALANS_UPLOAD_MAX_BYTES)
        )
    try:
        request.FILES  # noqa: B018 - parsing now stops at Django's bound on files
    except TooManyFilesSent:
        return UPLOAD_TOO_MANY_FILES.format(maximum=settings.DATA_UPLOAD_MAX_NUMBER_FILES)
    return None


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            refusal = upload_refusal(request)
            if refusal is not None:
                if request.user.is_authenticated:
                    # back to the page the form is on, which shows the message
                    messages.error(request, refusal)
                    return HttpResponseRedirect(request.get_full_path())
                return HttpResponse(refusal, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
