from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "andon.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from andon.core import events

        # Every app's handlers.py subscribes here, so an app reacts to another's events without
        # the publisher importing it.
        events.autodiscover()
