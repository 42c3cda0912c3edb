from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "andon.transfer"
    label = "transfer"
