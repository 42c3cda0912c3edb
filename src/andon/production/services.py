"""Work order use cases: create, release, complete, close, cancel, split and merge.

Each function is one transaction, takes the order's row lock first (two supervisors acting on one
order are serialized) and is audited. Shop-floor reporting lives in `production.events`, material
issues and finished-goods receipts in `production.materials`, lot tracing in
`production.genealogy`; this module is the order's lifecycle:

    planned -> released -> in_progress -> completed -> closed        (and cancelled)

Release needs a routing and the material, or says what is short; completion needs reported good
output; cancelling refuses while material issued to the order has not been returned.

Each change publishes its `production.domain_events` event in its transaction, so the contexts
that plan around orders (scheduling) hear of it once it commits, whichever page, API call or job
made it, without this module knowing them.
"""

import datetime as dt
import math
from collections import defaultdict
from decimal import ROUND_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from andon.catalog.models import BomLine, Item, Operation
from andon.core import audit
from andon.core import services as core
from andon.core.errors import Conflict, Problem, ValidationFailed
from andon.core.events import publish
from andon.inventory.models import StockBalance
from andon.inventory.services import check_quantity, fmt
from andon.orders.models import SalesOrderLine
from andon.plant.models import Location
from andon.production.domain_events import (
    WorkOrderAmended,
    WorkOrderCancelled,
    WorkOrderClosed,
    WorkOrderCompleted,
    WorkOrderCreated,
    WorkOrderReleased,
    WorkOrderUnreleased,
)
from andon.production.models import (
    OPEN_STATUSES,
    WorkOrder,
    WorkOrderMaterial,
    WorkOrderOperation,
)
from andon.production.reservations import reserve

Status = WorkOrder.Status
ZERO = Decimal("0")
HUNDRED = Decimal("100")
PLACES = Decimal("0.0001")


# --- helpers ----------------------------------------------------------------------------------


def locked(order: WorkOrder | int) -> WorkOrder:
    """Re-read the order under a row lock; call inside a transaction."""
    pk = order if isinstance(order, int) else order.pk
    return WorkOrder.objects.select_for_update().select_related("item__uom").get(pk=pk)


def _next_number() -> str:
    count = WorkOrder.objects.count() + 1
    while WorkOrder.objects.filter(number=f"WO-{count:05d}").exists():
        count += 1
    return f"WO-{count:05d}"


def _round(item: Item, quantity: Decimal) -> Decimal:
    """Round a requirement up to what the component's unit can hold (never down: never short)."""
    if item.uom.whole_numbers:
        return Decimal(math.ceil(quantity))
    return quantity.quantize(PLACES, rounding=ROUND_UP)


def positive_quantity(value: Any, what: str = "Quantity") -> Decimal:
    try:
        quantity = Decimal(str(value))
    except ArithmeticError:
        raise ValidationFailed(f"{value!r} is not a quantity.", code="invalid_quantity") from None
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationFailed(f"{what} must be greater than zero.", code="invalid_quantity")
    return quantity


def _refuse_status(order: WorkOrder, allowed: set[str], verb: str) -> None:
    if order.status not in allowed:
        raise Conflict(
            f"Work order {order.number} is {order.get_status_display().lower()}: "
            f"it cannot be {verb}.",
            code="invalid_transition",
        )


def _amended(
    order: WorkOrder, quantity: Decimal, due_date: dt.date, at: dt.datetime | None = None
) -> None:
    """Publish what changed of the order's quantity and due date since (`quantity`, `due_date`)."""
    if order.quantity == quantity and order.due_date == due_date:
        return
    publish(
        WorkOrderAmended(
            order.pk,
            order.number,
            at or timezone.now(),
            quantity=(quantity, order.quantity) if order.quantity != quantity else None,
            due_date=(due_date, order.due_date) if order.due_date != due_date else None,
        )
    )


def _has_progress(order: WorkOrder) -> bool:
    return (
        order.operations.filter(events__isnull=False).exists()
        or order.materials.exclude(issued_quantity=0).exists()
    )


# --- copying routing and bill -----------------------------------------------------------------


