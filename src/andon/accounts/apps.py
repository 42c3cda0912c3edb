from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "andon.accounts"
    label = "accounts"
    verbose_name = "Accounts"
