"""What the catalog shows on other contexts' pages: the routings that run on a work center."""

from typing import Any

from django.http import HttpRequest

from andon.catalog.models import AlternativeWorkCenter, Operation
from andon.core.panels import register_panel


def routings_at(request: HttpRequest, work_center: Any) -> dict[str, Any]:
    """The operations routed to a work center, first choice and alternative."""
    operations = Operation.objects.filter(work_center=work_center).select_related("item", "skill")
    alternatives = AlternativeWorkCenter.objects.filter(work_center=work_center).select_related(
        "operation__item", "operation__work_center"
    )
    return {"operations": operations, "alternatives": alternatives}


def register() -> None:
    register_panel(
        "plant.workcenter",
        "routings",
        context=routings_at,
        cards="catalog/_workcenter_cards.html",
        section="catalog/_workcenter_routings.html",
    )
