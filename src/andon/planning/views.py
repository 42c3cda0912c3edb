"""Pages of the plan in force: its planned orders, and one item's time-phased MRP record.

Thin: the list reads the published run's rows; the record page asks `services.item_record`.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from andon.accounts.permissions import requires
from andon.catalog.models import Item
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.planning import services
from andon.planning.models import PlanException, PlannedOrder


def _current_orders() -> QuerySet[PlannedOrder]:
    run = services.current_run()
    return PlannedOrder.objects.filter(run=run).select_related("item")


PLANNED_ORDERS = ListPage(
    title="Planned orders",
    subtitle="The plan in force. Past due: should have been released before the plan date.",
    queryset=_current_orders,
    columns=[
        Column("#", "number", sort="number", numeric=True),
        Column("Item", "item.sku", sort="item__sku", link=True),
        Column("Kind", "kind", sort="kind", badge=True),
        Column("Quantity", "quantity", sort="quantity", numeric=True),
        Column("Release", "release_date", sort="release_date"),
        Column("Due", "due_date", sort="due_date"),
        Column("Firm", lambda o: o.firm_reference or "", sort="firm"),
        Column("Past due", lambda o: "past due" if o.past_due else "", badge=True),
    ],
    search_fields=["item__sku", "item__name", "firm_reference"],
    filters=[
        Filter("kind", "Make / buy", "kind", PlannedOrder.Kind.choices),
        Filter("past_due", "Release", "past_due", [("1", "past due"), ("0", "on time")]),
    ],
    default_sort="release_date",
    detail_url=lambda o: reverse("planning:item-record", args=[o.item_id]),
)


@requires("view")
def planned_order_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, PLANNED_ORDERS, {"run": services.current_run()})


def _weeks(record: Any) -> list[dict[str, Any]]:
    """Daily record columns summed per ISO week; projected on hand is the week's last day."""
    weeks: list[dict[str, Any]] = []
    for k, day in enumerate(record.dates):
        key = day.isocalendar()[:2]
        if not weeks or weeks[-1]["key"] != key:
            weeks.append(
                {
                    "key": key,
                    "start": day,
                    "gross": 0.0,
                    "receipts": 0.0,
                    "net": 0.0,
                    "planned": 0.0,
                    "releases": 0.0,
                    "on_hand": 0.0,
                }
            )
        week = weeks[-1]
        week["gross"] += record.gross_requirements[k]
        week["receipts"] += record.scheduled_receipts[k]
        week["net"] += record.net_requirements[k]
        week["planned"] += record.planned_receipts[k]
        week["releases"] += record.planned_releases[k]
        week["on_hand"] = record.projected_on_hand[k]
    return weeks


@requires("view")
def item_record(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item, pk=pk)
    run = services.current_run()
    context: dict[str, Any] = {"item": item, "run": run}
    if run is not None:
        record = services.item_record(run, item)
        context["record"] = record
        context["weeks"] = _weeks(record)
        context["exceptions"] = PlanException.objects.filter(run=run, item=item)
        context["orders"] = PlannedOrder.objects.filter(run=run, item=item).order_by("due_date")
    return render(request, "planning/item_record.html", context)
