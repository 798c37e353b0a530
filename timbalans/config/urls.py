from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("timbalans.web.urls")),
    path("", include("timbalans.plans.urls")),
    path("", include("timbalans.reports.urls")),
]
