"""Loaders for open transactions: stock on hand, sales and purchase orders, forecasts.

Stock is a ledger, so an import never overwrites a balance: it reads each balance under the
ledger's lock and posts the difference as an adjustment move with reason "import" through the
ledger, keeping balance = sum of moves even while the shop floor posts to the same stock.
Orders are upserted by number; an order's rows state all its lines. The orders' loader
(`andon.orders.loaders`) checks orders, lines and forecasts by the orders' rules and writes them.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from andon.core.loads import Batch, Load, related
from andon.inventory import ledger
from andon.inventory.ledger import MoveRequest
from andon.inventory.models import Lot, StockMove
from andon.orders import loaders as orders
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)
from andon.transfer.formats import FileSpec
from andon.transfer.loading import Context, Counts, Row, clean, field_default, upsert

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
    loader: Callable[..., Load]  # the orders' loader that checks and writes them


SALES = OrderKind(
    SalesOrder,
    SalesOrderLine,
    "customer",
    "shipped_quantity",
    ("customer", "order_date", "customer_reference"),
    orders.sales_orders,
)
PURCHASE = OrderKind(
    PurchaseOrder,
    PurchaseOrderLine,
    "supplier",
    "received_quantity",
    ("supplier", "order_date", "status"),
    orders.purchase_orders,
)
LINE_FIELDS = ("sku", "quantity", "due_date", "unit_price")
# The orders' loader names fields; the file names columns.
ORDER_COLUMNS = {"number": "order_number", "item": "sku"}


def load_orders(spec: FileSpec, rows: list[Row], ctx: Context, kind: OrderKind) -> None:
    """Group rows by order number into orders and their lines, for the orders' loader.

    An order's rows state all its lines: its stored lines the file does not list are removed.
    """
    counts = ctx.counts.setdefault(spec.name, Counts())
    manager: Any = kind.order_model._default_manager
    line_manager: Any = kind.line_model._default_manager
    stored: dict[str, Any] = {o.number: o for o in manager.all()}
    old_lines: dict[tuple[str, int], Any] = {
        (li.order.number, li.line): li for li in line_manager.select_related("order")
    }
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.raw.get("order_number"):
            groups[row.raw["order_number"]].append(row)
    present = [c for c in kind.header if rows and c in rows[0].raw]
    orders_batch: Batch[Any] = Batch(
        fields=[kind.partner, *(c for c in present if c != kind.partner)]
    )
    lines: Batch[Any] = Batch(fields=["item", "quantity", "due_date", "unit_price", kind.done])
    stated: list[Any] = []
    keep: set[tuple[str, int]] = set()
    for number, group in groups.items():
        first = group[0]
        _same_header(spec, group, ctx, present, number)
        order = stored.get(number)
        is_new = order is None
        if order is None:
            order = kind.order_model(number=number, order_date=ctx.today)
            orders_batch.creates.append(order)
        orders_batch.rows[id(order)] = first.number
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
        after = [getattr(order, f.attname) for f in kind.order_model._meta.concrete_fields]
        if not is_new:
            (orders_batch.updates if before != after else stated).append(order)
        _order_lines(spec, group, ctx, kind, order, old_lines, lines, keep)
    removed = [li for key, li in old_lines.items() if key[0] in groups and key not in keep]
    counts.created, counts.updated = len(lines.creates), len(lines.updates)
    counts.deleted = len(removed)
    counts.unchanged = len(keep) - len(lines.updates)
    ctx.adopt(spec, kind.loader(orders_batch, lines, removed, stated), ORDER_COLUMNS)


def _same_header(
    spec: FileSpec, group: list[Row], ctx: Context, present: list[str], number: str
) -> None:
    """The order's columns are said once per row; they must say the same on every row."""
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


def _order_lines(
    spec: FileSpec,
    group: list[Row],
    ctx: Context,
    kind: OrderKind,
    order: Any,
    old_lines: dict[tuple[str, int], Any],
    lines: Batch[Any],
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
            lines.creates.append(line)
            before = None
        else:
            keep.add(key)
            before = _line_state(line, kind)
        lines.rows[id(line)] = row.number
        if item is not None:
            line.item = item
        for column in ("quantity", "due_date", "unit_price"):
            if column in row.values:
                setattr(line, column, row.values[column])
        if kind.done in row.values:
            done = row.values[kind.done]
            setattr(line, kind.done, done if done is not None else Decimal("0"))
        if item is None or line.quantity is None or line.due_date is None:
            # A cell that did not parse or resolve is reported already.
            lines.refused.add(id(line))
        if before is not None and _line_state(line, kind) != before:
            lines.updates.append(line)


def _line_state(line: Any, kind: OrderKind) -> tuple[Any, ...]:
    return (line.item_id, line.quantity, line.due_date, line.unit_price, getattr(line, kind.done))


def load_forecasts(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    existing = {(f.item.sku, f.date): f for f in Forecast.objects.select_related("item")}
    plan = upsert(spec, rows, ctx, Forecast, existing)
    for row, forecast in plan.rows:
        if related(forecast, "item") is None or row.values.get("quantity") is None:
            # An unknown SKU or a quantity that did not parse is reported already.
            plan.batch.refused.add(id(forecast))
    ctx.adopt(spec, orders.forecasts(plan.batch))
