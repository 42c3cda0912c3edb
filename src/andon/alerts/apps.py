from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "andon.alerts"
    label = "alerts"
