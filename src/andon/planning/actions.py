"""What a planner does with planned orders: firm them, edit them, convert them into real orders.

Only orders of the plan in force can be acted on, each batch is one transaction and audited, and
a batch with anything wrong in it (an order of another plan, one already converted, a bought
item without a supplier) is refused whole with a message naming the order and the item.

The next run respects the result: a firm order is kept as it is (its components are planned
again), a converted one is a work order or a purchase order line by then, so open supply.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from andon.core import audit
from andon.core.errors import Conflict, ValidationFailed
from andon.inventory.services import check_quantity
from andon.orders import services as orders
from andon.partners.models import Supplier
from andon.planning.lots import LotError, lots
from andon.planning.models import CurrentPlan, PlannedOrder
from andon.plant.models import Location
from andon.production import services as production


def _locked(ids: Sequence[int]) -> list[PlannedOrder]:
    """The orders under row locks, refused unless every one is in the plan in force."""
    if not ids:
        raise ValidationFailed("Choose at least one planned order.", code="nothing_chosen")
    pointer = CurrentPlan.objects.select_for_update().first()
    found = list(
        PlannedOrder.objects.select_for_update(of=("self",))
        .filter(pk__in=set(ids))
        .select_related("item__uom", "run", "supplier")
        .order_by("number")
    )
    if len(found) != len(set(ids)):
        raise ValidationFailed("Some of the chosen planned orders do not exist.", code="unknown")
    for order in found:
        if pointer is None or order.run_id != pointer.run_id:
            raise Conflict(
                f"Planned order #{order.number} ({order.item.sku}) is not in the plan in force.",
                code="not_current",
            )
        if order.converted_ref:
            raise Conflict(
                f"Planned order #{order.number} ({order.item.sku}) is already "
                f"{order.converted_ref}.",
                code="already_converted",
            )
    return found


def reference(order: PlannedOrder) -> str:
    """The order's stable name across runs: its firm id, or plan version and number."""
    return order.firm_reference or f"P{order.run.version}-{order.number}"


def _firm(user: Any, order: PlannedOrder, changes: dict[str, Any]) -> None:
    before = audit.snapshot(order)
    for name, value in changes.items():
        setattr(order, name, value)
    order.firm = True
    order.firm_reference = reference(order)
    order.save(update_fields=["firm", "firm_reference", *changes])
    audit.record(user, "update", order, audit.diff(before, audit.snapshot(order)))


@transaction.atomic
def firm_orders(user: Any, ids: Sequence[int]) -> list[PlannedOrder]:
    """Firm planned orders: the next runs keep their quantity and dates."""
    found = _locked(ids)
    for order in found:
        if not order.firm:
            _firm(user, order, {})
    return found


@transaction.atomic
def edit_order(
    user: Any, pk: int, *, quantity: Decimal, release_date: dt.date, due_date: dt.date
) -> PlannedOrder:
    """Change a planned order's quantity and dates; an edited order is firm (else the next run
    would undo the edit)."""
    (order,) = _locked([pk])
    if quantity <= 0:
        raise ValidationFailed(
            f"Planned order #{order.number} ({order.item.sku}): quantity must be above zero.",
            code="invalid_quantity",
        )
    check_quantity(order.item, quantity)
    if due_date < release_date:
        raise ValidationFailed(
            f"Planned order #{order.number} ({order.item.sku}): due before its release.",
            code="invalid_dates",
        )
    _firm(
        user,
        order,
        {"quantity": quantity, "release_date": release_date, "due_date": due_date},
    )
    return order


def _default_location() -> Location:
    location = Location.objects.order_by("code").first()
    if location is None:
        raise ValidationFailed(
            "There is no stock location to make work orders into.", code="no_location"
        )
    return location


