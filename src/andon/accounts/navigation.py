"""The menu a user sees: the entries the apps registered, less those the user's roles may not use.

Each entry names a URL and the capability needed to see it. A section with no visible entry is
not shown, so a viewer's menu and an admin's menu differ only by what each may use.
"""

from typing import Any

from django.urls import reverse

from andon.accounts.roles import can
from andon.core import registry


def menu_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """The sections and entries `user` may see, with the one active entry marked.

    The active entry is the longest URL the current path starts with, so /scheduling/gantt/
    lights Gantt, not also Schedule (/scheduling/).
    """
    menu: list[dict[str, Any]] = []
    visible: list[dict[str, Any]] = []
    for section in registry.navigation():
        entries: list[dict[str, Any]] = [
            {"label": entry.label, "url": reverse(entry.url_name), "active": False}
            for entry in section.entries
            if can(user, entry.capability)
        ]
        if entries:
            menu.append({"label": section.label, "entries": entries})
            visible.extend(entries)
    matches = [
        entry
        for entry in visible
        if current_path.startswith(entry["url"]) and (entry["url"] != "/" or current_path == "/")
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return menu
