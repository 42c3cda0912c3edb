from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "andon.overview"
    label = "overview"
    verbose_name = "Overview"
