from django.contrib import admin
from django.urls import include, path

from timbalans.web.views.auth import AdminLoginForm

# The admin's login form says in Swedish when a name is locked, like the app's.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # Single sign-on; its views answer only while TIMBALANS_OIDC is on (web/views/auth.py).
    path("oidc/", include("timbalans.web.oidc_urls")),
    path("", include("timbalans.web.urls")),
    path("", include("timbalans.plans.urls")),
    path("", include("timbalans.reports.urls")),
]
