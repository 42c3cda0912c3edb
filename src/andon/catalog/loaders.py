"""Bulk loads of the catalog: units, items, bills of materials and routings.

The import hands whole files over at once (see `andon.core.loads`); each function here checks a
batch by the rules the catalog's services apply to one record (the model's validation, new codes,
a unit's dimension fixed once items use it, a BOM that never loops) and returns the load that
writes it set-based.
"""

from collections.abc import Sequence
from itertools import pairwise

from andon.catalog.models import BomLine, Item, Operation, UnitOfMeasure
from andon.core.errors import Problem
from andon.core.loads import BATCH, Batch, Load, chunks, model_rules, related, upsert
from andon.engines.bom import find_cycle

# BOM lines are narrow: more of them fit one statement.
BOM_BATCH = 2000


def _fixed_dimensions(batch: Batch[UnitOfMeasure], problems: list[Problem]) -> None:
    """A unit items use keeps its dimension: their quantities would otherwise change meaning."""
    if "dimension" not in batch.fields or not batch.updates:
        return
    by_pk = {unit.pk: unit for unit in batch.updates}
    stored = UnitOfMeasure.objects.filter(pk__in=list(by_pk)).values_list("pk", "dimension")
    changed = [pk for pk, dimension in stored if by_pk[pk].dimension != dimension]
    used = set(Item.objects.filter(uom_id__in=changed).values_list("uom_id", flat=True).distinct())
    for pk in changed:
        if pk in used:
            unit = by_pk[pk]
            problems.append(
                Problem(
                    f"unit {unit.code} is used by items; its dimension cannot change",
                    row=batch.row(unit),
                    column="dimension",
                )
            )


def units(batch: Batch[UnitOfMeasure]) -> Load:
    problems: list[Problem] = []
    _fixed_dimensions(batch, problems)
    return upsert(UnitOfMeasure, batch, problems=problems)


def items(batch: Batch[Item]) -> Load:
    return upsert(Item, batch, key="sku")


def _no_cycle(
    batch: Batch[BomLine], lines: list[BomLine], parents: set[str], problems: list[Problem]
) -> int:
    """Refuse a structure that would loop, counting the stored lines of other parents.

    Items are named by SKU, so a line may use items the same load creates. Returns how many
    stored lines the new bills replace.
    """
    stored = list(BomLine.objects.values_list("parent__sku", "component__sku"))
    kept = [(p, c) for p, c in stored if p not in parents]
    edge_rows: dict[tuple[str, str], int | None] = {}
    for line in lines:
        edge_rows.setdefault((line.parent.sku, line.component.sku), batch.row(line))
    cycle = find_cycle([*kept, *edge_rows])
    if cycle:
        rows = [edge_rows[e] for e in pairwise(cycle) if e in edge_rows]
        row = min((r for r in rows if r is not None), default=None)
        problems.append(
            Problem("the BOM has a cycle: " + " -> ".join(cycle), row=row, column="component")
        )
    return len(stored) - len(kept)


def bills_of_materials(batch: Batch[BomLine]) -> Load:
    """New bills for every parent in the batch: its stored lines give way to the batch's.

    A line whose component is its parent, or that closes a loop through any bill, stored or
    new, is refused with the loop named, as a single line added through the services is.
    """
    problems: list[Problem] = []
    lines: list[BomLine] = []
    onto_itself: set[int] = set()
    for line in batch.records():
        if line.parent.sku == line.component.sku:
            onto_itself.add(id(line))
            problems.append(
                Problem(
                    "an item cannot be a component of itself",
                    row=batch.row(line),
                    column="component",
                )
            )
        else:
            lines.append(line)
    parents = {line.parent.sku: line.parent for line in lines}
    removed = _no_cycle(batch, lines, set(parents), problems)
    model_rules(batch, problems, skip=onto_itself)

    def write() -> None:
        for chunk in chunks([parent.pk for parent in parents.values()]):
            BomLine.objects.filter(parent_id__in=chunk).delete()
        BomLine.objects.bulk_create(lines, batch_size=BOM_BATCH)

    return Load(problems, write, removed=removed)


def _free_sequences(
    batch: Batch[Operation], removed: Sequence[Operation], problems: list[Problem]
) -> None:
    """A step number is used once per item, counting the operations that stay."""
    first: dict[tuple[object, int], int | None] = {}
    for operation in batch.creates:
        item = related(operation, "item")
        if item is None:
            continue
        key = (item.pk if item.pk is not None else id(item), operation.sequence)
        if key in first:
            problems.append(
                Problem(
                    f"duplicate {item.sku} / {operation.sequence} (also on row {first[key]})",
                    row=batch.row(operation),
                    column="sequence",
                )
            )
        first.setdefault(key, batch.row(operation))
    placed = [op for op in batch.creates if related(op, "item") is not None]
    stored_items = {op.item.pk for op in placed if op.item.pk is not None}
    if not stored_items:
        return
    going = {op.pk for op in removed}
    taken = {
        (item_id, sequence)
        for pk, item_id, sequence in Operation.objects.filter(item_id__in=stored_items).values_list(
            "pk", "item_id", "sequence"
        )
        if pk not in going
    }
    for operation in placed:
        if (operation.item.pk, operation.sequence) in taken:
            problems.append(
                Problem(
                    f"{operation.item.sku} has a step {operation.sequence} already",
                    row=batch.row(operation),
                    column="sequence",
                )
            )


def routings(batch: Batch[Operation], removed: Sequence[Operation] = ()) -> Load:
    """Operations to insert and update, after removing `removed` (steps a routing no longer has)."""
    problems: list[Problem] = []
    _free_sequences(batch, removed, problems)
    model_rules(batch, problems)
    gone = [op.pk for op in removed]

    def write() -> None:
        for chunk in chunks(gone):
            Operation.objects.filter(pk__in=chunk).delete()
        Operation.objects.bulk_create(batch.creates, batch_size=BATCH)
        if batch.updates and batch.fields:
            Operation.objects.bulk_update(batch.updates, batch.fields, batch_size=BATCH)

    return Load(problems, write, removed=len(gone))
