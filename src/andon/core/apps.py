from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "andon.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from andon.core import events, registry

        # Every app's handlers.py subscribes here, so an app reacts to another's events without
        # the publisher importing it.
        events.autodiscover()
        # Every app's registry.py declares its menu entries, capabilities, URLs and API router,
        # so no central list names the apps. Core's registry.py is the registry itself, so core's
        # own pages are declared here, first, as the lowest app's.
        registry.register_urls("", "andon.core.urls")
        registry.register_navigation(
            "Admin", [registry.NavEntry("Audit history", "core:audit-list")], order=20
        )
        registry.autodiscover()
