from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "timbalans.records"
    label = "records"
    verbose_name = "Data"
