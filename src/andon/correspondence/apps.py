from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "andon.correspondence"
    label = "correspondence"
