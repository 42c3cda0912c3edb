from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "andon.orders"
    label = "orders"

    def ready(self) -> None:
        from andon.orders import panels

        panels.register()
