"""Correspondence: letters to suppliers and customers, and their answers."""

from andon.core.registry import NavEntry, register_api, register_navigation, register_urls

# Mounted at the root: the supplier's answer link (/supplier/<token>/) is printed on letters.
register_urls("", "andon.correspondence.urls")
register_api("andon.correspondence.api")
register_navigation(
    "Plan",
    [
        NavEntry("Supplier confirmations", "correspondence:confirmation-list"),
        NavEntry("Customer delivery dates", "correspondence:customer-dates"),
        NavEntry("Letters", "correspondence:letter-list"),
    ],
    order=40,
)
