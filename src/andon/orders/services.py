"""Use cases for demand and open supply: sales orders, purchase orders and forecasts.

Each function is one transaction and checks the plant's rules before anything is written:
quantities are positive and fit the item's unit, every line has a due date, a cancelled or
closed order is not changed, and nothing is shipped or received beyond what was ordered.
Receiving a purchase order line posts the stock receipt through the inventory ledger in the
same transaction, so the order and the stock never disagree.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from andon.catalog.models import Item
from andon.core import services as core
from andon.core.errors import Conflict, Problem, ValidationFailed
from andon.inventory import services as inventory
from andon.inventory.models import Lot, StockMove
from andon.inventory.services import fmt
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)
from andon.partners.models import Customer, Supplier
from andon.plant.models import Location

ZERO = Decimal("0")
Order = SalesOrder | PurchaseOrder
Line = SalesOrderLine | PurchaseOrderLine


@dataclass(frozen=True)
class LineInput:
    """One order line as entered: `line` names an existing line to change, None adds a line."""

    item: Item
    quantity: Decimal
    due_date: date | None
    unit_price: Decimal | None = None
    line: int | None = None


# --- shared line handling --------------------------------------------------------------------


def _delivered_field(line_model: type[Line]) -> str:
    return "shipped_quantity" if line_model is SalesOrderLine else "received_quantity"


def _line_problems(lines: Sequence[LineInput]) -> list[Problem]:
    """Every problem with the entered lines at once, located by row, so a form shows them all."""
    problems: list[Problem] = []
    for row, entry in enumerate(lines, start=1):
        if entry.quantity is None or entry.quantity <= 0:
            problems.append(
                Problem(message="Quantity must be greater than zero.", row=row, column="quantity")
            )
        else:
            try:
                inventory.check_quantity(entry.item, Decimal(entry.quantity))
            except ValidationFailed as exc:
                problems.append(Problem(message=exc.detail, row=row, column="quantity"))
        if entry.due_date is None:
            problems.append(Problem(message="A due date is required.", row=row, column="due_date"))
        if entry.unit_price is not None and entry.unit_price < 0:
            problems.append(
                Problem(message="The price cannot be negative.", row=row, column="unit_price")
            )
    return problems


def _refuse(problems: list[Problem], what: str) -> None:
    if problems:
        raise ValidationFailed(
            f"{what} is not valid: " + "; ".join(str(p) for p in problems), problems
        )


def _save_lines(
    user: Any, order: Order, line_model: type[Line], lines: Sequence[LineInput]
) -> None:
    """Make the order's lines match `lines`: change listed ones, add new ones, remove the rest.

    A line that has already shipped or received stock keeps its item, cannot drop below what was
    delivered and cannot be removed; new lines are numbered after the highest existing number.
    """
    delivered = _delivered_field(line_model)
    existing = {
        ln.line: ln
        for ln in line_model._default_manager.filter(order_id=order.pk).select_related("item")
    }
    problems: list[Problem] = []
    kept: set[int] = set()
    for row, entry in enumerate(lines, start=1):
        if entry.line is None:
            continue
        current = existing.get(entry.line)
        if current is None:
            problems.append(
                Problem(message=f"Line {entry.line} is not on this order.", row=row, column="line")
            )
            continue
        kept.add(entry.line)
        done = getattr(current, delivered)
        if done > 0 and entry.item.pk != current.item_id:
            problems.append(
                Problem(
                    message=f"Line {entry.line} has been delivered: its item cannot change.",
                    row=row,
                    column="item",
                )
            )
        if entry.quantity is not None and entry.quantity < done:
            problems.append(
                Problem(
                    message=f"Line {entry.line} already has {fmt(done)} delivered; "
                    "the quantity cannot be lower.",
                    row=row,
                    column="quantity",
                )
            )
    for number, current in existing.items():
        if number not in kept and getattr(current, delivered) > 0:
            problems.append(
                Problem(message=f"Line {number} has been delivered and cannot be removed.")
            )
    _refuse(problems, f"Order {order.number}")

    for number, current in existing.items():
        if number not in kept:
            core.delete(user, current)
    next_number = max(existing, default=0) + 1
    for entry in lines:
        values = {
            "item": entry.item,
            "quantity": Decimal(entry.quantity),
            "due_date": entry.due_date,
            "unit_price": entry.unit_price,
        }
        if entry.line is not None:
            core.update(user, existing[entry.line], values)
        else:
            core.create(user, line_model(order_id=order.pk, line=next_number, **values))
            next_number += 1


def _next_number(model: type[models.Model], prefix: str) -> str:
    """The next free document number such as SO-00042; numbers a user typed are left alone."""
    count = model._default_manager.count() + 1
    while model._default_manager.filter(number=f"{prefix}-{count:05d}").exists():
        count += 1
    return f"{prefix}-{count:05d}"


def _check_number(model: type[models.Model], number: str, exclude_pk: int | None = None) -> None:
    clash = model._default_manager.filter(number=number)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict(
            f"{str(model._meta.verbose_name).capitalize()} {number} already exists.",
            code="duplicate_number",
        )


def _locked(order: Order) -> Order:
    """Re-read the order under a row lock: two people editing one order are serialized."""
    return type(order)._default_manager.select_for_update().get(pk=order.pk)


def _refuse_closed(order: Order) -> None:
    closed = {SalesOrder.Status.CANCELLED, PurchaseOrder.Status.CANCELLED}
    if order.status in closed:
        raise Conflict(
            f"Order {order.number} is cancelled and cannot be changed.", code="cancelled"
        )
    if order.status in {SalesOrder.Status.SHIPPED, PurchaseOrder.Status.RECEIVED}:
        raise Conflict(
            f"Order {order.number} is {order.get_status_display().lower()} and cannot be changed.",
            code="closed",
        )


def _require_lines(lines: Sequence[LineInput], what: str) -> None:
    if not lines:
        raise ValidationFailed(
            f"A {what} needs at least one line.", [Problem(message="Add a line.", column="lines")]
        )


# --- sales orders ----------------------------------------------------------------------------


@transaction.atomic
def create_sales_order(
    user: Any,
    *,
    customer: Customer,
    order_date: date,
    lines: Sequence[LineInput],
    number: str = "",
    customer_reference: str = "",
) -> SalesOrder:
    """Record a customer's order with its lines (numbered 1, 2, ...); it becomes MRP demand."""
    _require_lines(lines, "sales order")
    _refuse(_line_problems(lines), "Sales order")
    number = number.strip() or _next_number(SalesOrder, "SO")
    _check_number(SalesOrder, number)
    order = core.create(
        user,
        SalesOrder(
            number=number,
            customer=customer,
            order_date=order_date,
            customer_reference=customer_reference,
        ),
    )
    _save_lines(user, order, SalesOrderLine, [replace(e, line=None) for e in lines])
    return order


