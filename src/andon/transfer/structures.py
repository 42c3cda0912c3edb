"""Loaders for product structure: bills of materials and routings, which replace per item.

A file that lists an item's BOM or routing states all of it: lines of that item missing from the
file are removed. A BOM that would close a loop anywhere, counting the lines already in the
database for parents not in the file, is refused with the loop named.
"""

from collections import defaultdict
from itertools import pairwise
from typing import Any

from andon.catalog.models import BomLine, Operation
from andon.engines.bom import find_cycle
from andon.transfer.formats import FileSpec
from andon.transfer.loading import Context, Counts, Row, chunks, clean, upsert, write_upsert

BOM_BATCH = 2000


def load_bom(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    counts = ctx.counts.setdefault(spec.name, Counts())
    lines: list[BomLine] = []
    parents: dict[str, Any] = {}
    next_position: dict[str, int] = defaultdict(int)
    edge_rows: dict[tuple[str, str], int] = {}
    for row in rows:
        parent = ctx.resolve(spec, row, "parent_sku")
        component = ctx.resolve(spec, row, "component_sku")
        if parent is None or component is None:
            continue
        parent_sku, component_sku = row.raw["parent_sku"], row.raw["component_sku"]
        if parent_sku == component_sku:
            ctx.problem(
                spec, row.number, "component_sku", "an item cannot be a component of itself"
            )
            continue
        parents[parent_sku] = parent
        edge_rows.setdefault((parent_sku, component_sku), row.number)
        values = row.values
        next_position[parent_sku] += 10
        line = BomLine(
            parent=parent,
            component=component,
            quantity=values["quantity"],
            position=values.get("position") or next_position[parent_sku],
        )
        for attr in ("scrap_percent", "valid_from", "valid_to", "operation_sequence"):
            if values.get(attr) is not None:
                setattr(line, attr, values[attr])
        if values["quantity"] is not None:
            clean(spec, row, line, ctx)
        lines.append(line)
    existing = list(BomLine.objects.values_list("parent__sku", "component__sku"))
    kept = [(p, c) for p, c in existing if p not in parents]
    counts.deleted = len(existing) - len(kept)
    counts.created = len(lines)
    cycle = find_cycle([*kept, *edge_rows])
    if cycle:
        in_file = [e for e in pairwise(cycle) if e in edge_rows]
        row_number = min(edge_rows[e] for e in in_file) if in_file else None
        ctx.problem(spec, row_number, "component_sku", "the BOM has a cycle: " + " -> ".join(cycle))

    def write() -> None:
        ids = [parent.pk for parent in parents.values()]
        for chunk in chunks(ids):
            BomLine.objects.filter(parent_id__in=chunk).delete()
        BomLine.objects.bulk_create(lines, batch_size=BOM_BATCH)

    ctx.plan(spec.name, write)


def load_routings(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    existing = {
        (op.item.sku, op.sequence): op
        for op in Operation.objects.select_related("item").order_by("pk")
    }
    plan = upsert(spec, rows, ctx, Operation, existing)
    skus = {row.raw["sku"] for row in rows if row.raw.get("sku")}
    in_file = {(row.raw["sku"], row.values["sequence"]) for row in rows}
    removed = [op.pk for key, op in existing.items() if key[0] in skus and key not in in_file]
    ctx.counts[spec.name].deleted = len(removed)

    def write() -> None:
        for chunk in chunks(removed):
            Operation.objects.filter(pk__in=chunk).delete()
        write_upsert(Operation, plan)

    ctx.plan(spec.name, write)
