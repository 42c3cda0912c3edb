"""Detail panels: a higher app shows its part of a lower app's record page.

A work center page shows the routing operations run there, a customer page the customer's open
orders; but plant sits below catalog and partners below orders, so the lower page may not import
them. Instead the higher app registers a panel for the page, from its `registry.py`:

    register_panel(
        "plant.workcenter", "routings",
        context=routings_of, cards="catalog/_workcenter_cards.html",
        section="catalog/_workcenter_routings.html",
    )

and the lower page renders whatever is registered for it, without knowing who registered:

    context["panels"] = panels(request, "plant.workcenter", work_center)

    {% for card in panels.cards %}{{ card }}{% endfor %}        (in the page's row of figures)
    {% for section in panels.sections %}{{ section }}{% endfor %}  (below the page's own sections)

`context(request, record)` is called once per page view and feeds both templates, which also
see `record` and `request`. Panels show in the order of `order`, then of registration.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

PanelContext = Callable[[HttpRequest, Any], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    page: str
    name: str
    context: PanelContext
    cards: str = ""
    section: str = ""
    order: int = 100


@dataclass(frozen=True)
class Rendered:
    """A page's panels as HTML: figure cards for its top row, sections for its body."""

    cards: list[SafeString]
    sections: list[SafeString]


_registry: dict[str, dict[str, Panel]] = {}


def register_panel(
    page: str,
    name: str,
    *,
    context: PanelContext,
    cards: str = "",
    section: str = "",
    order: int = 100,
) -> Panel:
    """Show a panel on `page` (`"<app label>.<model name>"`); registering a name again replaces."""
    if not (cards or section):
        raise ValueError(f"panel {name!r} for {page!r} has neither cards nor a section")
    panel = Panel(page, name, context, cards, section, order)
    _registry.setdefault(page, {})[name] = panel
    return panel


def registered(page: str) -> list[Panel]:
    """The panels of `page`, in the order they show."""
    found = list(_registry.get(page, {}).values())
    return sorted(found, key=lambda panel: panel.order)


def panels(request: HttpRequest, page: str, record: Any) -> Rendered:
    """Render every panel registered for `page` about `record`."""
    cards: list[SafeString] = []
    sections: list[SafeString] = []
    for panel in registered(page):
        context = {"record": record, **panel.context(request, record)}
        if panel.cards:
            cards.append(mark_safe(render_to_string(panel.cards, context, request)))
        if panel.section:
            sections.append(mark_safe(render_to_string(panel.section, context, request)))
    return Rendered(cards, sections)
