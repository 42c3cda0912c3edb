"""Loaders for open transactions: stock on hand, sales and purchase orders, forecasts.

Stock is a ledger, so an import never overwrites a balance: it reads each balance under the
ledger's lock and posts the difference as an adjustment move with reason "import" through the
ledger, keeping balance = sum of moves even while the shop floor posts to the same stock.
Orders are upserted by number; an order's rows state all its lines.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from andon.inventory import ledger
from andon.inventory.ledger import MoveRequest
from andon.inventory.models import Lot, StockMove
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)
from andon.transfer.formats import FileSpec
from andon.transfer.loading import (
    BATCH,
    Context,
    Counts,
    Row,
    chunks,
    clean,
    field_default,
    upsert,
    write_upsert,
)

IMPORT_REASON = "import"


def _whole(item: Any, quantity: Decimal) -> bool:
    return not item.uom.whole_numbers or quantity == quantity.to_integral_value()


def load_stock(spec: FileSpec, rows: list[Row], ctx: Context, user: Any) -> None:
    counts = ctx.counts.setdefault(spec.name, Counts())
    lots = {(lot.item.sku, lot.code): lot for lot in Lot.objects.select_related("item")}
    seen: dict[tuple[str, str, str], int] = {}
    new_lots: list[Lot] = []
    targets: list[tuple[Any, Any, str, Decimal]] = []
    for row in rows:
        item = ctx.resolve(spec, row, "sku")
        location = ctx.resolve(spec, row, "location")
        quantity = row.values["quantity"]
        lot_code = row.raw.get("lot", "")
        if item is None or location is None or quantity is None:
            continue
        key = (row.raw["sku"], row.raw["location"], lot_code)
        if key in seen:
            ctx.problem(spec, row.number, "sku", f"duplicate stock line (also on row {seen[key]})")
            continue
        seen[key] = row.number
        if quantity < 0:
            ctx.problem(spec, row.number, "quantity", "the quantity must not be negative")
        elif not _whole(item, quantity):
            ctx.problem(
                spec, row.number, "quantity", f"{item.sku} is counted in whole {item.uom.code}"
            )
        if item.lot_tracked and not lot_code:
            ctx.problem(spec, row.number, "lot", f"{item.sku} is lot-tracked: a lot is required")
        if lot_code and (row.raw["sku"], lot_code) not in lots:
            lot = Lot(item=item, code=lot_code)
            clean(spec, row, lot, ctx)
            lots[(row.raw["sku"], lot_code)] = lot
            new_lots.append(lot)
        targets.append((item, location, lot_code, quantity))

    def write() -> None:
        ledger.register_lots(new_lots)
        wanted = []
        for item, location, lot_code, quantity in targets:
            lot = lots[(item.sku, lot_code)] if lot_code else None
            wanted.append((item, location, lot, quantity))
        # Read under the ledger's locks, so no move lands between the read and the difference.
        books = ledger.lock_balances(
            (item.pk, location.pk, lot.pk if lot else None) for item, location, lot, _ in wanted
        )
        moves = []
        for item, location, lot, quantity in wanted:
            key = (item.pk, location.pk, lot.pk if lot else None)
            difference = quantity - books.on_hand[key]
            if difference == 0:
                counts.unchanged += 1
                continue
            moves.append(
                MoveRequest(
                    item,
                    location,
                    difference,
                    StockMove.Kind.ADJUSTMENT,
                    lot,
                    reason=IMPORT_REASON,
                    reference=IMPORT_REASON,
                )
            )
            if key in books.new:
                counts.created += 1
            else:
                counts.updated += 1
        ledger.post_moves(user, moves, at=timezone.now())

    ctx.plan(spec.name, write)


@dataclass(frozen=True)
class OrderKind:
    """What differs between sales and purchase orders for an import."""

    order_model: type[models.Model]
    line_model: type[models.Model]
    partner: str  # column and field naming the partner
    done: str  # field of delivered quantity on a line
    header: tuple[str, ...]  # order-level columns, equal on every row of an order
    open_statuses: tuple[str, ...]


SALES = OrderKind(
    SalesOrder,
    SalesOrderLine,
    "customer",
    "shipped_quantity",
    ("customer", "order_date", "customer_reference"),
    (SalesOrder.Status.OPEN,),
)
PURCHASE = OrderKind(
    PurchaseOrder,
    PurchaseOrderLine,
    "supplier",
    "received_quantity",
    ("supplier", "order_date", "status"),
    (PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.SENT, PurchaseOrder.Status.CONFIRMED),
)
LINE_FIELDS = ("sku", "quantity", "due_date", "unit_price")


def load_orders(spec: FileSpec, rows: list[Row], ctx: Context, kind: OrderKind) -> None:
    """Group rows by order number; upsert the orders, then replace each order's lines."""
    counts = ctx.counts.setdefault(spec.name, Counts())
    manager: Any = kind.order_model._default_manager
    line_manager: Any = kind.line_model._default_manager
    orders: dict[str, Any] = {o.number: o for o in manager.all()}
    old_lines: dict[tuple[str, int], Any] = {
        (li.order.number, li.line): li for li in line_manager.select_related("order")
    }
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.raw.get("order_number"):
            groups[row.raw["order_number"]].append(row)
    present = [c for c in kind.header if rows and c in rows[0].raw]
    new_orders: list[Any] = []
    changed_orders: list[Any] = []
    new_lines: list[Any] = []
    changed_lines: list[Any] = []
    keep: set[tuple[str, int]] = set()
    for number, group in groups.items():
        first = group[0]
        for row in group[1:]:
            for column in present:
                if row.raw[column] != first.raw[column]:
                    ctx.problem(
                        spec,
                        row.number,
                        column,
                        f"differs from row {first.number} of the same order {number}",
                    )
        order = orders.get(number)
        is_new = order is None
        if order is None:
            order = kind.order_model(number=number, order_date=ctx.today)
            new_orders.append(order)
        elif order.status not in kind.open_statuses:
            ctx.problem(
                spec, first.number, "order_number", f"order {number} is {order.status}, not open"
            )
        before = [getattr(order, f.attname) for f in kind.order_model._meta.concrete_fields]
        partner = ctx.resolve(spec, first, kind.partner)
        if partner is not None:
            setattr(order, kind.partner, partner)
        for column in present:
            if column != kind.partner:
                value = first.values[column]
                if value is None and not is_new:
                    value = field_default(kind.order_model, column)
                if value is not None:
                    setattr(order, column, value)
        clean(spec, first, order, ctx)
        after = [getattr(order, f.attname) for f in kind.order_model._meta.concrete_fields]
        if not is_new and before != after:
            changed_orders.append(order)
        _order_lines(spec, group, ctx, kind, order, old_lines, new_lines, changed_lines, keep)
    removed = [li.pk for key, li in old_lines.items() if key[0] in groups and key not in keep]
    counts.created, counts.updated = len(new_lines), len(changed_lines)
    counts.deleted = len(removed)
    counts.unchanged = len(keep) - len(changed_lines)
    order_fields = [kind.partner, *(c for c in present if c != kind.partner)]
    line_fields = ["item", "quantity", "due_date", "unit_price", kind.done]

    def write() -> None:
        manager.bulk_create(new_orders, batch_size=BATCH)
        if changed_orders:
            manager.bulk_update(changed_orders, order_fields, batch_size=BATCH)
        for chunk in chunks(removed):
            line_manager.filter(pk__in=chunk).delete()
        line_manager.bulk_create(new_lines, batch_size=BATCH)
        if changed_lines:
            line_manager.bulk_update(changed_lines, line_fields, batch_size=BATCH)

    ctx.plan(spec.name, write)


