"""`andon bench mrp` on a database: the whole run against its I/O floor.

The whole run is `planning.services.run_plan`: read every input from the database, plan, write
the orders, pegs and exceptions and publish. The I/O floor is what no run can beat: the same
reads (`inputs.build_problem`) and the same rows bulk-written by the same statements
(`writer.write_rows`, one transaction, committed), with the rows prepared beforehand so that only
database work is timed. The ratio whole / floor says how much planning and per-row work add.

Plants: `--plant current` times the database as it is (for example `andon demo --size large`);
`--plant generated` loads the engine benchmark's synthetic plant of each `--items` size into
the (empty, migrated) database first, replacing the previous one. Loading is not timed.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from andon.catalog.models import BomLine, Item, UnitOfMeasure
from andon.engines import mrp
from andon.inventory import ledger
from andon.inventory.models import StockBalance, StockMove
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)
from andon.partners.models import Customer, Supplier
from andon.planning import services, writer
from andon.planning.inputs import build_problem
from andon.planning.models import CurrentPlan, Pegging, PlanException, PlannedOrder, PlanRun
from andon.plant.models import Location

BATCH = 5000


def _d(value: float | None) -> Any:
    return None if value is None else Decimal(f"{value:.4f}")


def _wipe() -> None:
    """Empty the tables the generated plant fills (benchmark databases only)."""
    for model in (
        CurrentPlan,
        Pegging,
        PlanException,
        PlannedOrder,
        PlanRun,
        PurchaseOrderLine,
        PurchaseOrder,
        SalesOrderLine,
        SalesOrder,
        Forecast,
        StockBalance,
        StockMove,
        BomLine,
    ):
        model.objects.all()._raw_delete(model.objects.db)
    Item.objects.filter(sku__startswith="G").delete()


def load_plant(problem: mrp.MrpProblem) -> None:
    """Write a synthetic plant into the database: items, BOM, stock, demand and open supply."""
    _wipe()
    uom, _ = UnitOfMeasure.objects.get_or_create(
        code="pcs", defaults={"name": "pieces", "dimension": "count", "whole_numbers": False}
    )
    with transaction.atomic():
        Item.objects.bulk_create(
            [
                Item(
                    sku=f"G{i.id}",
                    name=i.id,
                    uom=uom,
                    procurement=i.procurement.value,
                    lead_time_days=i.lead_time_days,
                    lot_size_rule=i.lot_size_rule.value,
                    lot_size=_d(i.lot_size),
                    min_qty=_d(i.min_qty),
                    max_qty=_d(i.max_qty),
                    multiple=_d(i.multiple),
                    order_cost=_d(i.order_cost),
                    holding_rate_percent=_d(i.holding_rate_percent),
                    standard_cost=_d(i.standard_cost),
                    safety_stock=_d(i.safety_stock),
                )
                for i in problem.items
            ],
            batch_size=BATCH,
        )
        pk = dict(Item.objects.filter(sku__startswith="G").values_list("sku", "id"))
        BomLine.objects.bulk_create(
            [
                BomLine(
                    parent_id=pk[f"G{b.parent}"],
                    component_id=pk[f"G{b.component}"],
                    quantity=_d(b.quantity),
                    scrap_percent=_d(b.scrap_percent),
                )
                for b in problem.bom_lines
            ],
            batch_size=BATCH,
        )
        where, _ = Location.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
        # Opening stock through the ledger, as the demo and the import post theirs: every
        # balance the run nets against equals its moves.
        items = (
            Item.objects.filter(sku__startswith="G").select_related("uom").in_bulk(field_name="sku")
        )
        ledger.post_moves(
            None,
            [
                ledger.MoveRequest(
                    items[f"G{i.id}"], where, _d(i.on_hand), StockMove.Kind.OPENING,
                    reason="Benchmark opening balance", reference="BENCH-OPENING",
                )
                for i in problem.items
                if i.on_hand > 0
            ],
        )  # fmt: skip
        customer, _ = Customer.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
        orders = SalesOrder.objects.bulk_create(
            [
                SalesOrder(number=f"B{s.id}", customer=customer, order_date=problem.today)
                for s in problem.sales_demands
            ],
            batch_size=BATCH,
        )
        SalesOrderLine.objects.bulk_create(
            [
                SalesOrderLine(
                    order=o,
                    line=1,
                    item_id=pk[f"G{s.item}"],
                    quantity=_d(s.quantity),
                    due_date=s.due,
                )
                for o, s in zip(orders, problem.sales_demands, strict=True)
            ],
            batch_size=BATCH,
        )
        Forecast.objects.bulk_create(
            [
                Forecast(item_id=pk[f"G{f.item}"], date=f.date, quantity=_d(f.quantity))
                for f in problem.forecasts
            ],
            batch_size=BATCH,
        )
        supplier, _ = Supplier.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
        purchases = PurchaseOrder.objects.bulk_create(
            [
                PurchaseOrder(number=f"B{r.id}", supplier=supplier, order_date=problem.today)
                for r in problem.scheduled_receipts
            ],
            batch_size=BATCH,
        )
        PurchaseOrderLine.objects.bulk_create(
            [
                PurchaseOrderLine(
                    order=p,
                    line=1,
                    item_id=pk[f"G{r.item}"],
                    quantity=_d(r.quantity),
                    due_date=r.due,
                )
                for p, r in zip(purchases, problem.scheduled_receipts, strict=True)
            ],
            batch_size=BATCH,
        )


def measure(today: dt.date, horizon_days: int) -> dict[str, Any]:
    """Time the whole run, then the floor on the same data; figures for one table row."""
    gc.collect()
    started = time.perf_counter()
    run = services.run_plan(today=today, horizon_days=horizon_days)
    whole = time.perf_counter() - started
    if run.status != PlanRun.Status.PUBLISHED:
        raise RuntimeError(f"the run failed: {run.log[-500:]}")
    # The floor: the same reads, then the same rows written by the same statements.
    gc.collect()
    started = time.perf_counter()
    problem, sku_id, sources = build_problem(run.plan_date, run.horizon_end)
    read = time.perf_counter() - started
    result = mrp.plan(problem)
    floor_run = PlanRun.objects.create(
        version=run.version + 1,
        status=PlanRun.Status.FAILED,
        started_at=run.started_at,
        plan_date=run.plan_date,
        horizon_end=run.horizon_end,
        phase="I/O floor",
    )
    rows = writer.Rows(floor_run.pk, result, sku_id, sources)
    gc.collect()
    started = time.perf_counter()
    with transaction.atomic():
        orders, pegs, exceptions = writer.write_rows(rows)
    write = time.perf_counter() - started
    floor_run.delete()
    floor = read + write
    return {
        "database": connection.vendor,
        "items": len(problem.items),
        "planned_orders": orders,
        "pegs": pegs,
        "exceptions": exceptions,
        "run_seconds": round(whole, 2),
        "read_seconds": round(read, 2),
        "write_seconds": round(write, 2),
        "floor_seconds": round(floor, 2),
        "ratio": round(whole / floor, 2),
    }


def database_rows(options: dict[str, Any], progress: bool) -> Iterator[dict[str, Any]]:
    """One row per plant: the database as it is, or each generated size loaded in turn."""
    from benchmarks.mrp import HORIZON_DAYS, synthetic_plant

    if options.get("plant", "current") == "current":
        yield {"plant": "current", **measure(dt.date.today(), HORIZON_DAYS)}
        return
    for size in sorted(int(s) for s in str(options["items"]).split(",") if s.strip()):
        problem = synthetic_plant(size, int(options["seed"]))
        if progress:
            print(f"loading {size:,} generated items ...", flush=True)
        load_plant(problem)
        yield {"plant": f"generated {size:,}", **measure(problem.today, HORIZON_DAYS)}
