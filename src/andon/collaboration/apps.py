from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "andon.collaboration"
    label = "collaboration"
