"""Catalog use cases: the only code that writes units, items, BOM lines and routing operations.

Each function is one transaction, validated by the model's own rules and audited through
`andon.core.services`. BOM writes also keep the product structure a DAG: MRP plans level by level
and cannot plan a loop, so any line that would close one is refused with the loop spelled out.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, connection, models, transaction

from andon.catalog.models import AlternativeWorkCenter, BomLine, Item, Operation, UnitOfMeasure
from andon.core import services as core
from andon.core.errors import Conflict, Problem, ValidationFailed
from andon.core.records import reference
from andon.engines.bom import children_map, path_between
from andon.plant.models import WorkCenter

UNIT_FIELDS = frozenset({"code", "name", "dimension", "ratio_to_base", "whole_numbers"})
ITEM_FIELDS = frozenset(
    {
        "sku", "name", "description", "category", "uom", "procurement", "lead_time_days",
        "lot_size_rule", "lot_size", "min_qty", "max_qty", "multiple", "order_cost",
        "holding_rate_percent", "safety_stock", "standard_cost", "lot_tracked",
        "allow_negative_stock", "active",
    }
)  # fmt: skip
BOM_LINE_FIELDS = frozenset(
    {"parent", "component", "position", "quantity", "scrap_percent", "valid_from", "valid_to",
     "operation_sequence"}
)  # fmt: skip
OPERATION_FIELDS = frozenset(
    {"item", "sequence", "name", "work_center", "setup_minutes", "run_minutes_per_unit",
     "setup_family", "skill", "skill_level", "crew_size", "certification", "instructions"}
)  # fmt: skip

# Any constant works: it only has to be the same for every process that edits the structure.
_STRUCTURE_LOCK_KEY = 0x414E444F4E424F4D

M = TypeVar("M", bound=models.Model)


def _only(data: Mapping[str, Any], allowed: frozenset[str], what: str) -> dict[str, Any]:
    """Refuse unknown field names instead of silently ignoring a typo."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed(
            f"{what} has no field {', '.join(unknown)}.",
            [Problem(message="Unknown field.", column=name) for name in unknown],
            code="unknown_field",
        )
    return dict(data)


def required_reference(model: type[M], value: Any, column: str) -> M:
    """Like `reference`, for a reference that must be given."""
    found = reference(model, value, column)
    if found is None:
        raise ValidationFailed(
            f"The {column.replace('_', ' ')} is required.",
            [Problem(message="Required.", column=column)],
        )
    return found


def _values(
    model: type[models.Model], data: Mapping[str, Any], allowed: frozenset[str], what: str
) -> dict[str, Any]:
    """Checked field names, with foreign keys given by key resolved to records."""
    values = _only(data, allowed, what)
    for name, value in values.items():
        field = model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            values[name] = reference(field.related_model, value, name)
    return values


def _saved(user: Any, instance: Any, changes: dict[str, Any] | None = None) -> Any:
    """Create or update; a unique key taken by a concurrent writer becomes a Conflict."""
    try:
        with transaction.atomic():
            if changes is None:
                return core.create(user, instance)
            return core.update(user, instance, changes)
    except IntegrityError as exc:
        raise Conflict(f"{instance} clashes with an existing record: {exc}") from None


# --- units of measure -------------------------------------------------------------------------


@transaction.atomic
def create_unit(user: Any, data: Mapping[str, Any]) -> UnitOfMeasure:
    """Add a unit of measure; its code must be new."""
    return _saved(user, UnitOfMeasure(**_values(UnitOfMeasure, data, UNIT_FIELDS, "A unit")))  # type: ignore[no-any-return]


@transaction.atomic
def update_unit(user: Any, unit: UnitOfMeasure, changes: Mapping[str, Any]) -> UnitOfMeasure:
    """Change a unit. Its dimension is fixed once items use it: their quantities would lie."""
    changes = _values(UnitOfMeasure, changes, UNIT_FIELDS, "A unit")
    if "dimension" in changes and changes["dimension"] != unit.dimension and unit.item_set.exists():
        raise Conflict(
            f"Unit {unit.code} is used by items; its dimension cannot change.", code="in_use"
        )
    return _saved(user, unit, changes)  # type: ignore[no-any-return]


@transaction.atomic
def delete_unit(user: Any, unit: UnitOfMeasure) -> None:
    """Remove a unit no item uses."""
    core.delete(user, unit)


def convert(quantity: Decimal, from_uom: UnitOfMeasure, to_uom: UnitOfMeasure) -> Decimal:
    """`quantity` in `from_uom` expressed in `to_uom`, only inside one dimension (kg -> g).

    A count never becomes a mass: converting pieces to kilograms needs an item's weight, which
    is item data, not unit data, so it is refused here with a clear error.
    """
    if from_uom.dimension != to_uom.dimension:
        raise ValidationFailed(
            f"Cannot convert {from_uom.code} ({from_uom.get_dimension_display().lower()}) to "
            f"{to_uom.code} ({to_uom.get_dimension_display().lower()}): "
            "units of different dimensions do not convert.",
            code="uom_dimension_mismatch",
        )
    if from_uom.pk == to_uom.pk:
        return Decimal(quantity)
    return Decimal(quantity) * from_uom.ratio_to_base / to_uom.ratio_to_base


# --- items ------------------------------------------------------------------------------------


@transaction.atomic
def create_item(user: Any, data: Mapping[str, Any]) -> Item:
    """Add an item; the SKU must be new and the lot-size rule must have its parameters."""
    return _saved(user, Item(**_values(Item, data, ITEM_FIELDS, "An item")))  # type: ignore[no-any-return]


