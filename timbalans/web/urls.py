from django.urls import path

from timbalans.web.views import (
    admin_pages,
    auth,
    decisions,
    guide,
    health,
    pages,
    preferences,
    profiles,
    staffing,
)

app_name = "web"
urlpatterns = [
    path("", pages.overview, name="overview"),
    path("logga-in/", auth.LoginView.as_view(), name="login"),
    path("logga-ut/", auth.LogoutView.as_view(), name="logout"),
    path("healthz/", health.healthz, name="healthz"),
    path("arenden/", pages.cases, name="cases"),
    path("arenden/<str:case_id>/", pages.case, name="case"),
    path("arenden/<str:case_id>/utfort/<str:month>/", pages.case_worked, name="case_worked"),
    path("enheter/", pages.units, name="units"),
    path("enheter/<str:unit_id>/", pages.unit, name="unit"),
    path("bemanning/", pages.capacity, name="capacity"),
    path("bemanning/oppna-pass/", staffing.open_shifts, name="staffing"),
    path("bemanning/pass/<str:shift_id>/", staffing.shift, name="staffing_shift"),
    path("bemanning/forslag/<int:run_id>/", staffing.run, name="staffing_run"),
    path("bemanning/forslag/<int:run_id>/boka/", staffing.run_book, name="staffing_run_book"),
    path("bemanning/bokningar/", staffing.bookings, name="staffing_bookings"),
    path("bemanning/bokningar/<int:number>/", staffing.booking, name="staffing_booking"),
    path("overtid/", pages.overtime, name="overtime"),
    path("sjukfranvaro/", pages.absence, name="absence"),
    path("sjukfranvaro/arenden/", pages.absence_cases, name="absence_cases"),
    path("avvikelser/", pages.deviations, name="deviations"),
    path("tidredovisning/", pages.fk_check, name="fk_check"),
    path("arbetstid/", pages.limits, name="limits"),
    path("helarsprognos/", pages.forecast, name="forecast"),
    path("import/", admin_pages.imports, name="imports"),
    path("import/jobb/<int:job_id>/", admin_pages.import_job, name="import_job"),
    path("import/<int:number>/angra/", admin_pages.import_undo, name="import_undo"),
    path("import/guide/", profiles.import_guide, name="import_guide"),
    path("beslut/nytt/", decisions.decision_new, name="decision_new"),
    path("import/profiler/", profiles.profiles, name="profiles"),
    path("import/profiler/exempel/<str:sample>/", profiles.profile_editor, name="profile_editor"),
    path(
        "import/profiler/exempel/<str:sample>/importera/<int:version>/",
        profiles.profile_import,
        name="profile_import",
    ),
    path(
        "import/profiler/version/<int:version>/", profiles.profile_download, name="profile_download"
    ),
    path("installningar/", admin_pages.settings_page, name="settings"),
    path("berakningar/", guide.guide, name="guide"),
    path("granskningslogg/", admin_pages.audit, name="audit"),
    path("tabell/kolumner/", preferences.table_columns, name="table_columns"),
]
