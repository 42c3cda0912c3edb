"""Bulk loads of demand and open supply: sales orders, purchase orders and forecasts.

The import hands whole files over at once (see `andon.core.loads`); each function here checks a
batch by the rules the orders' services apply to one order (the model's validation, new order
numbers, positive quantities that fit the item's unit, every line with a due date, a cancelled
or closed order left as it is, no line below what was shipped or received, nor a delivered line
removed or given another item) and returns the load that writes it set-based.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count

from andon.catalog.models import Item
from andon.core.errors import Problem, ValidationFailed
from andon.core.loads import BATCH, Batch, Load, chunks, model_rules, related, unique_codes
from andon.inventory.rules import check_quantity, fmt
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)


@dataclass(frozen=True)
class _Kind:
    """What differs between a load of sales orders and one of purchase orders."""

    order_model: type[SalesOrder] | type[PurchaseOrder]
    line_model: type[SalesOrderLine] | type[PurchaseOrderLine]
    what: str
    delivered: str  # the line's field counting what was shipped or received
    verb: str
    open_statuses: tuple[str, ...]


SALES = _Kind(
    SalesOrder,
    SalesOrderLine,
    "sales order",
    "shipped_quantity",
    "shipped",
    (SalesOrder.Status.OPEN,),
)
PURCHASE = _Kind(
    PurchaseOrder,
    PurchaseOrderLine,
    "purchase order",
    "received_quantity",
    "received",
    (PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.SENT, PurchaseOrder.Status.CONFIRMED),
)


def sales_orders(
    orders: Batch[SalesOrder],
    lines: Batch[SalesOrderLine],
    removed: Sequence[SalesOrderLine] = (),
    stated: Sequence[SalesOrder] = (),
) -> Load:
    """Orders and lines to insert and update, after removing `removed` (lines an order drops).

    `stated` are stored orders whose lines the batch states without changing their header: a
    closed one among them is refused too, as the services refuse to edit it.
    """
    return _orders(SALES, orders, lines, removed, stated)


def purchase_orders(
    orders: Batch[PurchaseOrder],
    lines: Batch[PurchaseOrderLine],
    removed: Sequence[PurchaseOrderLine] = (),
    stated: Sequence[PurchaseOrder] = (),
) -> Load:
    """As `sales_orders`, for orders placed with suppliers."""
    return _orders(PURCHASE, orders, lines, removed, stated)


def _orders(
    kind: _Kind,
    orders: Batch[Any],
    lines: Batch[Any],
    removed: Sequence[Any],
    stated: Sequence[Any],
) -> Load:
    problems: list[Problem] = []
    unique_codes(orders, kind.order_model, "number", problems)
    stored = _open_orders(kind, orders, lines, removed, stated, problems)
    _statuses(kind, orders, problems)
    _with_lines(kind, orders, lines, removed, problems)
    _line_numbers(kind, lines, removed, problems)
    _quantities(lines, problems, due="due_date")
    _delivered(kind, lines, problems)
    _kept_deliveries(kind, removed, stored, problems)
    model_rules(orders, problems)
    _model_rules_once(lines, problems)
    _in_row_order(problems)
    order_manager: Any = kind.order_model._default_manager
    line_manager: Any = kind.line_model._default_manager
    gone = [line.pk for line in removed]

    def write() -> None:
        order_manager.bulk_create(orders.creates, batch_size=BATCH)
        if orders.updates and orders.fields:
            order_manager.bulk_update(orders.updates, orders.fields, batch_size=BATCH)
        # Removed first: a new line may take the number of one the order drops.
        for chunk in chunks(gone):
            line_manager.filter(pk__in=chunk).delete()
        line_manager.bulk_create(lines.creates, batch_size=BATCH)
        if lines.updates and lines.fields:
            line_manager.bulk_update(lines.updates, lines.fields, batch_size=BATCH)

    return Load(problems, write, removed=len(gone))


def _open_orders(
    kind: _Kind,
    orders: Batch[Any],
    lines: Batch[Any],
    removed: Sequence[Any],
    stated: Sequence[Any],
    problems: list[Problem],
) -> dict[int, tuple[str, int | None]]:
    """A cancelled or closed order is not changed: its stored status is read, not the batch's.

    Returns the stored orders the batch touches, pk -> (number, the row that states it).
    """
    by_pk = {order.pk: order for order in [*orders.updates, *stated]}
    touched = set(by_pk)
    touched.update(line.order_id for line in lines.records() if line.order_id is not None)
    touched.update(line.order_id for line in removed)
    stored: dict[int, tuple[str, str]] = {}
    for chunk in chunks(sorted(touched)):
        for pk, number, status in kind.order_model._default_manager.filter(
            pk__in=chunk
        ).values_list("pk", "number", "status"):
            stored[pk] = (number, status)
    first_line: dict[int, int | None] = {}
    for line in lines.records():
        first_line.setdefault(line.order_id, lines.row(line))
    where: dict[int, tuple[str, int | None]] = {}
    for pk, (number, status) in sorted(stored.items()):
        row = orders.row(by_pk[pk]) if pk in by_pk else first_line.get(pk)
        where[pk] = (number, row)
        if status not in kind.open_statuses:
            problems.append(
                Problem(f"order {number} is {status}, not open", row=row, column="number")
            )
    return where


def _statuses(kind: _Kind, orders: Batch[Any], problems: list[Problem]) -> None:
    """An order is loaded open: shipping, receiving or cancelling it is what closes it."""
    allowed = ", ".join(kind.open_statuses)
    written = [*orders.creates, *(orders.updates if "status" in orders.fields else ())]
    for order in written:
        if id(order) not in orders.refused and order.status not in kind.open_statuses:
            problems.append(
                Problem(
                    f"a {kind.what} is loaded {allowed}, not {order.status}",
                    row=orders.row(order),
                    column="status",
                )
            )


def _with_lines(
    kind: _Kind,
    orders: Batch[Any],
    lines: Batch[Any],
    removed: Sequence[Any],
    problems: list[Problem],
) -> None:
    """An order has at least one line, as the services require of every order they save."""
    lined = {id(related(line, "order")) for line in lines.creates if related(line, "order")}
    for order in orders.creates:
        if id(order) not in lined:
            problems.append(
                Problem(
                    f"{order.number}: a {kind.what} needs at least one line",
                    row=orders.row(order),
                    column="lines",
                )
            )
    dropped: dict[int, int] = defaultdict(int)
    for line in removed:
        dropped[line.order_id] += 1
    if not dropped:
        return
    added = {line.order_id for line in lines.creates if line.order_id is not None}
    counted = (
        kind.line_model._default_manager.filter(order_id__in=list(dropped))
        .values("order_id", "order__number")
        .annotate(n=Count("pk"))
    )
    for entry in counted:
        if entry["order_id"] not in added and entry["n"] <= dropped[entry["order_id"]]:
            problems.append(
                Problem(
                    f"{entry['order__number']}: a {kind.what} needs at least one line",
                    column="lines",
                )
            )


def _order_key(line: Any) -> object:
    order = related(line, "order")
    return ("pk", order.pk) if order is not None and order.pk is not None else ("obj", id(order))


def _line_numbers(
    kind: _Kind, lines: Batch[Any], removed: Sequence[Any], problems: list[Problem]
) -> None:
    """A line number is used once per order, counting the stored lines that stay."""
    first: dict[tuple[object, int], int | None] = {}
    for line in lines.creates:
        key = (_order_key(line), line.line)
        if key in first:
            problems.append(
                Problem(
                    f"line {line.line} of {line.order.number} is given twice "
                    f"(also on row {first[key]})",
                    row=lines.row(line),
                    column="line",
                )
            )
        first.setdefault(key, lines.row(line))
    placed = [line for line in lines.creates if line.order_id is not None]
    if not placed:
        return
    going = {line.pk for line in removed}
    taken = {
        (order_id, number)
        for pk, order_id, number in kind.line_model._default_manager.filter(
            order_id__in={line.order_id for line in placed}
        ).values_list("pk", "order_id", "line")
        if pk not in going
    }
    for line in placed:
        if (line.order_id, line.line) in taken:
            problems.append(
                Problem(
                    f"{line.order.number} has a line {line.line} already",
                    row=lines.row(line),
                    column="line",
                )
            )


def _with_units(records: Iterable[Any]) -> None:
    """Read the units of the items the records name at once, not one query per item."""
    items = [
        item
        for record in records
        if (item := related(record, "item")) is not None
        and item.uom_id is not None
        and not Item.uom.is_cached(item)
    ]
    models.prefetch_related_objects(items, "uom")


def _quantities(batch: Batch[Any], problems: list[Problem], due: str) -> None:
    """A positive quantity the item's unit can hold, a due date and a price that is not negative."""
    records = [r for r in batch.records() if id(r) not in batch.refused]
    _with_units(records)
    for record in records:
        row = batch.row(record)
        quantity = record.quantity
        item = related(record, "item")
        if not isinstance(quantity, Decimal | int) or quantity <= 0:
            problems.append(
                Problem("Quantity must be greater than zero.", row=row, column="quantity")
            )
        elif item is not None and related(item, "uom") is not None:
            try:
                check_quantity(item, Decimal(quantity))
            except ValidationFailed as exc:
                problems.append(Problem(exc.detail, row=row, column="quantity"))
        if getattr(record, due) is None:
            problems.append(Problem("A due date is required.", row=row, column=due))
        price = getattr(record, "unit_price", None)
        if isinstance(price, Decimal | int) and price < 0:
            problems.append(Problem("The price cannot be negative.", row=row, column="unit_price"))


