from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "andon.people"
    label = "people"