SALES_HEADER = frozenset({"number", "customer", "order_date", "customer_reference"})


@transaction.atomic
def update_sales_order(
    user: Any,
    order: SalesOrder,
    *,
    changes: dict[str, Any] | None = None,
    lines: Sequence[LineInput] | None = None,
) -> SalesOrder:
    """Change an open order's header and, when `lines` is given, make its lines match them."""
    locked = _locked(order)
    assert isinstance(locked, SalesOrder)
    _refuse_closed(locked)
    changes = changes or {}
    unknown = set(changes) - SALES_HEADER
    if unknown:
        raise ValidationFailed(f"Cannot change {', '.join(sorted(unknown))} of a sales order.")
    if "number" in changes:
        _check_number(SalesOrder, changes["number"], exclude_pk=locked.pk)
    if lines is not None:
        _require_lines(lines, "sales order")
        _refuse(_line_problems(lines), "Sales order")
    core.update(user, locked, changes)
    if lines is not None:
        _save_lines(user, locked, SalesOrderLine, lines)
    return locked


@transaction.atomic
def cancel_sales_order(user: Any, order: SalesOrder) -> SalesOrder:
    """Withdraw an order's open demand; what was already shipped stays shipped."""
    locked = _locked(order)
    assert isinstance(locked, SalesOrder)
    _refuse_closed(locked)
    return core.update(user, locked, {"status": SalesOrder.Status.CANCELLED})


