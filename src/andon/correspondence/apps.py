from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "andon.correspondence"
    label = "correspondence"

    def ready(self) -> None:
        from andon.correspondence import signals  # noqa: F401
