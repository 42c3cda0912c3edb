"""Read everything MRP plans from, in a fixed handful of bulk queries, into the engine's input.

Every query is a `values_list` over one table with its joins done by the database: no model
instance is built per row, so reading a 100,000-item plant costs a few queries and one pass
over their rows. The same reads serve the benchmark's I/O floor, so the floor and the real run
read exactly the same data.

What counts as supply and demand:
- stock in nettable locations; open purchase order lines (sent or confirmed);
- open work orders (planned, released, in progress): what is left to report good is a
  scheduled receipt, and the components not yet issued to them are allocated demand;
- the firm planned orders of the plan in force that have not been converted (converted ones are
  work orders or purchase order lines by now, read as such);
- open sales order lines and forecasts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F

from andon.catalog.models import BomLine, Item, Operation
from andon.engines import mrp
from andon.engines.calendar import CalendarProblemError, working_time
from andon.inventory.services import on_hand_by_item
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)
from andon.partners.models import SupplierItem
from andon.planning.models import CurrentPlan, PlannedOrder
from andon.plant.calendars import working_calendar
from andon.plant.models import Calendar
from andon.production.models import WorkOrder, WorkOrderMaterial

OPEN_PURCHASE = (PurchaseOrder.Status.SENT, PurchaseOrder.Status.CONFIRMED)
OPEN_WORK = (WorkOrder.Status.PLANNED, WorkOrder.Status.RELEASED, WorkOrder.Status.IN_PROGRESS)
ON_THE_FLOOR = (WorkOrder.Status.RELEASED, WorkOrder.Status.IN_PROGRESS)
BAD_INPUT = (mrp.MrpProblemError, CalendarProblemError)
"""What `build_problem` raises when master data is unusable: the problem errors of the engines
it builds input for, and nothing else, so a bug is never reported as bad data."""


def _f(value: Decimal | None) -> float:
    return float(value) if value is not None else 0.0


class Sources:
    """Per item id: the preferred supplier (id, lead time, minimum) and the first work center.

    Kept beside the problem so the writer can put the supplier and the work center on each
    planned order without another query per row.
    """

    def __init__(self, only: int | None = None) -> None:
        mine = {"item_id": only} if only else {}
        self.supplier: dict[int, tuple[int, int, float]] = {}
        for item_id, supplier_id, lead, min_qty in (
            SupplierItem.objects.filter(preferred=True, **mine)
            .order_by("id")
            .values_list("item_id", "supplier_id", "lead_time_days", "min_order_qty")
        ):
            self.supplier.setdefault(item_id, (supplier_id, lead, _f(min_qty)))
        self.work_center: dict[int, int] = {}
        for item_id, wc in (
            Operation.objects.filter(**mine)
            .order_by("item_id", "-sequence")
            .values_list("item_id", "work_center_id")
        ):
            self.work_center[item_id] = wc  # the lowest sequence comes last and wins


def build_problem(
    today: dt.date, horizon_end: dt.date, only: Item | None = None
) -> tuple[mrp.MrpProblem, dict[str, int], Sources]:
    """The engine's input, the item id of each SKU, and the sources of each item.

    With `only`, just what the time-phased record of that item needs. Raises one of `BAD_INPUT`
    naming the item or order when master data is unusable (the engine's inputs check themselves).
    """
    stock = on_hand_by_item(nettable_only=True)
    sources = Sources(only.pk if only else None)
    mine = {"item": only} if only else {}
    rows = Item.objects.filter(pk=only.pk) if only else Item.objects.filter(active=True)
    items = []
    sku_id: dict[str, int] = {}
    for (
        pk,
        sku,
        procurement,
        lead,
        rule,
        lot_size,
        min_qty,
        max_qty,
        multiple,
        order_cost,
        holding,
        cost,
        safety,
        whole,
    ) in rows.order_by("sku").values_list(
        "id",
        "sku",
        "procurement",
        "lead_time_days",
        "lot_size_rule",
        "lot_size",
        "min_qty",
        "max_qty",
        "multiple",
        "order_cost",
        "holding_rate_percent",
        "standard_cost",
        "safety_stock",
        "uom__whole_numbers",
    ):
        sku_id[sku] = pk
        source = sources.supplier.get(pk)
        step = _f(multiple)
        if whole and step < 1:
            step = 1.0  # a whole-number unit is never planned in fractions
        items.append(
            mrp.Item(
                sku,
                mrp.Procurement(procurement),
                lead_time_days=lead,
                lot_size_rule=mrp.LotSizeRule(rule),
                lot_size=float(lot_size) if lot_size is not None else None,
                min_qty=max(_f(min_qty), source[2]) if source else _f(min_qty),
                max_qty=float(max_qty) if max_qty is not None else None,
                multiple=step,
                order_cost=_f(order_cost),
                holding_rate_percent=_f(holding),
                standard_cost=_f(cost),
                safety_stock=_f(safety),
                on_hand=max(_f(stock.get(pk)), 0.0),
                supplier_lead_time_days=source[1] if source else None,
            )
        )
    lines = tuple(
        mrp.BomLine(p, c, float(q), scrap_percent=float(s), valid_from=a, valid_to=b)
        for p, c, q, s, a, b in BomLine.objects.filter(
            parent__active=True, **({"component": only} if only else {})
        ).values_list(
            "parent__sku", "component__sku", "quantity", "scrap_percent", "valid_from", "valid_to"
        )
    )
    sales = tuple(
        mrp.SalesDemand(f"{number}/{line}", sku, float(qty), due, customer)
        for number, line, sku, qty, due, customer in SalesOrderLine.objects.filter(
            order__status=SalesOrder.Status.OPEN, **mine
        )
        .annotate(open_qty=F("quantity") - F("shipped_quantity"))
        .filter(open_qty__gt=0)
        .values_list(
            "order__number", "line", "item__sku", "open_qty", "due_date", "order__customer__code"
        )
    )
    forecasts = tuple(
        mrp.Forecast(f"F{pk}", sku, day, float(qty))
        for pk, sku, day, qty in Forecast.objects.filter(**mine).values_list(
            "id", "item__sku", "date", "quantity"
        )
    )
    receipts = [
        mrp.ScheduledReceipt(f"{number}/{line}", sku, float(qty), due)
        for number, line, sku, qty, due in PurchaseOrderLine.objects.filter(
            order__status__in=OPEN_PURCHASE, **mine
        )
        .annotate(open_qty=F("quantity") - F("received_quantity"))
        .filter(open_qty__gt=0)
        .values_list("order__number", "line", "item__sku", "open_qty", "due_date")
    ]
    receipts += [
        mrp.ScheduledReceipt(number, sku, float(qty), due, kind=mrp.ReceiptKind.WORK)
        for number, sku, qty, due in WorkOrder.objects.filter(status__in=OPEN_WORK, **mine)
        .annotate(open_qty=F("quantity") - F("good_quantity"))
        .filter(open_qty__gt=0)
        .values_list("number", "item__sku", "open_qty", "due_date")
    ]
    calendar = planning_calendar(
        today - dt.timedelta(days=730), horizon_end + dt.timedelta(days=31)
    )
    return (
        mrp.MrpProblem(
            today=today,
            horizon_end=horizon_end,
            calendar=calendar,
            items=tuple(items),
            bom_lines=lines,
            sales_demands=sales,
            forecasts=forecasts,
            scheduled_receipts=tuple(receipts),
            firm_planned_orders=_firm_orders(only),
            allocations=_allocations(today, calendar, only),
        ),
        sku_id,
        sources,
    )


def _allocations(
    today: dt.date, calendar: mrp.PlanningCalendar, only: Item | None
) -> tuple[mrp.Allocation, ...]:
    """Unissued components of open work orders, needed when the order starts.

    An order already on the floor needs them now; a planned one at its due date less the lead
    time of the item it makes, counted in working days like every other offset.
    """
    mine = {"component": only} if only else {}
    wanted: dict[tuple[str, str], list[float | dt.date]] = {}
    for number, status, due, lead, sku, qty in (
        WorkOrderMaterial.objects.filter(work_order__status__in=OPEN_WORK, **mine)
        .annotate(open_qty=F("required_quantity") - F("issued_quantity"))
        .filter(open_qty__gt=0)
        .values_list(
            "work_order__number",
            "work_order__status",
            "work_order__due_date",
            "work_order__item__lead_time_days",
            "component__sku",
            "open_qty",
        )
    ):
        key = (number, sku)
        if key in wanted:
            wanted[key][0] = float(wanted[key][0]) + float(qty)  # type: ignore[arg-type]
            continue
        if status in ON_THE_FLOOR:
            day = today
        else:
            day = calendar.date_at(calendar.index_on_or_before(due) - lead)
        wanted[key] = [float(qty), day]
    return tuple(
        mrp.Allocation(f"{number}/{sku}", sku, float(qty), day)  # type: ignore[arg-type]
        for (number, sku), (qty, day) in wanted.items()
    )


def _firm_orders(only: Item | None) -> tuple[mrp.FirmPlannedOrder, ...]:
    """The plan in force's firm planned orders not yet converted: the next run keeps them."""
    pointer = CurrentPlan.objects.first()
    if pointer is None:
        return ()
    mine = {"item": only} if only else {}
    return tuple(
        mrp.FirmPlannedOrder(ref, sku, float(qty), release, due)
        for ref, sku, qty, release, due in PlannedOrder.objects.filter(
            run_id=pointer.run_id, firm=True, converted_ref="", **mine
        ).values_list("firm_reference", "item__sku", "quantity", "release_date", "due_date")
    )


def planning_calendar(first_day: dt.date, last_day: dt.date) -> mrp.PlanningCalendar:
    """The plant's working days: the first calendar by code, or Monday to Friday if none.

    Lead times count these days; a calendar without any shift falls back to weekdays too, so a
    fresh installation plans sensibly.
    """
    stored = Calendar.objects.prefetch_related("shifts").order_by("code").first()
    if stored is not None:
        days = working_time(working_calendar(stored, first_day, last_day), first_day, last_day)
        if days.working_days:
            return mrp.PlanningCalendar.from_working_days(first_day, last_day, days.working_days)
    return mrp.PlanningCalendar.weekdays(first_day, last_day)


MAX_NAMED = 20


def unready_items(result: mrp.MrpResult) -> list[str]:
    """Warnings for planned items the plant cannot act on yet: made items without a routing
    (their work orders cannot be released nor scheduled) and bought items without a supplier
    (they cannot be converted to purchase orders). Two queries, whatever the plan's size."""
    planned = {o.item for o in result.planned_orders}
    if not planned:
        return []
    make, buy = Item.Procurement.MAKE, Item.Procurement.BUY
    kinds = dict(Item.objects.filter(sku__in=planned).values_list("sku", "procurement"))
    routed = set(
        Operation.objects.filter(item__sku__in=planned).values_list("item__sku", flat=True)
    )
    sourced = set(
        SupplierItem.objects.filter(item__sku__in=planned).values_list("item__sku", flat=True)
    )
    found = [
        *(
            f"make item {s} has no routing: its orders cannot be released or scheduled"
            for s in sorted(planned)
            if kinds.get(s) == make and s not in routed
        ),
        *(
            f"buy item {s} has no supplier: its orders cannot become purchase orders"
            for s in sorted(planned)
            if kinds.get(s) == buy and s not in sourced
        ),
    ]
    if len(found) > MAX_NAMED:
        return [*found[:MAX_NAMED], f"... and {len(found) - MAX_NAMED} more like the above"]
    return found
