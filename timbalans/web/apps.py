from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "timbalans.web"
    label = "web"
