from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "andon.core"
    label = "core"
    verbose_name = "Core"
