"""Material to and from work orders through the stock ledger, with lot genealogy on every move.

Every consumption (a hand issue, a backflush on reported output, a `consume` event) goes through
`inventory.services` (locked balances, never below zero) and writes a `LotLink` from the order's
output lot to each component lot consumed, in the same transaction. Finished goods are received
into the order's output lot when good quantity is reported on the order's last operation.

Backflush takes lots first in, first out (oldest lot first) at the order's supply location; when
the location cannot cover the quantity the whole report is refused, so nothing is half-booked.
"""

from datetime import datetime
from decimal import ROUND_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from andon.core.errors import Problem, ValidationFailed
from andon.inventory import services as inventory
from andon.inventory.models import Lot, StockBalance, StockMove
from andon.plant.models import Location
from andon.production.models import OPEN_STATUSES, LotLink, WorkOrder, WorkOrderMaterial
from andon.production.services import locked, positive_quantity, reserve

Kind = StockMove.Kind
ZERO = Decimal("0")
PLACES = Decimal("0.0001")


def output_lot(user: Any, order: WorkOrder) -> Lot | None:
    """The lot the order's output goes into, created on first use; None if not lot-tracked."""
    if not order.item.lot_tracked:
        return None
    return inventory.lot_for_receipt(user, order.item, None, order.lot_code, None, "")


def _link(user: Any, order: WorkOrder, lot: Lot | None, quantity: Decimal, at: datetime) -> None:
    if lot is None:
        return
    LotLink.objects.create(
        work_order=order,
        parent_lot=output_lot(user, order),
        component_lot=lot,
        quantity=quantity,
        at=at,
    )


def _refuse_closed(order: WorkOrder) -> None:
    if order.status not in OPEN_STATUSES:
        raise ValidationFailed(
            f"Work order {order} is {order.get_status_display().lower()}: "
            "material moves need a released order.",
            code="order_not_open",
        )


def consume(
    user: Any,
    order: WorkOrder,
    material: WorkOrderMaterial,
    *,
    quantity: Decimal,
    lot: Lot | None,
    location: Location | None = None,
    at: datetime | None = None,
    kind: str = Kind.ISSUE,
    client_id: str | None = None,
) -> StockMove:
    """Issue `quantity` of one material (one lot) to the order and link the lot to the output.

    Call inside a transaction holding the order's lock (the public services below do).
    """
    at = at or timezone.now()
    move = inventory.issue(
        user,
        item=material.component,
        location=location or order.supply_location,
        quantity=quantity,
        lot=lot,
        kind=kind,
        reference=order.number,
        at=at,
        client_id=client_id,
    )
    material.issued_quantity += quantity
    material.save(update_fields=["issued_quantity"])
    _link(user, order, lot, quantity, at)
    return move


def _material(order: WorkOrder, material: WorkOrderMaterial | int) -> WorkOrderMaterial:
    pk = material if isinstance(material, int) else material.pk
    found = (
        WorkOrderMaterial.objects.select_for_update()
        .select_related("component__uom")
        .filter(pk=pk, work_order=order)
        .first()
    )
    if found is None:
        raise ValidationFailed(f"That material is not on {order}.", code="unknown_material")
    return found


@transaction.atomic
def issue_material(
    user: Any,
    order: WorkOrder,
    material: WorkOrderMaterial | int,
    *,
    quantity: Decimal | int | str,
    lot: Lot | None = None,
    location: Location | None = None,
    client_id: str | None = None,
) -> StockMove:
    """Issue material to an order by hand (a picker, a scan at the line)."""
    if client_id and StockMove.objects.filter(client_id=client_id).exists():
        return StockMove.objects.get(client_id=client_id)
    order = locked(order)
    _refuse_closed(order)
    line = _material(order, material)
    move = consume(
        user,
        order,
        line,
        quantity=positive_quantity(quantity),
        lot=lot,
        location=location,
        client_id=client_id,
    )
    reserve(order)
    return move


