"""Lot tracing: what went into a lot (backward) and where a lot went (forward, to customers).

Genealogy is stored as `LotLink` rows written with each consumption, not re-derived from stock
moves: a move only knows its order by a free-text reference, a link knows both lots. A trace runs
in a fixed number of queries whatever its depth: one recursive query finds every lot reachable
from the start and returns the links among them; forward traces add one query for the shipments
of the reached lots and one for their customers. The tree is then built in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.db.models.expressions import RawSQL

from andon.core.errors import ValidationFailed
from andon.inventory.models import Lot, StockMove
from andon.orders.models import SalesOrder
from andon.production.models import LotLink

Direction = Literal["backward", "forward"]
ZERO = Decimal("0")
MAX_ROWS = 5000  # a tree printed past this is unreadable; the trace says it was cut


@dataclass
class TraceNode:
    """A lot in the tree; `quantity` is how much of it went into (or came from) its parent row."""

    lot_id: int | None
    lot: str
    item: str
    item_name: str
    quantity: Decimal | None = None
    work_order: str = ""
    children: list["TraceNode"] = field(default_factory=list)


@dataclass(frozen=True)
class Shipment:
    lot: str
    item: str
    quantity: Decimal
    reference: str
    sales_order: str
    customer: str
    at: datetime


@dataclass
class Trace:
    direction: Direction
    root: TraceNode
    lots: int
    shipments: list[Shipment]
    truncated: bool = False

    @property
    def customers(self) -> list[str]:
        return sorted({s.customer for s in self.shipments if s.customer})


def _reachable(start: int, direction: Direction) -> RawSQL:
    """Ids of the lots reachable from `start` through links, as one recursive subquery."""
    links, lots = LotLink._meta.db_table, Lot._meta.db_table
    source, target = (
        ("parent_lot_id", "component_lot_id")
        if direction == "backward"
        else ("component_lot_id", "parent_lot_id")
    )
    sql = (
        f"WITH RECURSIVE reach(id) AS (SELECT id FROM {lots} WHERE id = %s "
        f"UNION SELECT l.{target} FROM {links} l JOIN reach r ON l.{source} = r.id "
        f"WHERE l.{target} IS NOT NULL) SELECT id FROM reach"
    )
    return RawSQL(sql, [start])


def trace(lot: Lot, direction: str = "backward", *, max_rows: int = MAX_ROWS) -> Trace:
    """Trace a lot through every level of production, in a constant number of queries."""
    if direction not in ("backward", "forward"):
        raise ValidationFailed("direction is backward or forward.", code="invalid_direction")
    way: Direction = "backward" if direction == "backward" else "forward"
    reach = _reachable(lot.pk, way)
    links = LotLink.objects.select_related(
        "work_order", "parent_lot__item", "component_lot__item", "work_order__item"
    )
    links = (
        links.filter(parent_lot_id__in=reach)
        if way == "backward"
        else links.filter(component_lot_id__in=reach)
    )
    totals: dict[tuple[int | None, int, int], Decimal] = defaultdict(Decimal)
    sample: dict[tuple[int | None, int, int], LotLink] = {}
    for link in links:
        key = (link.parent_lot_id, link.component_lot_id, link.work_order_id)
        totals[key] += link.quantity
        sample.setdefault(key, link)
    below: dict[int, list[tuple[LotLink, Decimal]]] = defaultdict(list)
    reached = {lot.pk}
    for key, total in totals.items():
        if total <= 0:
            continue
        link = sample[key]
        origin = link.parent_lot_id if way == "backward" else link.component_lot_id
        if origin is not None:
            below[origin].append((link, total))
        reached.update(k for k in key[:2] if k is not None)
    root = TraceNode(lot.pk, lot.code, lot.item.sku, lot.item.name)
    truncated = _grow(root, below, way, max_rows)
    shipments = _shipments(reached) if way == "forward" else []
    return Trace(way, root, len(reached), shipments, truncated)


def _node(link: LotLink, total: Decimal, way: Direction) -> TraceNode:
    if way == "backward":
        comp = link.component_lot
        return TraceNode(
            comp.pk, comp.code, comp.item.sku, comp.item.name, total, link.work_order.number
        )
    parent = link.parent_lot
    order = link.work_order
    if parent is None:  # output not lot-tracked: the order is the end of the trail
        return TraceNode(None, "—", order.item.sku, order.item.name, total, order.number)
    return TraceNode(parent.pk, parent.code, parent.item.sku, parent.item.name, total, order.number)


def _grow(
    root: TraceNode, below: dict[int, list[tuple[LotLink, Decimal]]], way: Direction, cap: int
) -> bool:
    """Attach children depth first; a lot already on the current path is not entered again."""
    rows = 0
    stack: list[tuple[TraceNode, frozenset[int]]] = [(root, frozenset({root.lot_id or 0}))]
    while stack:
        node, path = stack.pop()
        for link, total in sorted(below.get(node.lot_id or -1, []), key=lambda p: p[0].pk):
            child = _node(link, total, way)
            if child.lot_id is not None and child.lot_id in path:
                continue
            rows += 1
            if rows > cap:
                return True
            node.children.append(child)
            if child.lot_id is not None:
                stack.append((child, path | {child.lot_id}))
    return False


def _shipments(lot_ids: set[int]) -> list[Shipment]:
    moves = list(
        StockMove.objects.filter(kind=StockMove.Kind.SHIPMENT, lot_id__in=lot_ids)
        .select_related("lot", "item")
        .order_by("at", "id")
    )
    numbers = {m.reference.rpartition("/")[0] or m.reference for m in moves}
    customers = dict(
        SalesOrder.objects.filter(number__in=numbers).values_list("number", "customer__name")
    )
    result = []
    for move in moves:
        number = move.reference.rpartition("/")[0] or move.reference
        result.append(
            Shipment(
                lot=move.lot.code if move.lot else "",
                item=move.item.sku,
                quantity=-move.quantity,
                reference=move.reference,
                sales_order=number if number in customers else "",
                customer=customers.get(number, ""),
                at=move.at,
            )
        )
    return result


def flatten(node: TraceNode, level: int = 0) -> list[tuple[int, TraceNode]]:
    """The tree as indented rows for a page."""
    rows = [(level, node)]
    for child in node.children:
        rows.extend(flatten(child, level + 1))
    return rows
