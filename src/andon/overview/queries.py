"""Figures for the plant overview (the home page), each computed from records that exist.

The overview reads many contexts at once, which is why it is an app of its own at the top of the
layers: no lower app may depend on it, and it may read all of them.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from andon.catalog.models import Item
from andon.inventory.models import StockBalance
from andon.orders.models import PurchaseOrderLine, SalesOrder, SalesOrderLine
from andon.people.models import WorkerCertification
from andon.plant.models import WorkCenter


def overview() -> dict[str, Any]:
    today = timezone.localdate()
    open_lines = SalesOrderLine.objects.filter(order__status=SalesOrder.Status.OPEN).exclude(
        shipped_quantity__gte=F("quantity")
    )
    late = open_lines.filter(due_date__lt=today)
    due_soon = open_lines.filter(due_date__gte=today, due_date__lte=today + timedelta(days=7))
    value = StockBalance.objects.filter(quantity__gt=0).aggregate(
        total=Sum(
            ExpressionWrapper(
                F("quantity") * F("item__standard_cost"),
                output_field=DecimalField(max_digits=24, decimal_places=4),
            )
        )
    )["total"] or Decimal("0")
    open_po = PurchaseOrderLine.objects.filter(order__status__in=["sent", "confirmed"]).exclude(
        received_quantity__gte=F("quantity")
    )
    return {
        "open_orders": open_lines.values("order").distinct().count(),
        "open_lines": open_lines.count(),
        "late_lines": late.count(),
        "late_list": late.select_related("order__customer", "item").order_by("due_date")[:8],
        "due_soon": due_soon.count(),
        "stock_value": value,
        "open_po_lines": open_po.count(),
        "overdue_po_lines": open_po.filter(due_date__lt=today).count(),
        "work_centers": WorkCenter.objects.filter(active=True)
        .select_related("calendar")
        .order_by("line", "code"),
        "items": Item.objects.count(),
        "expiring_certificates": WorkerCertification.objects.filter(
            expires_on__gte=today, expires_on__lte=today + timedelta(days=30)
        ).count(),
        "today": today,
    }
