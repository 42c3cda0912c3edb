from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "andon.scheduling"
    label = "scheduling"