def _copy_routing(order: WorkOrder) -> None:
    operations = Operation.objects.filter(item=order.item).order_by("sequence")
    WorkOrderOperation.objects.bulk_create(
        [
            WorkOrderOperation(
                work_order=order,
                sequence=op.sequence,
                name=op.name,
                work_center_id=op.work_center_id,
                routing_operation=op,
                setup_minutes=op.setup_minutes,
                run_minutes_per_unit=op.run_minutes_per_unit,
            )
            for op in operations
        ]
    )


def _bill(item: Item, on: dt.date) -> dict[int, tuple[Item, Decimal, int | None]]:
    """One level of the item's bill effective on `on`: component -> (item, gross per, op seq)."""
    lines = (
        BomLine.objects.filter(parent=item)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("component__uom")
        .order_by("position", "id")
    )
    bill: dict[int, tuple[Item, Decimal, int | None]] = {}
    for line in lines:
        gross = line.quantity * HUNDRED / (HUNDRED - line.scrap_percent)
        if line.component_id in bill:
            known = bill[line.component_id]
            bill[line.component_id] = (known[0], known[1] + gross, known[2])
        else:
            bill[line.component_id] = (line.component, gross, line.operation_sequence)
    return bill


def _copy_bill(order: WorkOrder) -> None:
    bill = _bill(order.item, order.due_date)
    WorkOrderMaterial.objects.bulk_create(
        [
            WorkOrderMaterial(
                work_order=order,
                component=component,
                operation_sequence=sequence,
                quantity_per=per.quantize(PLACES, rounding=ROUND_UP),
                required_quantity=_round(component, per * order.quantity),
            )
            for component, per, sequence in bill.values()
        ]
    )


def _rescale(order: WorkOrder) -> None:
    """Recompute required quantities after the order's quantity changed (split, merge)."""
    for material in order.materials.select_related("component__uom"):
        material.required_quantity = _round(
            material.component, material.quantity_per * order.quantity
        )
        material.save(update_fields=["required_quantity"])
    reserve(order)


# --- create -----------------------------------------------------------------------------------


@transaction.atomic
def create_work_order(
    user: Any,
    *,
    item: Item,
    quantity: Decimal | int | str,
    due_date: dt.date,
    supply_location: Location,
    output_location: Location,
    number: str = "",
    sales_order_line: SalesOrderLine | None = None,
    planned_order_ref: str = "",
    lot_code: str = "",
    notes: str = "",
) -> WorkOrder:
    """A new planned order with the item's routing and one level of its bill copied onto it."""
    qty = positive_quantity(quantity)
    check_quantity(item, qty)
    if item.procurement != Item.Procurement.MAKE:
        raise ValidationFailed(
            f"{item.sku} is bought, not made: order it from a supplier.", code="not_made"
        )
    if sales_order_line is not None and sales_order_line.item_id != item.pk:
        raise ValidationFailed(
            f"Sales order line {sales_order_line} is for {sales_order_line.item.sku}, "
            f"not {item.sku}.",
            code="wrong_item",
        )
    number = number.strip() or _next_number()
    if WorkOrder.objects.filter(number=number).exists():
        raise Conflict(f"Work order {number} already exists.", code="duplicate_number")
    source = (
        WorkOrder.Source.SALES_ORDER
        if sales_order_line is not None
        else WorkOrder.Source.PLANNED_ORDER
        if planned_order_ref
        else WorkOrder.Source.MANUAL
    )
    order = core.create(
        user,
        WorkOrder(
            number=number,
            item=item,
            quantity=qty,
            due_date=due_date,
            source=source,
            sales_order_line=sales_order_line,
            planned_order_ref=planned_order_ref,
            supply_location=supply_location,
            output_location=output_location,
            lot_code=(lot_code.strip() or number)[:60],
            notes=notes,
        ),
    )
    _copy_routing(order)
    _copy_bill(order)
    publish(
        WorkOrderCreated(
            order.pk, order.number, timezone.now(), item.sku, order.quantity, order.due_date
        )
    )
    return order


def create_from_sales_line(
    user: Any,
    line: SalesOrderLine,
    *,
    supply_location: Location,
    output_location: Location,
    quantity: Decimal | None = None,
) -> WorkOrder:
    """Make to order: a work order for the line's open quantity, due when the line is."""
    return create_work_order(
        user,
        item=line.item,
        quantity=quantity if quantity is not None else line.open_quantity,
        due_date=line.due_date,
        supply_location=supply_location,
        output_location=output_location,
        sales_order_line=line,
    )


