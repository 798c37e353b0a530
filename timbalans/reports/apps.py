from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "timbalans.reports"
    label = "reports"
    verbose_name = "Rapporter"