def _order_lines(
    spec: FileSpec,
    group: list[Row],
    ctx: Context,
    kind: OrderKind,
    order: Any,
    old_lines: dict[tuple[str, int], Any],
    new_lines: list[Any],
    changed_lines: list[Any],
    keep: set[tuple[str, int]],
) -> None:
    numbers: dict[int, int] = {}
    for index, row in enumerate(group, start=1):
        number = row.values.get("line") or index
        if number in numbers:
            ctx.problem(
                spec, row.number, "line", f"line {number} is given twice (row {numbers[number]})"
            )
            continue
        numbers[number] = row.number
        key = (order.number, number)
        line: Any = old_lines.get(key)
        item = ctx.resolve(spec, row, "sku")
        if line is None:
            line = kind.line_model(order=order, line=number)
            new_lines.append(line)
            before = None
        else:
            keep.add(key)
            before = _line_state(line, kind)
        if item is not None:
            line.item = item
        for column in ("quantity", "due_date", "unit_price"):
            if column in row.values:
                setattr(line, column, row.values[column])
        if kind.done in row.values:
            done = row.values[kind.done]
            setattr(line, kind.done, done if done is not None else Decimal("0"))
        if line.quantity is not None and getattr(line, kind.done) > line.quantity:
            ctx.problem(spec, row.number, kind.done, "more than the ordered quantity")
        if line.quantity is not None and line.due_date is not None:
            clean(spec, row, line, ctx)
        if before is not None and _line_state(line, kind) != before:
            changed_lines.append(line)


def _line_state(line: Any, kind: OrderKind) -> tuple[Any, ...]:
    return (line.item_id, line.quantity, line.due_date, line.unit_price, getattr(line, kind.done))


def load_forecasts(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    existing = {(f.item.sku, f.date): f for f in Forecast.objects.select_related("item")}
    plan = upsert(spec, rows, ctx, Forecast, existing)
    ctx.plan(spec.name, lambda: write_upsert(Forecast, plan))