# --- release ----------------------------------------------------------------------------------


def shortages(order: WorkOrder) -> list[Problem]:
    """Components whose stock at the supply location, less other open orders' reservations,
    does not cover what this order still needs."""
    materials = list(order.materials.select_related("component__uom"))
    ids = [m.component_id for m in materials]
    on_hand = dict(
        StockBalance.objects.filter(item_id__in=ids, location=order.supply_location)
        .values("item_id")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "total")
    )
    reserved: dict[int, Decimal] = defaultdict(Decimal)
    rows = (
        WorkOrderMaterial.objects.filter(
            component_id__in=ids,
            work_order__supply_location=order.supply_location,
            work_order__status__in=OPEN_STATUSES,
        )
        .exclude(work_order=order)
        .values("component_id")
        .annotate(total=Sum("reserved_quantity"))
    )
    for row in rows:
        reserved[row["component_id"]] = row["total"] or ZERO
    problems = []
    for material in materials:
        available = (on_hand.get(material.component_id) or ZERO) - reserved[material.component_id]
        if available < material.open_quantity:
            short = material.open_quantity - max(available, ZERO)
            problems.append(
                Problem(
                    message=f"{material.component.sku}: needs {fmt(material.open_quantity)}, "
                    f"{fmt(max(available, ZERO))} available at {order.supply_location.code}, "
                    f"short {fmt(short)} {material.component.uom.code}",
                    column=material.component.sku,
                )
            )
    return problems


@transaction.atomic
def release(user: Any, order: WorkOrder, *, allow_shortage: bool = False) -> WorkOrder:
    """Send a planned order to the floor and reserve its material.

    Refused when the item has no routing (nothing to report against), and when material is short
    unless `allow_shortage` (a supervisor starting with what is there; the shortage is audited).
    """
    order = locked(order)
    _refuse_status(order, {Status.PLANNED}, "released")
    if not order.operations.exists():
        raise ValidationFailed(
            f"{order.item.sku} has no routing: add its operations before releasing {order}.",
            code="no_routing",
        )
    problems = shortages(order)
    if problems and not allow_shortage:
        raise ValidationFailed(
            f"Material is short for {order}: " + "; ".join(p.message for p in problems),
            problems,
            code="material_short",
        )
    now = timezone.now()
    order = core.update(user, order, {"status": Status.RELEASED, "released_at": now})
    if problems:
        audit.record(user, "update", order, {"released_short": [p.message for p in problems]})
    reserve(order)
    publish(WorkOrderReleased(order.pk, order.number, now, short=bool(problems)))
    return order


@transaction.atomic
def unrelease(user: Any, order: WorkOrder) -> WorkOrder:
    """Take a released order back to planned before anything happened on it."""
    order = locked(order)
    _refuse_status(order, {Status.RELEASED}, "taken back")
    if _has_progress(order):
        raise Conflict(f"{order} already has shop-floor activity.", code="has_progress")
    order = core.update(user, order, {"status": Status.PLANNED, "released_at": None})
    reserve(order)
    publish(WorkOrderUnreleased(order.pk, order.number, timezone.now()))
    return order


# --- completion -------------------------------------------------------------------------------


@transaction.atomic
def complete(user: Any, order: WorkOrder) -> WorkOrder:
    """Declare the order finished: needs good output reported on its last operation."""
    order = locked(order)
    _refuse_status(order, {Status.RELEASED, Status.IN_PROGRESS}, "completed")
    if order.good_quantity <= 0:
        raise ValidationFailed(
            f"{order} has no good quantity reported on its last operation.",
            code="nothing_reported",
        )
    now = timezone.now()
    order = core.update(user, order, {"status": Status.COMPLETED, "completed_at": now})
    reserve(order)
    publish(WorkOrderCompleted(order.pk, order.number, now, order.good_quantity))
    return order


@transaction.atomic
def close(user: Any, order: WorkOrder) -> WorkOrder:
    """Close a completed order for good: no more reporting, costs can be settled."""
    order = locked(order)
    _refuse_status(order, {Status.COMPLETED}, "closed")
    order = core.update(user, order, {"status": Status.CLOSED})
    publish(WorkOrderClosed(order.pk, order.number, timezone.now()))
    return order


