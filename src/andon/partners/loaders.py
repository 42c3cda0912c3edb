"""Bulk loads of partners: customers, suppliers and which supplier sells which item.

The import hands whole files over at once (see `andon.core.loads`); each function here checks a
batch by the rules the partners' services apply to one record (the model's validation, new
codes, one source per supplier and item) and returns the load that writes it set-based.
"""

from andon.core.errors import Problem
from andon.core.loads import BATCH, Batch, Load, model_rules, related, upsert
from andon.partners.models import Customer, Supplier, SupplierItem


def customers(batch: Batch[Customer]) -> Load:
    return upsert(Customer, batch)


def suppliers(batch: Batch[Supplier]) -> Load:
    return upsert(Supplier, batch)


def _one_source(batch: Batch[SupplierItem], problems: list[Problem]) -> None:
    """A supplier sells an item once: new sources must not repeat each other or a stored one."""

    def key(source: SupplierItem) -> tuple[object, object]:
        return (_identity(source.supplier), _identity(source.item))

    first: dict[tuple[object, object], int | None] = {}
    placed = [s for s in batch.creates if related(s, "supplier") is not None and related(s, "item")]
    for source in placed:
        if key(source) in first:
            also = first[key(source)]
            problems.append(
                Problem(
                    f"duplicate {source.supplier.code} / {source.item.sku} (also on row {also})",
                    row=batch.row(source),
                    column="item",
                )
            )
        first.setdefault(key(source), batch.row(source))
    stored = [s for s in placed if s.supplier.pk is not None and s.item.pk is not None]
    if not stored:
        return
    taken = set(
        SupplierItem.objects.filter(
            supplier_id__in={s.supplier.pk for s in stored}, item_id__in={s.item.pk for s in stored}
        ).values_list("supplier_id", "item_id")
    )
    for source in stored:
        if (source.supplier.pk, source.item.pk) in taken:
            problems.append(
                Problem(
                    f"{source.supplier.code} already sells {source.item.sku}",
                    row=batch.row(source),
                    column="item",
                )
            )


def _identity(record: object) -> object:
    pk = getattr(record, "pk", None)
    return ("pk", pk) if pk is not None else ("obj", id(record))


def supplier_items(batch: Batch[SupplierItem]) -> Load:
    problems: list[Problem] = []
    _one_source(batch, problems)
    model_rules(batch, problems)

    def write() -> None:
        SupplierItem.objects.bulk_create(batch.creates, batch_size=BATCH)
        if batch.updates and batch.fields:
            SupplierItem.objects.bulk_update(batch.updates, batch.fields, batch_size=BATCH)

    return Load(problems, write)
