"""Scheduling: the finite-capacity schedule and what it tells the floor."""

from andon.core.registry import NavEntry, register_api, register_navigation, register_urls

register_urls("scheduling/", "andon.scheduling.urls")
register_api("andon.scheduling.api")
register_navigation(
    "Plan",
    [
        NavEntry("Schedule", "scheduling:overview"),
        NavEntry("Gantt", "scheduling:gantt"),
        NavEntry("Capacity load", "scheduling:load"),
        NavEntry("Capable to promise", "scheduling:promise"),
    ],
    order=20,
)
register_navigation(
    "Run",
    [
        NavEntry("Dispatch lists", "scheduling:dispatch-index"),
        NavEntry("Late orders", "scheduling:late"),
    ],
    order=20,
)