@transaction.atomic
def cancel(user: Any, order: WorkOrder, *, reason: str = "") -> WorkOrder:
    """Cancel an order that did not deliver; refused while issued material is still on it."""
    order = locked(order)
    _refuse_status(order, {Status.PLANNED, Status.RELEASED, Status.IN_PROGRESS}, "cancelled")
    issued = [m for m in order.materials.select_related("component") if m.issued_quantity > 0]
    if issued:
        names = ", ".join(f"{m.component.sku} {fmt(m.issued_quantity)}" for m in issued)
        raise Conflict(
            f"Material was issued to {order} ({names}): return it to stock before cancelling.",
            code="material_issued",
        )
    if order.good_quantity > 0:
        raise Conflict(f"{order} already produced good output.", code="has_output")
    notes = f"{order.notes}\nCancelled: {reason}".strip() if reason else order.notes
    order = core.update(user, order, {"status": Status.CANCELLED, "notes": notes})
    reserve(order)
    publish(WorkOrderCancelled(order.pk, order.number, timezone.now(), reason=reason))
    return order


# --- split and merge --------------------------------------------------------------------------


@transaction.atomic
def split(
    user: Any, order: WorkOrder, quantity: Decimal | int | str, *, due_date: dt.date | None = None
) -> WorkOrder:
    """Split `quantity` off into a new order (same item, own routing copy), before any work."""
    order = locked(order)
    _refuse_status(order, {Status.PLANNED, Status.RELEASED}, "split")
    qty = positive_quantity(quantity, "The quantity to split off")
    check_quantity(order.item, qty)
    if qty >= order.quantity:
        raise ValidationFailed(
            f"Split off less than the order's {fmt(order.quantity)}.", code="invalid_quantity"
        )
    if _has_progress(order):
        raise Conflict(f"{order} already has shop-floor activity.", code="has_progress")
    new = create_work_order(
        user,
        item=order.item,
        quantity=qty,
        due_date=due_date or order.due_date,
        supply_location=order.supply_location,
        output_location=order.output_location,
        sales_order_line=order.sales_order_line,
        planned_order_ref=order.planned_order_ref,
        notes=f"Split from {order.number}",
    )
    if order.status == Status.RELEASED:
        now = timezone.now()
        new = core.update(user, new, {"status": Status.RELEASED, "released_at": now})
        reserve(new)
        publish(WorkOrderReleased(new.pk, new.number, now))
    before = order.quantity
    core.update(user, order, {"quantity": order.quantity - qty})
    _rescale(order)
    _amended(order, before, order.due_date)
    return new


@transaction.atomic
def merge(user: Any, orders: list[WorkOrder]) -> WorkOrder:
    """Merge orders of one item into the first (earliest due date kept); the others are cancelled.

    Only orders without shop-floor activity, all planned or all released, can be merged.
    """
    if len(orders) < 2:
        raise ValidationFailed("Choose at least two work orders to merge.", code="too_few")
    rows = [locked(o) for o in sorted(orders, key=lambda o: o.pk)]
    target = next(r for r in rows if r.pk == orders[0].pk)
    others = [r for r in rows if r.pk != target.pk]
    for row in rows:
        _refuse_status(row, {Status.PLANNED, Status.RELEASED}, "merged")
        if row.item_id != target.item_id:
            raise ValidationFailed(
                f"{row} makes {row.item.sku}, {target} makes {target.item.sku}.",
                code="different_items",
            )
        if row.status != target.status:
            raise ValidationFailed("Merge orders that are all planned or all released.")
        if _has_progress(row):
            raise Conflict(f"{row} already has shop-floor activity.", code="has_progress")
    total = sum((r.quantity for r in rows), start=ZERO)
    due = min(r.due_date for r in rows)
    now = timezone.now()
    for other in others:
        core.update(
            user,
            other,
            {"status": Status.CANCELLED, "notes": f"{other.notes}\nMerged into {target}".strip()},
        )
        reserve(other)
        publish(WorkOrderCancelled(other.pk, other.number, now, merged_into=target.number))
    quantity, due_date = target.quantity, target.due_date
    target = core.update(user, target, {"quantity": total, "due_date": due})
    _rescale(target)
    _amended(target, quantity, due_date, now)
    return target
