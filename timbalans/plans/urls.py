from django.urls import path

from timbalans.plans import views

app_name = "plans"
urlpatterns = [
    path("handlingsplaner/", views.plan_list, name="list"),
    path("handlingsplaner/<int:plan_id>/", views.plan_detail, name="plan"),
    path("handlingsplaner/<int:plan_id>/dokument/", views.plan_document, name="document"),
    path(
        "handlingsplaner/<int:plan_id>/atgard/<int:measure_id>/",
        views.measure_edit,
        name="measure",
    ),
    path(
        "handlingsplaner/<int:plan_id>/atgard/<int:measure_id>/uppfoljning/",
        views.follow_up_create,
        name="follow_up",
    ),
]
