"""Orders: sales orders, forecasts and purchase orders."""

from andon.accounts.roles import PLANNER
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)
from andon.orders import panels

register_capabilities({"orders.change": (PLANNER,)})
register_urls("orders/", "andon.orders.urls")
register_api("andon.orders.api")
register_navigation(
    "Plan",
    [
        NavEntry("Sales orders", "orders:salesorder-list"),
        NavEntry("Forecasts", "orders:forecast-list"),
        NavEntry("Purchase orders", "orders:purchaseorder-list"),
    ],
    order=30,
)
panels.register()
