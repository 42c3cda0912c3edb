"""Material issued to and returned from work orders by hand, with lot genealogy on every move.

A hand issue or return goes through `inventory.services` (locked balances, never below zero) and
writes a `LotLink` from the order's output lot to the component lot, in the same transaction.
What shop-floor events move (backflush on reported output, `consume` events, finished goods
received on the last operation) is posted with the events' batch, in `production.batch`, under
the same rules.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from andon.core.errors import ValidationFailed
from andon.inventory import services as inventory
from andon.inventory.models import Lot, StockMove
from andon.plant.models import Location
from andon.production.models import OPEN_STATUSES, LotLink, WorkOrder, WorkOrderMaterial
from andon.production.reservations import reserve
from andon.production.services import locked, positive_quantity

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