def _lots(found: Sequence[PlannedOrder]) -> dict[int, list[Decimal]]:
    """Each order's lots, refusing the batch on the first order that cannot be cut into lots."""
    out: dict[int, list[Decimal]] = {}
    for order in found:
        try:
            out[order.pk] = lots(order.item, order.quantity)
        except LotError as exc:
            raise ValidationFailed(
                f"Planned order #{order.number} ({order.item.sku}) cannot be split into lots: "
                f"{exc}. Edit its quantity or the item's lot sizes first.",
                code="bad_lots",
            ) from exc
    return out


@transaction.atomic
def convert_orders(
    user: Any,
    ids: Sequence[int],
    *,
    supply_location: Location | None = None,
    output_location: Location | None = None,
    order_date: dt.date | None = None,
) -> dict[str, list[str]]:
    """Turn planned orders into work orders (make) and purchase orders (buy), all or nothing.

    An order above its item's maximum lot (min/max rule) becomes one work order or purchase
    order line per lot, each of at most the maximum. Bought orders are grouped by their supplier
    into one purchase order each. Every work order carries the planned order's reference, and the
    planned order lists what it became. Returns {"work_orders": numbers, "purchase_orders":
    numbers, "split": "#number (SKU) into N lots" for each order that was split}.
    """
    found = _locked(ids)
    no_supplier = [o for o in found if o.kind == PlannedOrder.Kind.BUY and o.supplier is None]
    if no_supplier:
        names = ", ".join(f"#{o.number} ({o.item.sku})" for o in no_supplier[:5])
        raise ValidationFailed(
            f"Planned order {names} has no preferred supplier: give the item one first.",
            code="no_supplier",
        )
    quantities = _lots(found)
    made: list[str] = []
    makes = [o for o in found if o.kind == PlannedOrder.Kind.MAKE]
    if makes:
        supply = supply_location or _default_location()
        output = output_location or supply
    for order in makes:
        numbers = []
        for quantity in quantities[order.pk]:
            work = production.create_work_order(
                user,
                item=order.item,
                quantity=quantity,
                due_date=order.due_date,
                supply_location=supply,
                output_location=output,
                planned_order_ref=reference(order),
            )
            numbers.append(work.number)
        made += numbers
        _converted(user, order, numbers)
    by_supplier: dict[int, list[PlannedOrder]] = defaultdict(list)
    suppliers: dict[int, Supplier] = {}
    for order in found:
        if order.kind == PlannedOrder.Kind.BUY and order.supplier is not None:
            by_supplier[order.supplier.pk].append(order)
            suppliers[order.supplier.pk] = order.supplier
    bought: list[str] = []
    for supplier_id, group in sorted(by_supplier.items(), key=lambda kv: suppliers[kv[0]].code):
        purchase = orders.create_purchase_order(
            user,
            supplier=suppliers[supplier_id],
            order_date=order_date or timezone.localdate(),
            lines=[
                orders.LineInput(item=o.item, quantity=quantity, due_date=o.due_date)
                for o in group
                for quantity in quantities[o.pk]
            ],
        )
        line_numbers = iter(sorted(purchase.lines.values_list("line", flat=True)))
        for order in group:
            lines = [next(line_numbers) for _ in quantities[order.pk]]
            _converted(user, order, [f"{purchase.number}/{line}" for line in lines])
        bought.append(purchase.number)
    split = [
        f"#{o.number} ({o.item.sku}) into {len(quantities[o.pk])} lots"
        for o in found
        if len(quantities[o.pk]) > 1
    ]
    return {"work_orders": made, "purchase_orders": bought, "split": split}


def _converted(user: Any, order: PlannedOrder, refs: list[str]) -> None:
    """Mark the order converted; the field shows what fits, the audit keeps every reference."""
    full = ", ".join(refs)
    shown = full if len(full) <= 60 else f"{refs[0]} and {len(refs) - 1} more"
    order.converted_ref = shown
    order.firm = True
    order.firm_reference = reference(order)
    order.save(update_fields=["converted_ref", "firm", "firm_reference"])
    audit.record(user, "update", order, {"converted_ref": ["", full]})
