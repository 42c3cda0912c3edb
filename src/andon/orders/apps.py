from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "andon.orders"
    label = "orders"
