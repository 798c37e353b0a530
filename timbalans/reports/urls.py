from django.urls import path

from timbalans.reports import views

app_name = "reports"
urlpatterns = [
    path("rapporter/", views.report_list, name="list"),
    path("rapporter/dokument/", views.report_download, name="download"),
    path("rapporter/format/", views.report_formats, name="formats"),
    path("rapporter/forhandsgranska/<str:field>/", views.report_text_preview, name="preview"),
    path("rapporter/<int:report_id>/", views.report_detail, name="report"),
    path("rapporter/<int:report_id>/dokument/", views.report_document, name="document"),
]
