"""The app's URLs and one view that fails, for the test of the 500 page and the log."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from timbalans.config.urls import urlpatterns as app_urlpatterns


def failing(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("ett fel i en vy")


urlpatterns = [path("fel/", failing), *app_urlpatterns]
