from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "timbalans.accounts"
    label = "accounts"
    verbose_name = "Användare och behörighet"