def _delivered(kind: _Kind, lines: Batch[Any], problems: list[Problem]) -> None:
    """No line is below what was delivered on it; a delivered line keeps its item."""
    stored: dict[int, tuple[int, Decimal]] = {}
    for chunk in chunks([line.pk for line in lines.updates]):
        for pk, item_id, done in kind.line_model._default_manager.filter(pk__in=chunk).values_list(
            "pk", "item_id", kind.delivered
        ):
            stored[pk] = (item_id, done)
    for line in lines.records():
        if id(line) in lines.refused:
            continue
        row = lines.row(line)
        done = getattr(line, kind.delivered)
        item_id, stored_done = stored.get(line.pk, (None, None))
        if stored_done is not None and stored_done > 0 and line.item_id != item_id:
            problems.append(
                Problem(
                    f"line {line.line} has been {kind.verb}: its item cannot change",
                    row=row,
                    column="item",
                )
            )
        if not isinstance(line.quantity, Decimal | int) or not isinstance(done, Decimal | int):
            continue
        if done <= line.quantity:
            continue
        if done == stored_done:
            problems.append(
                Problem(
                    f"line {line.line} already has {fmt(Decimal(done))} {kind.verb}; "
                    "the quantity cannot be lower",
                    row=row,
                    column="quantity",
                )
            )
        else:
            problems.append(
                Problem("more than the ordered quantity", row=row, column=kind.delivered)
            )


