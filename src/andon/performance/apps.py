from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "andon.performance"
    label = "performance"
    verbose_name = "Performance (KPIs and dashboards)"
