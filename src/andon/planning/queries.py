"""Reading a published plan: pegging trees, the comparison of two runs, filtered order lists.

Read-only and bulk: a tree is fetched one level per query (never one query per node), and a
comparison reads both runs' orders as plain tuples, so both stay fast on a 100,000-item plan.
Trees are capped: a raw material can serve thousands of parents and a page cannot show them all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from andon.planning.models import Pegging, PlanException, PlannedOrder, PlanRun

MAX_NODES = 400


@dataclass
class Node:
    """One line of a pegging tree: a planned order or a demand, and the quantity linking it."""

    label: str
    quantity: Decimal
    kind: str
    order: PlannedOrder | None = None
    children: list[Node] = field(default_factory=list)


def _order_label(order: PlannedOrder) -> str:
    return (
        f"#{order.number} {order.item.sku}: {order.quantity.normalize():f} "
        f"{order.item.uom.code} due {order.due_date:%d %b}"
    )


def pegging_up(order: PlannedOrder) -> Node:
    """What `order` serves, up to the sales orders and forecasts at the top of the structure."""
    root = Node(_order_label(order), order.quantity, "order", order)
    level: dict[int, list[Node]] = {order.pk: [root]}
    count = 1
    while level and count < MAX_NODES:
        pegs = list(
            Pegging.objects.filter(order_id__in=level)
            .select_related("parent__item__uom")
            .order_by("order_id", "id")
        )
        following: dict[int, list[Node]] = defaultdict(list)
        for peg in pegs:
            for node in level[peg.order_id]:
                if peg.parent is not None:
                    child = Node(_order_label(peg.parent), peg.quantity, "order", peg.parent)
                    following[peg.parent.pk].append(child)
                else:
                    label = f"{peg.get_kind_display()} {peg.reference}".strip()
                    child = Node(label, peg.quantity, peg.kind)
                node.children.append(child)
                count += 1
        level = following
    return root


def pegging_down(run: PlanRun, sales_order: str) -> list[Node]:
    """The planned orders serving a sales order's lines, then their components' orders."""
    pegs = list(
        Pegging.objects.filter(
            order__run=run, kind=Pegging.Kind.SALES_ORDER, reference__startswith=f"{sales_order}/"
        )
        .select_related("order__item__uom")
        .order_by("reference", "order__number")
    )
    roots: dict[str, Node] = {}
    level: dict[int, list[Node]] = defaultdict(list)
    for peg in pegs:
        line = roots.setdefault(
            peg.reference, Node(f"Sales order {peg.reference}", Decimal(0), "sales_order")
        )
        node = Node(_order_label(peg.order), peg.quantity, "order", peg.order)
        line.quantity += peg.quantity
        line.children.append(node)
        level[peg.order_id].append(node)
    count = len(pegs)
    while level and count < MAX_NODES:
        children = list(
            Pegging.objects.filter(parent_id__in=level)
            .select_related("order__item__uom")
            .order_by("order__number")
        )
        following: dict[int, list[Node]] = defaultdict(list)
        for peg in children:
            for node in level[peg.parent_id]:  # type: ignore[index]
                child = Node(_order_label(peg.order), peg.quantity, "order", peg.order)
                node.children.append(child)
                following[peg.order_id].append(child)
                count += 1
        level = following
    return list(roots.values())


def flatten(nodes: list[Node], depth: int = 0) -> list[tuple[int, Node]]:
    """(depth, node) in display order, for a template that indents by depth."""
    out: list[tuple[int, Node]] = []
    for node in nodes:
        out.append((depth, node))
        out.extend(flatten(node.children, depth + 1))
    return out


# --- order lists -----------------------------------------------------------------------------


def filter_orders(run: PlanRun | None, params: dict[str, Any]) -> QuerySet[PlannedOrder]:
    """The run's orders narrowed by the list's filters (shared by the page, the API, export).

    `kind` make|buy, `item` (SKU or part of it), `supplier` and `work_center` (codes), `start`
    and `end` (due dates), `exception` (a kind, or `any`), `firm` (1/0), `q` free text.
    """
    orders = PlannedOrder.objects.filter(run=run).select_related(
        "item__uom", "supplier", "work_center"
    )
    orders = _narrowed(orders, params, ORDER_FILTERS)
    if params.get("exception") == "any":
        orders = orders.exclude(exception="")
    elif params.get("exception"):
        orders = orders.filter(exception=params["exception"])
    if params.get("firm") in ("1", "0", True, False):
        orders = orders.filter(firm=params["firm"] in ("1", True))
    if params.get("q"):
        text = params["q"]
        orders = orders.filter(Q(item__sku__icontains=text) | Q(item__name__icontains=text))
    return orders


def filter_exceptions(run: PlanRun | None, params: dict[str, Any]) -> QuerySet[PlanException]:
    """The run's action messages narrowed by kind, item and date."""
    rows = PlanException.objects.filter(run=run).select_related("item")
    rows = _narrowed(rows, params, EXCEPTION_FILTERS)
    if params.get("late") == "1":
        rows = rows.filter(days_late__gt=0)
    return rows