@transaction.atomic
def ship_sales_line(
    user: Any,
    line: SalesOrderLine,
    *,
    quantity: Decimal,
    location: Location,
    lot: Lot | None = None,
    client_id: str | None = None,
) -> StockMove:
    """Ship part or all of a line: issue the stock and count it shipped, in one transaction.

    The order is marked shipped when every line is. A retried `client_id` changes nothing.
    """
    locked = (
        SalesOrderLine.objects.select_for_update()
        .select_related("order", "item__uom")
        .get(pk=line.pk)
    )
    if client_id and StockMove.objects.filter(client_id=client_id).exists():
        return StockMove.objects.get(client_id=client_id)
    _refuse_closed(locked.order)
    _check_delivery(locked, Decimal(quantity), "ship")
    move = inventory.issue(
        user,
        item=locked.item,
        location=location,
        quantity=quantity,
        lot=lot,
        kind=StockMove.Kind.SHIPMENT,
        reference=str(locked),
        client_id=client_id,
    )
    core.update(user, locked, {"shipped_quantity": locked.shipped_quantity + Decimal(quantity)})
    if not locked.order.lines.filter(shipped_quantity__lt=models.F("quantity")).exists():
        core.update(user, locked.order, {"status": SalesOrder.Status.SHIPPED})
    return move


def _check_delivery(line: Line, quantity: Decimal, verb: str) -> None:
    if quantity <= 0:
        raise ValidationFailed(
            f"The quantity to {verb} must be greater than zero.", code="invalid_quantity"
        )
    if quantity > line.open_quantity:
        raise ValidationFailed(
            f"Line {line} has {fmt(line.open_quantity)} open; cannot {verb} {fmt(quantity)}.",
            [Problem(message="More than the open quantity.", column="quantity")],
            code="exceeds_open_quantity",
        )


# --- purchase orders -------------------------------------------------------------------------


@transaction.atomic
def create_purchase_order(
    user: Any,
    *,
    supplier: Supplier,
    order_date: date,
    lines: Sequence[LineInput],
    number: str = "",
    status: str = PurchaseOrder.Status.SENT,
) -> PurchaseOrder:
    """Record an order placed with a supplier; its open lines are scheduled receipts for MRP."""
    if status not in {
        PurchaseOrder.Status.DRAFT,
        PurchaseOrder.Status.SENT,
        PurchaseOrder.Status.CONFIRMED,
    }:
        raise ValidationFailed(
            "A new purchase order is draft, sent or confirmed.", code="invalid_status"
        )
    _require_lines(lines, "purchase order")
    _refuse(_line_problems(lines), "Purchase order")
    number = number.strip() or _next_number(PurchaseOrder, "PO")
    _check_number(PurchaseOrder, number)
    order = core.create(
        user, PurchaseOrder(number=number, supplier=supplier, order_date=order_date, status=status)
    )
    _save_lines(user, order, PurchaseOrderLine, [replace(e, line=None) for e in lines])
    return order


PURCHASE_HEADER = frozenset({"number", "supplier", "order_date", "status"})


@transaction.atomic
def update_purchase_order(
    user: Any,
    order: PurchaseOrder,
    *,
    changes: dict[str, Any] | None = None,
    lines: Sequence[LineInput] | None = None,
) -> PurchaseOrder:
    """Change an open purchase order's header (status draft/sent/confirmed) and its lines."""
    locked = _locked(order)
    assert isinstance(locked, PurchaseOrder)
    _refuse_closed(locked)
    changes = changes or {}
    unknown = set(changes) - PURCHASE_HEADER
    if unknown:
        raise ValidationFailed(f"Cannot change {', '.join(sorted(unknown))} of a purchase order.")
    if "status" in changes and changes["status"] not in {
        PurchaseOrder.Status.DRAFT,
        PurchaseOrder.Status.SENT,
        PurchaseOrder.Status.CONFIRMED,
    }:
        raise ValidationFailed(
            "Set the status to draft, sent or confirmed; receive or cancel the order to close it.",
            code="invalid_status",
        )
    if "number" in changes:
        _check_number(PurchaseOrder, changes["number"], exclude_pk=locked.pk)
    if lines is not None:
        _require_lines(lines, "purchase order")
        _refuse(_line_problems(lines), "Purchase order")
    core.update(user, locked, changes)
    if lines is not None:
        _save_lines(user, locked, PurchaseOrderLine, lines)
    return locked