@transaction.atomic
def update_item(user: Any, item: Item, changes: Mapping[str, Any]) -> Item:
    """Change an item's fields; the whole record is validated again."""
    return _saved(user, item, _values(Item, changes, ITEM_FIELDS, "An item"))  # type: ignore[no-any-return]


@transaction.atomic
def delete_item(user: Any, item: Item) -> None:
    """Delete an item no other record uses; its own BOM lines and routing go with it."""
    core.delete(user, item)


# --- bills of materials -----------------------------------------------------------------------


def _lock_structure() -> None:
    """Serialize structure edits, so two concurrent lines cannot each close half of a loop.

    SQLite runs write transactions one at a time already (IMMEDIATE mode); PostgreSQL needs a
    transaction-scoped advisory lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_STRUCTURE_LOCK_KEY])


def loop_through(parent_id: int, component_id: int, ignore_line: int | None = None) -> list[int]:
    """The loop that a line parent <- component would close, as item ids, or [].

    The whole structure is one query (two integers a line); the search itself is the engine's.
    """
    if parent_id == component_id:
        return [parent_id, parent_id]
    lines = BomLine.objects.all()
    if ignore_line is not None:
        lines = lines.exclude(pk=ignore_line)
    edges = lines.values_list("parent_id", "component_id")
    path = path_between(children_map(edges), component_id, parent_id)
    return [parent_id, *path] if path else []


def _refuse_cycle(parent_id: int, component_id: int, ignore_line: int | None = None) -> None:
    loop = loop_through(parent_id, component_id, ignore_line=ignore_line)
    if not loop:
        return
    skus = dict(Item.objects.filter(pk__in=set(loop)).values_list("pk", "sku"))
    named = " → ".join(skus[pk] for pk in loop)
    if len(loop) == 2:
        detail = f"An item cannot be a component of itself: {named}."
    else:
        detail = f"This line would make the bill of materials loop: {named}."
    raise ValidationFailed(detail, [Problem(message=detail, column="component")], code="bom_cycle")


@transaction.atomic
def add_bom_line(
    user: Any,
    *,
    parent: Item,
    component: Item,
    quantity: Decimal,
    scrap_percent: Decimal = Decimal("0"),
    position: int | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    operation_sequence: int | None = None,
) -> BomLine:
    """Add `quantity` of `component` per unit of `parent`, unless it would close a loop."""
    _lock_structure()
    if position is None:
        last = parent.bom_lines.order_by("-position").values_list("position", flat=True).first()
        position = (last or 0) + 10
    line = BomLine(
        parent=parent,
        component=component,
        quantity=quantity,
        scrap_percent=scrap_percent,
        position=position,
        valid_from=valid_from,
        valid_to=valid_to,
        operation_sequence=operation_sequence,
    )
    _refuse_cycle(parent.pk, component.pk)
    return core.create(user, line)


@transaction.atomic
def update_bom_line(user: Any, line: BomLine, changes: Mapping[str, Any]) -> BomLine:
    """Change a line; moving it to another parent or component is checked for loops too."""
    changes = _values(BomLine, changes, BOM_LINE_FIELDS, "A BOM line")
    _lock_structure()
    parent = changes.get("parent", line.parent)
    component = changes.get("component", line.component)
    if parent is None or component is None:
        raise ValidationFailed(
            "A BOM line needs a parent and a component.",
            [Problem(message="Required.", column="parent" if parent is None else "component")],
        )
    _refuse_cycle(parent.pk, component.pk, ignore_line=line.pk)
    return core.update(user, line, changes)


@transaction.atomic
def remove_bom_line(user: Any, line: BomLine) -> None:
    """Remove a line from its parent's bill."""
    core.delete(user, line)


# --- routings ---------------------------------------------------------------------------------


@transaction.atomic
def create_operation(user: Any, data: Mapping[str, Any]) -> Operation:
    """Add an operation to an item's routing; its sequence number must be free on that item."""
    return _saved(user, Operation(**_values(Operation, data, OPERATION_FIELDS, "An operation")))  # type: ignore[no-any-return]


@transaction.atomic
def update_operation(user: Any, operation: Operation, changes: Mapping[str, Any]) -> Operation:
    """Change an operation; a new sequence number must also be free."""
    changes = _values(Operation, changes, OPERATION_FIELDS, "An operation")
    return _saved(user, operation, changes)  # type: ignore[no-any-return]


@transaction.atomic
def delete_operation(user: Any, operation: Operation) -> None:
    """Remove an operation and its alternative work centers."""
    core.delete(user, operation)


@transaction.atomic
def add_alternative(
    user: Any,
    operation: Operation,
    work_center: WorkCenter,
    run_minutes_per_unit: Decimal | None = None,
) -> AlternativeWorkCenter:
    """Let another work center run `operation`, at its own speed when given."""
    if work_center.pk == operation.work_center_id:
        raise ValidationFailed(
            f"{work_center.code} is already the primary work center of this operation.",
            [Problem(message="Same as the primary work center.", column="work_center")],
        )
    alternative = AlternativeWorkCenter(
        operation=operation, work_center=work_center, run_minutes_per_unit=run_minutes_per_unit
    )
    return _saved(user, alternative)  # type: ignore[no-any-return]


@transaction.atomic
def remove_alternative(user: Any, alternative: AlternativeWorkCenter) -> None:
    """Stop offering a work center as an alternative."""
    core.delete(user, alternative)
