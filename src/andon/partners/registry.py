"""Partners: customers and suppliers."""

from andon.accounts.roles import PLANNER
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)

register_capabilities({"partners.change": (PLANNER,)})
register_urls("partners/", "andon.partners.urls")
register_api("andon.partners.api")
register_navigation(
    "Master data",
    [
        NavEntry("Customers", "partners:customer-list"),
        NavEntry("Suppliers", "partners:supplier-list"),
    ],
    order=50,
)
