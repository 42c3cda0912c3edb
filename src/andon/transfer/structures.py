"""Loaders for product structure: bills of materials and routings, which replace per item.

A file that lists an item's BOM or routing states all of it: lines of that item missing from the
file are removed. The catalog's loader checks the lines (a BOM that would close a loop anywhere,
counting the lines already in the database for parents not in the file, is refused with the loop
named) and writes them; here the rows become lines and the file's references are resolved.
"""

from collections import defaultdict

from andon.catalog import loaders as catalog
from andon.catalog.models import BomLine, Operation
from andon.core.loads import Batch
from andon.transfer.formats import FileSpec
from andon.transfer.loading import Context, Counts, Row, upsert

# The catalog names a line's items by field; the file by column.
BOM_COLUMNS = {"parent": "parent_sku", "component": "component_sku"}


def load_bom(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    counts = ctx.counts.setdefault(spec.name, Counts())
    batch: Batch[BomLine] = Batch()
    next_position: dict[str, int] = defaultdict(int)
    for row in rows:
        parent = ctx.resolve(spec, row, "parent_sku")
        component = ctx.resolve(spec, row, "component_sku")
        if parent is None or component is None:
            continue
        values = row.values
        parent_sku = row.raw["parent_sku"]
        if parent_sku != row.raw["component_sku"]:
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
        batch.creates.append(line)
        batch.rows[id(line)] = row.number
        if values["quantity"] is None:
            batch.refused.add(id(line))
    load = ctx.adopt(spec, catalog.bills_of_materials(batch), BOM_COLUMNS)
    counts.deleted = load.removed
    counts.created = len(batch.creates)


def load_routings(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    existing = {
        (op.item.sku, op.sequence): op
        for op in Operation.objects.select_related("item").order_by("pk")
    }
    plan = upsert(spec, rows, ctx, Operation, existing)
    skus = {row.raw["sku"] for row in rows if row.raw.get("sku")}
    in_file = {(row.raw["sku"], row.values["sequence"]) for row in rows}
    removed = [op for key, op in existing.items() if key[0] in skus and key not in in_file]
    load = ctx.adopt(spec, catalog.routings(plan.batch, removed))
    ctx.counts[spec.name].deleted = load.removed
