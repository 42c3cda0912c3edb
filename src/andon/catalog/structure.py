"""Reading the product structure: multi-level BOM explosion, where-used and cost roll-up.

A plant's structure can hold 100,000 BOM lines over 10 levels, so the structure under (or above)
an item is loaded in a fixed number of queries, whatever its size: a recursive query finds the
items reachable from the start, one query fetches every line among them, one fetches the items.
The walks themselves are plain Python over plain dataclasses, so they are easy to test by hand.

Quantities are Decimals throughout; scrap inflates a requirement as quantity / (1 - scrap%), and
what a component needs is rolled up from everything above it (scrap included).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models.expressions import RawSQL

from andon.catalog.models import BomLine, Item, Operation
from andon.core.errors import ValidationFailed
from andon.engines.bom import BomCycleError, low_level_codes

HUNDRED = Decimal("100")
SIXTY = Decimal("60")
# Deeper than any real bill; a walk that gets here is going round a loop.
MAX_LEVELS = 100


@dataclass(frozen=True)
class Node:
    """An item as the structure walks need it."""

    id: int
    sku: str
    name: str
    uom: str
    procurement: str
    standard_cost: Decimal

    @property
    def is_make(self) -> bool:
        return self.procurement == Item.Procurement.MAKE


@dataclass(frozen=True)
class Edge:
    """A BOM line: `quantity` of `component_id` per unit of `parent_id`."""

    line_id: int
    parent_id: int
    component_id: int
    position: int
    quantity: Decimal
    scrap_percent: Decimal
    valid_from: date | None = None
    valid_to: date | None = None

    def effective_on(self, on: date | None) -> bool:
        """Whether the line applies on `on` (both ends inclusive); None means every line."""
        if on is None:
            return True
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    @property
    def gross_quantity(self) -> Decimal:
        """Quantity per parent unit with the scrap allowance added."""
        return self.quantity * HUNDRED / (HUNDRED - self.scrap_percent)


@dataclass
class Structure:
    """The items and lines reachable from one item, indexed both ways."""

    items: dict[int, Node]
    edges: list[Edge]
    children: dict[int, list[Edge]] = field(default_factory=dict)
    parents: dict[int, list[Edge]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        children: dict[int, list[Edge]] = defaultdict(list)
        parents: dict[int, list[Edge]] = defaultdict(list)
        for edge in sorted(self.edges, key=lambda e: (e.position, e.line_id)):
            children[edge.parent_id].append(edge)
            parents[edge.component_id].append(edge)
        self.children = dict(children)
        self.parents = dict(parents)


# --- loading ----------------------------------------------------------------------------------


def _reachable(start: int, downward: bool) -> RawSQL:
    """Ids of the items reachable from `start` along BOM lines, as one recursive subquery.

    UNION (not UNION ALL) makes the recursion stop even on a cyclic structure.
    """
    lines, items = BomLine._meta.db_table, Item._meta.db_table
    source, target = ("parent_id", "component_id") if downward else ("component_id", "parent_id")
    # The anchor selects from the item table so its type matches the foreign keys exactly
    # (PostgreSQL refuses a recursive union whose two halves differ in integer width).
    sql = (
        f"WITH RECURSIVE reach(id) AS (SELECT id FROM {items} WHERE id = %s "
        f"UNION SELECT b.{target} FROM {lines} b JOIN reach r ON b.{source} = r.id) "
        "SELECT id FROM reach"
    )
    return RawSQL(sql, [start])


def _nodes(item_ids: RawSQL) -> dict[int, Node]:
    rows = Item.objects.filter(pk__in=item_ids).values_list(
        "pk", "sku", "name", "uom__code", "procurement", "standard_cost"
    )
    return {row[0]: Node(*row) for row in rows}


def _edges(lines: Iterable[tuple[Any, ...]]) -> list[Edge]:
    return [Edge(*row) for row in lines]


_EDGE_COLUMNS = (
    "pk", "parent_id", "component_id", "position", "quantity", "scrap_percent",
    "valid_from", "valid_to",
)  # fmt: skip


def load_down(item: Item | int) -> Structure:
    """The item, everything in its bill at every level, and the lines between them (3 queries)."""
    start = item if isinstance(item, int) else item.pk
    lines = BomLine.objects.filter(parent_id__in=_reachable(start, downward=True))
    edges = _edges(lines.values_list(*_EDGE_COLUMNS))
    return Structure(_nodes(_reachable(start, downward=True)), edges)


def load_up(item: Item | int) -> Structure:
    """The item, every item that uses it at any level, and the lines between them (3 queries)."""
    start = item if isinstance(item, int) else item.pk
    lines = BomLine.objects.filter(component_id__in=_reachable(start, downward=False))
    edges = _edges(lines.values_list(*_EDGE_COLUMNS))
    return Structure(_nodes(_reachable(start, downward=False)), edges)


# --- explosion --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplosionRow:
    """One indented row of a multi-level bill: a component in the context of its path."""

    level: int
    path: str  # line ids from the top, e.g. "12.57": the row's place in the tree
    line_id: int
    item: Node
    quantity_per: Decimal
    scrap_percent: Decimal
    extended_quantity: Decimal  # for the top quantity, scrap of this and every level above
    has_children: bool

    @property
    def parent_path(self) -> str:
        return self.path.rpartition(".")[0]


@dataclass(frozen=True)
class Explosion:
    """The indented bill of one item for a quantity on a date; `truncated` if rows were capped."""

    top: Node
    quantity: Decimal
    on: date | None
    rows: list[ExplosionRow]
    truncated: bool = False

    @property
    def depth(self) -> int:
        return max((row.level for row in self.rows), default=0)


def _check_depth(level: int) -> None:
    if level > MAX_LEVELS:
        raise ValidationFailed(
            f"The structure is more than {MAX_LEVELS} levels deep: it loops.", code="bom_cycle"
        )


def _positive(quantity: Decimal) -> Decimal:
    quantity = Decimal(quantity)
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationFailed(
            f"The quantity must be a positive number, not {quantity}.", code="invalid_quantity"
        )
    return quantity


def explode(
    structure: Structure,
    top_id: int,
    quantity: Decimal = Decimal("1"),
    on: date | None = None,
    max_rows: int | None = None,
) -> Explosion:
    """The indented multi-level bill of `top_id` for `quantity`, depth first in position order.

    A shared sub-assembly appears under every parent that uses it, as on a printed bill.
    `max_rows` caps the listing (a big bill repeated under many parents can run to millions).
    """
    quantity = _positive(quantity)
    rows: list[ExplosionRow] = []
    # Stack of (edge, level, path of the parent row, extended quantity of the parent).
    stack: list[tuple[Edge, int, str, Decimal]] = [
        (edge, 1, "", quantity)
        for edge in reversed(structure.children.get(top_id, []))
        if edge.effective_on(on)
    ]
    truncated = False
    while stack:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        edge, level, parent_path, parent_quantity = stack.pop()
        _check_depth(level)
        extended = parent_quantity * edge.gross_quantity
        path = f"{parent_path}.{edge.line_id}" if parent_path else str(edge.line_id)
        below = [e for e in structure.children.get(edge.component_id, []) if e.effective_on(on)]
        rows.append(
            ExplosionRow(
                level=level,
                path=path,
                line_id=edge.line_id,
                item=structure.items[edge.component_id],
                quantity_per=edge.quantity,
                scrap_percent=edge.scrap_percent,
                extended_quantity=extended,
                has_children=bool(below),
            )
        )
        stack.extend((child, level + 1, path, extended) for child in reversed(below))
    return Explosion(structure.items[top_id], quantity, on, rows, truncated)


def gross_requirements(
    structure: Structure, top_id: int, quantity: Decimal, on: date | None = None
) -> dict[int, Decimal]:
    """Total quantity of every item needed for `quantity` of the top, summed over all paths.

    Items are visited by low-level code, so a shared part is complete before its own components
    are computed: linear in the number of lines however often parts repeat.
    """
    levels, children = _levels(structure, on)
    return _gross(levels, children, top_id, _positive(quantity))


def _gross(
    levels: dict[int, int], children: dict[int, list[Edge]], top_id: int, quantity: Decimal
) -> dict[int, Decimal]:
    required: dict[int, Decimal] = defaultdict(Decimal)
    required[top_id] = quantity
    for item_id in sorted(levels, key=levels.__getitem__):
        need = required.get(item_id)
        if not need:
            continue
        for edge in children.get(item_id, []):
            required[edge.component_id] += need * edge.gross_quantity
    return dict(required)


def _levels(structure: Structure, on: date | None) -> tuple[dict[int, int], dict[int, list[Edge]]]:
    """Low-level codes and children of the lines effective on `on`."""
    effective = [e for e in structure.edges if e.effective_on(on)]
    try:
        pairs = ((e.parent_id, e.component_id) for e in effective)
        levels = low_level_codes(structure.items, pairs)
    except BomCycleError as exc:  # only reachable if a loop was loaded around the services
        raise ValidationFailed(f"The bill of materials loops: {exc}", code="bom_cycle") from None
    children: dict[int, list[Edge]] = defaultdict(list)
    for edge in effective:
        children[edge.parent_id].append(edge)
    return levels, children


# --- where-used -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhereUsedRow:
    """One indented row of a where-used tree: a parent that uses the row below it."""

    level: int
    path: str
    line_id: int
    item: Node  # the parent item
    quantity_per: Decimal  # of the row below, per unit of this parent
    scrap_percent: Decimal
    is_top: bool  # nothing uses this item: it is an end item
    has_parents: bool


def where_used(
    structure: Structure,
    item_id: int,
    on: date | None = None,
    max_level: int | None = None,
    max_rows: int | None = None,
) -> tuple[list[WhereUsedRow], bool]:
    """Every parent of `item_id`, then their parents, up to the top items; and whether capped.

    `max_level=1` gives the single-level where-used list.
    """
    rows: list[WhereUsedRow] = []

    def parents_of(child: int) -> list[Edge]:
        edges = [e for e in structure.parents.get(child, []) if e.effective_on(on)]
        return sorted(edges, key=lambda e: (structure.items[e.parent_id].sku, e.line_id))

    stack = [(edge, 1, "") for edge in reversed(parents_of(item_id))]
    truncated = False
    while stack:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        edge, level, parent_path = stack.pop()
        _check_depth(level)
        path = f"{parent_path}.{edge.line_id}" if parent_path else str(edge.line_id)
        above = parents_of(edge.parent_id)
        rows.append(
            WhereUsedRow(
                level=level,
                path=path,
                line_id=edge.line_id,
                item=structure.items[edge.parent_id],
                quantity_per=edge.quantity,
                scrap_percent=edge.scrap_percent,
                is_top=not above,
                has_parents=bool(above) and (max_level is None or level < max_level),
            )
        )
        if max_level is None or level < max_level:
            stack.extend((parent, level + 1, path) for parent in reversed(above))
    return rows, truncated


def top_items(structure: Structure, item_id: int, on: date | None = None) -> list[Node]:
    """The end items whose bills contain `item_id` at some level (not the item itself)."""
    reached = _ancestors(structure, item_id, on)
    tops = (structure.items[i] for i in reached if not _has_parent(structure, i, on))
    return sorted(tops, key=lambda n: n.sku)


def _has_parent(structure: Structure, item_id: int, on: date | None) -> bool:
    return any(e.effective_on(on) for e in structure.parents.get(item_id, []))


def _ancestors(structure: Structure, item_id: int, on: date | None) -> set[int]:
    seen: set[int] = set()
    todo = [item_id]
    while todo:
        for edge in structure.parents.get(todo.pop(), []):
            if edge.effective_on(on) and edge.parent_id not in seen:
                seen.add(edge.parent_id)
                todo.append(edge.parent_id)
    return seen


# --- cost roll-up -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OperationCost:
    """An operation's cost: setup once per batch, run per unit, at the work center's rate."""

    sequence: int
    name: str
    work_center: str
    cost_rate: Decimal
    setup_minutes: Decimal
    run_minutes_per_unit: Decimal

    def setup_cost(self) -> Decimal:
        return self.setup_minutes / SIXTY * self.cost_rate

    def run_cost_per_unit(self) -> Decimal:
        return self.run_minutes_per_unit / SIXTY * self.cost_rate


@dataclass(frozen=True)
class ComponentCost:
    """A direct component's share of its parent's unit cost."""

    item: Node
    gross_quantity: Decimal
    unit_cost: Decimal

    @property
    def extended_cost(self) -> Decimal:
        return self.gross_quantity * self.unit_cost


@dataclass(frozen=True)
class CostRollup:
    """What one unit of an item costs when `quantity` are made: material, setup and run."""

    item: Node
    quantity: Decimal
    material: Decimal
    setup: Decimal
    run: Decimal
    components: list[ComponentCost]
    operations: list[OperationCost]

    @property
    def conversion(self) -> Decimal:
        return self.setup + self.run

    @property
    def unit_cost(self) -> Decimal:
        return self.material + self.setup + self.run

    @property
    def total_cost(self) -> Decimal:
        return self.unit_cost * self.quantity


def load_operations(item: Item | int) -> dict[int, list[OperationCost]]:
    """Routing costs of the item and everything below it, in one query."""
    start = item if isinstance(item, int) else item.pk
    rows = (
        Operation.objects.filter(item_id__in=_reachable(start, downward=True))
        .order_by("item_id", "sequence")
        .values_list(
            "item_id", "sequence", "name", "work_center__code", "work_center__cost_rate",
            "setup_minutes", "run_minutes_per_unit",
        )
    )  # fmt: skip
    routing: dict[int, list[OperationCost]] = defaultdict(list)
    for item_id, *values in rows:
        routing[item_id].append(OperationCost(*values))
    return dict(routing)


def cost_rollup(
    structure: Structure,
    routings: dict[int, list[OperationCost]],
    top_id: int,
    quantity: Decimal = Decimal("1"),
    on: date | None = None,
) -> CostRollup:
    """Roll up standard costs for `quantity` of `top_id`.

    A bought item (or a made one with neither bill nor routing) costs its standard cost. A made
    item costs its components (with scrap) plus its routing: run time per unit, and setup once per
    batch spread over the quantity this roll-up needs of it (summed over every parent).
    """
    levels, children = _levels(structure, on)
    required = _gross(levels, children, top_id, _positive(quantity))
    unit: dict[int, Decimal] = {}
    parts: dict[int, tuple[Decimal, Decimal, Decimal]] = {}
    for item_id in sorted(levels, key=levels.__getitem__, reverse=True):
        node = structure.items[item_id]
        lines, routing = children.get(item_id, []), routings.get(item_id, [])
        if not node.is_make or not (lines or routing):
            unit[item_id] = node.standard_cost
            parts[item_id] = (node.standard_cost, Decimal(0), Decimal(0))
            continue
        material = sum((e.gross_quantity * unit[e.component_id] for e in lines), Decimal(0))
        batch = required.get(item_id) or Decimal(1)
        setup = sum((op.setup_cost() for op in routing), Decimal(0)) / batch
        run = sum((op.run_cost_per_unit() for op in routing), Decimal(0))
        unit[item_id] = material + setup + run
        parts[item_id] = (material, setup, run)
    material, setup, run = parts[top_id]
    node = structure.items[top_id]
    direct = (
        [
            ComponentCost(structure.items[e.component_id], e.gross_quantity, unit[e.component_id])
            for e in sorted(children.get(top_id, []), key=lambda e: (e.position, e.line_id))
        ]
        if node.is_make
        else []
    )
    return CostRollup(
        item=node,
        quantity=quantity,
        material=material,
        setup=setup,
        run=run,
        components=direct,
        operations=routings.get(top_id, []) if node.is_make else [],
    )


def rolled_up_cost(
    item: Item, quantity: Decimal = Decimal("1"), on: date | None = None
) -> CostRollup:
    """Load what is below `item` and roll its cost up (4 queries, whatever the size)."""
    return cost_rollup(load_down(item), load_operations(item), item.pk, quantity, on)
