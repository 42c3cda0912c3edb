"""Write a run's planned orders, pegs and exceptions in bulk, and publish it: all or nothing.

A 100,000-item plan is half a million orders and one and a half million pegs. Building a model
instance per row would cost more than planning, so rows go to the database as plain tuples: COPY
on PostgreSQL, `executemany` on SQLite, in one transaction with the pointer switch. The orders'
ids are read back with one query (by run and number) to link the pegs, instead of asking the
database to return each id.

`write_rows` is also the benchmark's I/O floor: the same rows through the same statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from andon.engines import mrp
from andon.planning.inputs import Sources
from andon.planning.models import CurrentPlan, Pegging, PlanException, PlannedOrder, PlanRun

Row = tuple[Any, ...]
CHUNK = 20_000
"""Rows per statement on SQLite: large enough to amortise the call, small enough to report."""

ORDER_COLUMNS = (
    "run",
    "number",
    "item",
    "kind",
    "quantity",
    "release_date",
    "due_date",
    "firm",
    "firm_reference",
    "past_due",
    "supplier",
    "work_center",
    "exception",
    "converted_ref",
)
PEG_COLUMNS = ("order", "kind", "reference", "parent", "quantity")
EXCEPTION_COLUMNS = (
    "run",
    "kind",
    "item",
    "reference",
    "date",
    "suggested_date",
    "days_late",
    "message",
)


def _q(value: float) -> str:
    return f"{value:.4f}"


def _insert(model: type[Model], names: Sequence[str], rows: Iterable[Row]) -> int:
    """Insert plain rows into `model`'s table; COPY on PostgreSQL. Returns the row count."""
    meta = model._meta
    columns = [str(meta.get_field(n).column) for n in names]  # type: ignore[union-attr]
    table = connection.ops.quote_name(meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
        chunk: list[Row] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


class Rows:
    """The plan as plain rows, ready for `write_rows`; pegs wait for the orders' ids."""

    def __init__(
        self, run_id: int, result: mrp.MrpResult, sku_id: dict[str, int], sources: Sources
    ) -> None:
        self.run_id = run_id
        self.result = result
        table = result.planned_orders
        flagged = {e.ref: e.kind.value for e in result.exceptions}
        supplier, center = sources.supplier, sources.work_center
        buy = mrp.Procurement.BUY
        iso: dict[dt.date, str] = {}

        def day(d: dt.date) -> str:
            text = iso.get(d)
            if text is None:
                text = iso[d] = d.isoformat()
            return text

        orders: list[Row] = []
        for n in range(len(table)):
            item = sku_id[table.item[n]]
            firm_id = table.firm_ids[n]
            kind = table.kind[n]
            source = supplier.get(item) if kind == buy else None
            orders.append(
                (
                    run_id,
                    n,
                    item,
                    kind.value,
                    _q(table.quantity[n]),
                    day(table.release[n]),
                    day(table.due[n]),
                    bool(firm_id),
                    firm_id,
                    table.past_due[n],
                    source[0] if source else None,
                    None if kind == buy else center.get(item),
                    flagged.get(firm_id or str(n), ""),
                    "",
                )
            )
        self.orders = orders
        self.exceptions: list[Row] = [
            (
                run_id,
                e.kind.value,
                sku_id[e.item],
                e.ref[:60],
                day(e.date),
                day(e.suggested) if e.suggested else None,
                e.days_late,
                e.message[:300],
            )
            for e in result.exceptions
        ]

    def pegs(self, ids: list[int]) -> Iterable[Row]:
        """Each order's pegs, with `ids[n]` the database id of order n."""
        rows, refs = self.result.peg_rows, self.result.demand_refs
        parent_kind = mrp.PegKind.PARENT_ORDER.value
        for n, pegs in enumerate(rows):
            oid = ids[n]
            for source, quantity in pegs:
                if source >= 0:
                    yield (oid, parent_kind, "", ids[source], _q(quantity))
                else:
                    kind, ref = refs[-1 - source]
                    yield (oid, kind.value, ref, None, _q(quantity))


Tick = Callable[[str], None]


def write_rows(rows: Rows, tick: Tick | None = None) -> tuple[int, int, int]:
    """Insert the orders, read back their ids, insert the pegs and exceptions. Call in a
    transaction. Returns (orders, pegs, exceptions) written."""
    say = tick or (lambda _t: None)
    orders = _insert(PlannedOrder, ORDER_COLUMNS, rows.orders)
    say(f"{orders:,} planned orders written")
    ids = list(
        PlannedOrder.objects.filter(run_id=rows.run_id)
        .order_by("number")
        .values_list("id", flat=True)
    )
    pegs = _insert(Pegging, PEG_COLUMNS, rows.pegs(ids))
    say(f"{pegs:,} pegs written")
    exceptions = _insert(PlanException, EXCEPTION_COLUMNS, rows.exceptions)
    say(f"{exceptions:,} exceptions written")
    return orders, pegs, exceptions


def publish(run: PlanRun, rows: Rows, tick: Tick | None = None) -> PlanRun:
    """Write the run's rows and switch the pointer in one transaction.

    Anything raised on the way (a killed connection, a full disk) rolls all of it back: the new
    run's rows are never visible and the plan in force stays in force.
    """
    with transaction.atomic():
        orders, _pegs, exceptions = write_rows(rows, tick)
        now = timezone.now()
        run.status = PlanRun.Status.PUBLISHED
        run.finished_at = now
        run.item_count = len(rows.result.items_processed)
        run.order_count = orders
        run.exception_count = exceptions
        run.percent = 100
        run.phase = "published"
        run.save()
        CurrentPlan.objects.all().delete()
        CurrentPlan.objects.create(run=run, published_at=now)
    return run
