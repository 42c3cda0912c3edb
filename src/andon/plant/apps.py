from django.apps import AppConfig


class PlantConfig(AppConfig):
    name = "andon.plant"
    label = "plant"
