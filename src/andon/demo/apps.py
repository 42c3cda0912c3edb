from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "andon.demo"
    label = "demo"