@transaction.atomic
def cancel_purchase_order(user: Any, order: PurchaseOrder) -> PurchaseOrder:
    """Withdraw the open supply; what was already received stays in stock."""
    locked = _locked(order)
    assert isinstance(locked, PurchaseOrder)
    _refuse_closed(locked)
    return core.update(user, locked, {"status": PurchaseOrder.Status.CANCELLED})


@transaction.atomic
def receive_purchase_line(
    user: Any,
    line: PurchaseOrderLine,
    *,
    quantity: Decimal,
    location: Location,
    lot: Lot | None = None,
    lot_code: str = "",
    expires_on: date | None = None,
    supplier_lot: str = "",
    client_id: str | None = None,
    at: datetime | None = None,
) -> StockMove:
    """Receive goods against a line: the stock receipt and the received quantity in one go.

    The line is locked first, so two clerks booking the same delivery cannot both pass the
    open-quantity check; a retried `client_id` returns the first receipt and counts nothing twice.
    The order is marked received when every line is complete.
    """
    locked = (
        PurchaseOrderLine.objects.select_for_update()
        .select_related("order__supplier", "item__uom")
        .get(pk=line.pk)
    )
    if client_id and StockMove.objects.filter(client_id=client_id).exists():
        return StockMove.objects.get(client_id=client_id)
    _refuse_closed(locked.order)
    if locked.order.status == PurchaseOrder.Status.DRAFT:
        raise Conflict(
            f"Order {locked.order.number} is a draft: send it before receiving.", code="draft"
        )
    qty = Decimal(quantity)
    _check_delivery(locked, qty, "receive")
    move = inventory.receive(
        user,
        item=locked.item,
        location=location,
        quantity=qty,
        lot=lot,
        lot_code=lot_code,
        expires_on=expires_on,
        supplier_lot=supplier_lot,
        reference=str(locked),
        at=at,
        client_id=client_id,
    )
    core.update(user, locked, {"received_quantity": locked.received_quantity + qty})
    if not locked.order.lines.filter(received_quantity__lt=models.F("quantity")).exists():
        core.update(user, locked.order, {"status": PurchaseOrder.Status.RECEIVED})
    return move


# --- forecasts -------------------------------------------------------------------------------


def _check_forecast(item: Item, quantity: Decimal, when: date | None) -> None:
    problems = _line_problems([LineInput(item=item, quantity=quantity, due_date=when)])
    if problems:
        problems = [
            Problem(message=p.message, column="date" if p.column == "due_date" else p.column)
            for p in problems
        ]
    _refuse(problems, "Forecast")


@transaction.atomic
def create_forecast(user: Any, *, item: Item, date: date, quantity: Decimal) -> Forecast:
    """Expected demand for one item on one date; a second forecast for the same pair is refused."""
    _check_forecast(item, quantity, date)
    if Forecast.objects.filter(item=item, date=date).exists():
        raise Conflict(
            f"{item.sku} already has a forecast for {date}: change that one.",
            code="duplicate_forecast",
        )
    return core.create(user, Forecast(item=item, date=date, quantity=quantity))


@transaction.atomic
def update_forecast(
    user: Any, forecast: Forecast, *, quantity: Decimal | None = None, date: date | None = None
) -> Forecast:
    """Change a forecast's quantity or move it to another date (if that date is free)."""
    new_date = date or forecast.date
    new_quantity = forecast.quantity if quantity is None else quantity
    _check_forecast(forecast.item, new_quantity, new_date)
    if Forecast.objects.filter(item=forecast.item, date=new_date).exclude(pk=forecast.pk).exists():
        raise Conflict(
            f"{forecast.item.sku} already has a forecast for {new_date}.", code="duplicate_forecast"
        )
    return core.update(user, forecast, {"date": new_date, "quantity": new_quantity})


@transaction.atomic
def delete_forecast(user: Any, forecast: Forecast) -> None:
    """Remove a forecast that no longer holds."""
    core.delete(user, forecast)


@transaction.atomic
def set_forecast(user: Any, *, item: Item, date: date, quantity: Decimal) -> Forecast | None:
    """Enter a forecast the way a planner types it: replace what is there; zero removes it."""
    current = Forecast.objects.select_for_update().filter(item=item, date=date).first()
    if quantity == 0:
        if current is not None:
            core.delete(user, current)
        return None
    if current is None:
        return create_forecast(user, item=item, date=date, quantity=quantity)
    return update_forecast(user, current, quantity=quantity)
