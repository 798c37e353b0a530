from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "timbalans.plans"
    label = "plans"
    verbose_name = "Handlingsplaner"
