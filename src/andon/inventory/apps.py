from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "andon.inventory"
    label = "inventory"
