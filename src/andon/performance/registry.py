"""Performance: OEE, losses, downtime, throughput and the andon board."""

from andon.core.registry import NavEntry, register_api, register_navigation, register_urls

register_urls("performance/", "andon.performance.urls")
register_api("andon.performance.api")
register_navigation(
    "Watch",
    [
        NavEntry("Performance", "performance:overview"),
        NavEntry("OEE and losses", "performance:oee"),
        NavEntry("Downtime", "performance:downtime"),
        NavEntry("Throughput and delivery", "performance:throughput"),
        NavEntry("Andon board", "performance:andon"),
    ],
    order=10,
)
