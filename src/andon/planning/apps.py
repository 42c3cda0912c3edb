from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "andon.planning"
    label = "planning"
