from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "andon.partners"
    label = "partners"