@transaction.atomic
def return_material(
    user: Any,
    order: WorkOrder,
    material: WorkOrderMaterial | int,
    *,
    quantity: Decimal | int | str,
    lot: Lot | None = None,
    location: Location | None = None,
) -> StockMove:
    """Put unused issued material back into stock; the genealogy link is reduced to match."""
    order = locked(order)
    line = _material(order, material)
    qty = positive_quantity(quantity)
    if qty > line.issued_quantity:
        raise ValidationFailed(
            f"Only {inventory.fmt(line.issued_quantity)} {line.component.sku} was issued to "
            f"{order}.",
            code="invalid_quantity",
        )
    if lot is not None:
        linked = sum(
            LotLink.objects.filter(work_order=order, component_lot=lot).values_list(
                "quantity", flat=True
            ),
            start=ZERO,
        )
        if qty > linked:
            raise ValidationFailed(
                f"Only {inventory.fmt(linked)} of lot {lot.code} went into {order}.",
                code="invalid_quantity",
            )
    at = timezone.now()
    move = inventory.post_move(
        user,
        item=line.component,
        location=location or order.supply_location,
        quantity=qty,
        kind=Kind.RECEIPT,
        lot=lot,
        reference=order.number,
        reason="Returned from work order",
        at=at,
    )
    line.issued_quantity -= qty
    line.save(update_fields=["issued_quantity"])
    _link(user, order, lot, -qty, at)
    reserve(order)
    return move


def _fifo_lots(material: WorkOrderMaterial, location: Location) -> list[tuple[Lot, Decimal]]:
    balances = (
        StockBalance.objects.filter(
            item=material.component, location=location, lot__isnull=False, quantity__gt=0
        )
        .select_related("lot")
        .order_by("lot__created_at", "lot_id")
    )
    return [(b.lot, b.quantity) for b in balances if b.lot is not None]


def backflush(
    user: Any, order: WorkOrder, sequence: int, good_total: Decimal, at: datetime, key: str
) -> None:
    """Bring the components used at operation `sequence` up to the standard for `good_total`
    units reported there, FIFO by lot.

    What was already issued (by hand, by a scan, by earlier backflushes) counts first, so a
    component is never consumed twice. Components without an operation sequence are consumed
    at the first operation. `key` makes the stock moves' client ids, so the ledger itself
    refuses a second posting.
    """
    first = order.operations.order_by("sequence").values_list("sequence", flat=True).first()
    materials = order.materials.select_for_update().select_related("component__uom")
    for material in materials.filter(backflush=True):
        at_sequence = material.operation_sequence or first
        if at_sequence != sequence:
            continue
        target = (material.quantity_per * good_total).quantize(PLACES, rounding=ROUND_UP)
        if material.component.uom.whole_numbers:
            target = target.to_integral_value(rounding=ROUND_UP)
        quantity = target - material.issued_quantity
        if quantity <= 0:
            continue
        if not material.component.lot_tracked:
            consume(
                user,
                order,
                material,
                quantity=quantity,
                lot=None,
                at=at,
                kind=Kind.BACKFLUSH,
                client_id=f"{key}/bf{material.pk}",
            )
            continue
        remaining = quantity
        for n, (lot, available) in enumerate(_fifo_lots(material, order.supply_location)):
            take = min(available, remaining)
            consume(
                user,
                order,
                material,
                quantity=take,
                lot=lot,
                at=at,
                kind=Kind.BACKFLUSH,
                client_id=f"{key}/bf{material.pk}.{n}",
            )
            remaining -= take
            if remaining <= 0:
                break
        if remaining > 0:
            raise ValidationFailed(
                f"Backflush of {material.component.sku} for {order}: "
                f"{inventory.fmt(remaining)} {material.component.uom.code} more than the lots "
                f"at {order.supply_location.code} hold.",
                [Problem(message="Not enough stock to backflush.", column="quantity")],
                code="insufficient_stock",
            )


def receive_output(user: Any, order: WorkOrder, good: Decimal, at: datetime, key: str) -> StockMove:
    """Finished goods into the order's output location and lot (created on first receipt)."""
    return inventory.receive(
        user,
        item=order.item,
        location=order.output_location,
        quantity=good,
        lot=output_lot(user, order),
        kind=Kind.PRODUCTION,
        reference=order.number,
        at=at,
        client_id=f"{key}/fg",
    )