Rows = TypeVar("Rows", bound=QuerySet[Any])

ORDER_FILTERS = {
    "kind": "kind",
    "item": "item__sku__icontains",
    "supplier": "supplier__code",
    "work_center": "work_center__code",
    "start": "due_date__gte",
    "end": "due_date__lte",
}
EXCEPTION_FILTERS = {
    "kind": "kind",
    "item": "item__sku__icontains",
    "start": "date__gte",
    "end": "date__lte",
}


def _narrowed(rows: Rows, params: dict[str, Any], lookups: dict[str, str]) -> Rows:
    """`rows` filtered through the lookup of each parameter given; an empty one narrows nothing."""
    for param, lookup in lookups.items():
        if params.get(param):
            rows = rows.filter(**{lookup: params[param]})
    return rows


# --- comparison ------------------------------------------------------------------------------

OrderRow = tuple[int, str, str, Decimal, dt.date, dt.date, str]
"""(item id, sku, kind, quantity, release, due, firm reference)."""


@dataclass
class Change:
    sku: str
    kind: str
    before: OrderRow | None
    after: OrderRow | None

    @property
    def quantity_delta(self) -> Decimal:
        return (self.after[3] if self.after else Decimal(0)) - (
            self.before[3] if self.before else Decimal(0)
        )

    @property
    def days_delta(self) -> int:
        if self.before and self.after:
            return (self.after[5] - self.before[5]).days
        return 0


@dataclass
class Comparison:
    added: list[Change]
    removed: list[Change]
    changed: list[Change]
    unchanged: int
    new_exceptions: list[tuple[str, str, str, str]]
    resolved_exceptions: list[tuple[str, str, str, str]]


def _rows(run: PlanRun) -> dict[int, list[OrderRow]]:
    by_item: dict[int, list[OrderRow]] = defaultdict(list)
    for row in (
        PlannedOrder.objects.filter(run=run)
        .order_by("item_id", "due_date", "number")
        .values_list(
            "item_id", "item__sku", "kind", "quantity", "release_date", "due_date", "firm_reference"
        )
        .iterator(chunk_size=20_000)
    ):
        by_item[row[0]].append(row)
    return by_item


def compare_runs(before: PlanRun, after: PlanRun) -> Comparison:
    """What changed from `before` to `after`: orders added, removed, changed, and messages.

    Orders have no identity across runs, so they are matched per item: the same firm id first,
    then the same due date, then the rest in due-date order; a matched pair that differs in
    quantity or dates is a change, the unmatched are added or removed.
    """
    old, new = _rows(before), _rows(after)
    added: list[Change] = []
    removed: list[Change] = []
    changed: list[Change] = []
    same = 0
    for item in sorted(set(old) | set(new)):
        a, b = list(old.get(item, ())), list(new.get(item, ()))
        pairs: list[tuple[OrderRow, OrderRow]] = []
        for key in (6, 5):
            index: dict[Any, list[OrderRow]] = defaultdict(list)
            for row in b:
                if key != 6 or row[6]:
                    index[row[key]].append(row)
            rest = []
            for row in a:
                hits = index.get(row[key]) if (key != 6 or row[6]) else None
                if hits:
                    match = hits.pop(0)
                    b.remove(match)
                    pairs.append((row, match))
                else:
                    rest.append(row)
            a = rest
        pairs.extend(zip(a, b, strict=False))
        for x, y in pairs:
            if x[3] == y[3] and x[4] == y[4] and x[5] == y[5]:
                same += 1
            else:
                changed.append(Change(y[1], y[2], x, y))
        removed.extend(Change(x[1], x[2], x, None) for x in a[len(b) :])
        added.extend(Change(y[1], y[2], None, y) for y in b[len(a) :])

    def messages(run: PlanRun) -> set[tuple[str, str, str, str]]:
        return set(
            PlanException.objects.filter(run=run).values_list(
                "kind", "item__sku", "reference", "message"
            )
        )

    was, now = messages(before), messages(after)
    seen = {(k, s, r) for k, s, r, _m in was}
    seen_now = {(k, s, r) for k, s, r, _m in now}
    return Comparison(
        added=added,
        removed=removed,
        changed=changed,
        unchanged=same,
        new_exceptions=sorted(m for m in now if m[:3] not in seen),
        resolved_exceptions=sorted(m for m in was if m[:3] not in seen_now),
    )
