from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "andon.production"
    label = "production"