def _kept_deliveries(
    kind: _Kind,
    removed: Sequence[Any],
    stored: dict[int, tuple[str, int | None]],
    problems: list[Problem],
) -> None:
    """A line something was delivered on stays: the shipment or receipt points at it.

    What was delivered is read as stored: a delivery may have been booked since the caller
    read the line.
    """
    delivered = kind.line_model._default_manager.filter(**{f"{kind.delivered}__gt": 0})
    for chunk in chunks(sorted(line.pk for line in removed)):
        for order_id, number in delivered.filter(pk__in=chunk).values_list("order_id", "line"):
            order, row = stored.get(order_id, ("", None))
            problems.append(
                Problem(
                    f"line {number} of {order} has been {kind.verb} and cannot be removed",
                    row=row,
                    column="line",
                )
            )


def _model_rules_once(batch: Batch[Any], problems: list[Problem]) -> None:
    """The model's validation, but for cells the orders' own rules have named already.

    A zero quantity breaks the model's minimum too; saying so twice would not help.
    """
    named = {(p.row, p.column) for p in problems}
    found: list[Problem] = []
    model_rules(batch, found)
    problems.extend(p for p in found if (p.row, p.column) not in named)


def _in_row_order(problems: list[Problem]) -> None:
    """The problems read like the input does, row by row (a sort that keeps each row's order)."""
    problems.sort(key=lambda p: -1 if p.row is None else p.row)


def _one_per_date(batch: Batch[Forecast], problems: list[Problem]) -> None:
    """An item has one forecast per date, counting the stored ones the batch does not move."""
    first: dict[tuple[object, object], int | None] = {}
    for forecast in batch.records():
        item = related(forecast, "item")
        if item is None or forecast.date is None:
            continue
        key = (("pk", item.pk) if item.pk is not None else ("obj", id(item)), forecast.date)
        if key in first:
            problems.append(
                Problem(
                    f"duplicate {item.sku} / {forecast.date} (also on row {first[key]})",
                    row=batch.row(forecast),
                    column="date",
                )
            )
        first.setdefault(key, batch.row(forecast))
    placed = [
        f for f in batch.records() if related(f, "item") is not None and f.item.pk is not None
    ]
    if not placed:
        return
    moved = {f.pk for f in batch.updates}
    taken: dict[tuple[int, object], int] = {}
    for chunk in chunks(sorted({f.item.pk for f in placed})):
        for pk, item_id, when in Forecast.objects.filter(item_id__in=chunk).values_list(
            "pk", "item_id", "date"
        ):
            taken[(item_id, when)] = pk
    for forecast in placed:
        there = taken.get((forecast.item.pk, forecast.date))
        if there is not None and there != forecast.pk and there not in moved:
            problems.append(
                Problem(
                    f"{forecast.item.sku} already has a forecast for {forecast.date}",
                    row=batch.row(forecast),
                    column="date",
                )
            )


def forecasts(batch: Batch[Forecast]) -> Load:
    """Forecasts to insert and update: positive, in the item's unit, one per item and date."""
    problems: list[Problem] = []
    _one_per_date(batch, problems)
    _quantities(batch, problems, due="date")
    _model_rules_once(batch, problems)
    _in_row_order(problems)

    def write() -> None:
        Forecast.objects.bulk_create(batch.creates, batch_size=BATCH)
        if batch.updates and batch.fields:
            Forecast.objects.bulk_update(batch.updates, batch.fields, batch_size=BATCH)

    return Load(problems, write)
