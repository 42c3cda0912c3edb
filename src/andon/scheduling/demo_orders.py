"""Make work orders for open sales order lines: what a demo plant needs before scheduling.

Each order is created and released through the production services (each its own transaction),
released even when material is short, because a demo has no purchasing running behind it.
"""

from typing import Any

from django.db.models import Exists, OuterRef

from andon.catalog.models import Item
from andon.core.errors import DomainError
from andon.orders.models import SalesOrder, SalesOrderLine
from andon.plant.models import Location
from andon.production import services as production
from andon.production.models import WorkOrder


def work_orders_for_open_lines(user: Any, *, limit: int, release: bool = True) -> int:
    """Up to `limit` make-to-order work orders for open lines of made items; returns how many."""
    location = Location.objects.filter(kind=Location.Kind.WAREHOUSE).order_by("code").first()
    if location is None:
        return 0
    lines = (
        SalesOrderLine.objects.filter(
            order__status=SalesOrder.Status.OPEN,
            item__procurement=Item.Procurement.MAKE,
            item__operations__isnull=False,
        )
        .exclude(Exists(WorkOrder.objects.filter(sales_order_line=OuterRef("pk"))))
        .select_related("item")
        .distinct()
        .order_by("due_date", "pk")[:limit]
    )
    made = 0
    for line in lines:
        if line.open_quantity <= 0:
            continue
        try:
            order = production.create_from_sales_line(
                user, line, supply_location=location, output_location=location
            )
            if release:
                production.release(user, order, allow_shortage=True)
        except DomainError:
            continue
        made += 1
    return made
