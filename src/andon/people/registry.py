"""People: workers, their skills and certifications."""

from andon.accounts.roles import SUPERVISOR
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)

register_capabilities({"people.change": (SUPERVISOR,)})
register_urls("people/", "andon.people.urls")
register_api("andon.people.api")
register_navigation(
    "Master data",
    [
        NavEntry("Workers", "people:worker-list"),
        NavEntry("Skills", "people:skill-list"),
        NavEntry("Certifications", "people:certification-list"),
    ],
    order=30,
)
