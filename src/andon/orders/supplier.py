"""Purchase orders and the supplier: what sending an order and the supplier's answer mean for
the open supply (the due dates and quantities MRP and the schedule read).

Correspondence sends the order and takes the supplier's answer; the rules of the supply stay
here, in orders, so no other context writes a purchase order.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from andon.core import services as core
from andon.core.errors import Conflict, Problem, ValidationFailed
from andon.inventory import services as inventory
from andon.orders.models import PurchaseOrder, PurchaseOrderLine
from andon.orders.services import _locked, _refuse, _refuse_closed


@dataclass(frozen=True)
class ConfirmedLine:
    """What the supplier confirmed for one line: the date and the quantity still to come."""

    line: PurchaseOrderLine
    due_date: date | None
    open_quantity: Decimal | None


@transaction.atomic
def remember_requested_dates(user: Any, order: PurchaseOrder) -> list[PurchaseOrderLine]:
    """Keep the date first asked of the supplier on each open line as the order goes out.

    Only the first sending counts: a line that already has its requested date keeps it, so the
    buyer still sees what was asked after the supplier confirms another date. Returns the lines
    that took a date."""
    locked = _locked(order)
    _refuse_closed(locked)
    noted = []
    for line in PurchaseOrderLine.objects.select_for_update().filter(
        order_id=locked.pk, requested_date=None
    ):
        if line.open_quantity > 0:
            noted.append(core.update(user, line, {"requested_date": line.due_date}))
    return noted


def _confirmation_problems(
    order: PurchaseOrder, confirmed: Sequence[ConfirmedLine]
) -> list[Problem]:
    problems: list[Problem] = []
    for entry in confirmed:
        row = entry.line.line
        if entry.line.order_id != order.pk:
            problems.append(
                Problem(message=f"Line {entry.line} is not on {order.number}.", row=row)
            )
            continue
        if entry.due_date is None:
            problems.append(Problem(message="A due date is required.", row=row, column="due_date"))
        if entry.open_quantity is None or entry.open_quantity <= 0:
            problems.append(
                Problem(
                    message="The quantity still to come must be greater than zero.",
                    row=row,
                    column="quantity",
                )
            )
        else:
            try:
                inventory.check_quantity(entry.line.item, Decimal(entry.open_quantity))
            except ValidationFailed as exc:
                problems.append(Problem(message=exc.detail, row=row, column="quantity"))
    return problems


@transaction.atomic
def confirm_purchase_order(
    user: Any,
    order: PurchaseOrder,
    lines: Sequence[ConfirmedLine],
    *,
    confirmed_at: datetime,
) -> PurchaseOrder:
    """The supplier's confirmation becomes the open supply: each line's due date and quantity.

    The quantity confirmed is what is still to come, so the line's ordered quantity becomes what
    was received plus that. A line received in full meanwhile is left alone: the goods are here.
    A draft or sent order becomes confirmed; a received one stays received. Every line is checked
    before any is changed, and a cancelled order is refused: its supply was withdrawn. MRP and the
    schedule read the open supply when they run, so no event is published: nothing reacts yet.
    """
    locked = _locked(order)
    assert isinstance(locked, PurchaseOrder)
    if locked.status == PurchaseOrder.Status.CANCELLED:
        raise Conflict(
            f"Order {locked.number} is cancelled: there is no supply to confirm.", code="cancelled"
        )
    _refuse(_confirmation_problems(locked, lines), f"The confirmation of {locked.number}")
    for entry in lines:
        line = PurchaseOrderLine.objects.select_for_update().get(pk=entry.line.pk)
        if line.open_quantity == 0:
            continue
        assert entry.open_quantity is not None
        core.update(
            user,
            line,
            {
                "due_date": entry.due_date,
                "quantity": line.received_quantity + Decimal(entry.open_quantity),
                "confirmed_at": confirmed_at,
            },
        )
    if locked.status in (PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.SENT):
        core.update(user, locked, {"status": PurchaseOrder.Status.CONFIRMED})
    return locked


@transaction.atomic
def mark_sent(user: Any, order: PurchaseOrder) -> PurchaseOrder:
    """The order has left for the supplier: a draft becomes sent, and only a draft.

    An order already sent, confirmed, received or cancelled keeps its status: sending it again
    (or a letter that leaves after the order was closed) says nothing new about the supply."""
    locked = _locked(order)
    assert isinstance(locked, PurchaseOrder)
    if locked.status == PurchaseOrder.Status.DRAFT:
        core.update(user, locked, {"status": PurchaseOrder.Status.SENT})
    return locked
