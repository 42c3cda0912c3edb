from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "andon.catalog"
    label = "catalog"

    def ready(self) -> None:
        from andon.catalog import panels

        panels.register()
