"""Planning use cases: run MRP on the database's data and publish the plan atomically.

`run_plan` reads every input with a handful of bulk queries, plans with the pure engine, writes
the new run's rows and switches the `CurrentPlan` pointer in one transaction. Bad input marks the
run failed with a log naming the item; the plan in force stays in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from andon.catalog.models import BomLine, Item
from andon.engines import mrp
from andon.engines.calendar import working_time
from andon.inventory.services import on_hand_by_item
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)
from andon.partners.models import SupplierItem
from andon.planning.models import CurrentPlan, Pegging, PlanException, PlannedOrder, PlanRun
from andon.plant.calendars import working_calendar
from andon.plant.models import Calendar

Progress = Callable[[str], None]
HORIZON_DAYS = 182
OPEN_PURCHASE = (PurchaseOrder.Status.SENT, PurchaseOrder.Status.CONFIRMED)


def _float(value: Decimal | None) -> float:
    return float(value) if value is not None else 0.0


def _quantity(value: float) -> Decimal:
    return Decimal(f"{value:.4f}")


def build_problem(today: dt.date, horizon_end: dt.date, only: Item | None = None) -> mrp.MrpProblem:
    """The engine's input from the database, in a few bulk queries.

    With `only`, just what the time-phased record of that item needs: the item, the BOM lines
    that use it, and its own demand and supply.
    """
    stock = on_hand_by_item(nettable_only=True)
    mine = {"item": only} if only else {}
    sources: dict[int, SupplierItem] = {}
    for preferred in SupplierItem.objects.filter(preferred=True).order_by("id"):
        sources.setdefault(preferred.item_id, preferred)
    items = []
    rows = Item.objects.filter(pk=only.pk) if only else Item.objects.filter(active=True)
    for row in rows.order_by("sku"):
        source: SupplierItem | None = sources.get(row.id)
        min_qty = _float(row.min_qty)
        if source is not None:
            min_qty = max(min_qty, _float(source.min_order_qty))
        items.append(
            mrp.Item(
                row.sku,
                mrp.Procurement(row.procurement),
                lead_time_days=row.lead_time_days,
                lot_size_rule=mrp.LotSizeRule(row.lot_size_rule),
                lot_size=float(row.lot_size) if row.lot_size is not None else None,
                min_qty=min_qty,
                max_qty=float(row.max_qty) if row.max_qty is not None else None,
                multiple=_float(row.multiple),
                order_cost=_float(row.order_cost),
                holding_rate_percent=_float(row.holding_rate_percent),
                standard_cost=_float(row.standard_cost),
                safety_stock=_float(row.safety_stock),
                on_hand=max(_float(stock.get(row.id)), 0.0),
                supplier_lead_time_days=source.lead_time_days if source else None,
            )
        )
    lines = tuple(
        mrp.BomLine(
            b["parent__sku"],
            b["component__sku"],
            float(b["quantity"]),
            scrap_percent=float(b["scrap_percent"]),
            valid_from=b["valid_from"],
            valid_to=b["valid_to"],
        )
        for b in BomLine.objects.filter(
            parent__active=True, **({"component": only} if only else {})
        ).values(
            "parent__sku", "component__sku", "quantity", "scrap_percent", "valid_from", "valid_to"
        )
    )
    sales = tuple(
        mrp.SalesDemand(
            f"{s['order__number']}/{s['line']}",
            s["item__sku"],
            float(s["open_qty"]),
            s["due_date"],
            s["order__customer__code"],
        )
        for s in SalesOrderLine.objects.filter(order__status=SalesOrder.Status.OPEN, **mine)
        .annotate(open_qty=F("quantity") - F("shipped_quantity"))
        .filter(open_qty__gt=0)
        .values(
            "order__number", "line", "item__sku", "open_qty", "due_date", "order__customer__code"
        )
    )
    forecasts = tuple(
        mrp.Forecast(f"F{f['id']}", f["item__sku"], f["date"], float(f["quantity"]))
        for f in Forecast.objects.filter(**mine).values("id", "item__sku", "date", "quantity")
    )
    receipts = tuple(
        mrp.ScheduledReceipt(
            f"{p['order__number']}/{p['line']}", p["item__sku"], float(p["open_qty"]), p["due_date"]
        )
        for p in PurchaseOrderLine.objects.filter(order__status__in=OPEN_PURCHASE, **mine)
        .annotate(open_qty=F("quantity") - F("received_quantity"))
        .filter(open_qty__gt=0)
        .values("order__number", "line", "item__sku", "open_qty", "due_date")
    )
    calendar = planning_calendar(
        today - dt.timedelta(days=730), horizon_end + dt.timedelta(days=31)
    )
    return mrp.MrpProblem(
        today=today,
        horizon_end=horizon_end,
        calendar=calendar,
        items=tuple(items),
        bom_lines=lines,
        sales_demands=sales,
        forecasts=forecasts,
        scheduled_receipts=receipts,
    )


def planning_calendar(first_day: dt.date, last_day: dt.date) -> mrp.PlanningCalendar:
    """The plant's working days: the first calendar by code, or Monday to Friday if none.

    Lead times count these days; a calendar without any shift falls back to weekdays too, so a
    fresh installation plans sensibly.
    """
    stored = Calendar.objects.prefetch_related("shifts").order_by("code").first()
    if stored is not None:
        days = working_time(working_calendar(stored, first_day, last_day), first_day, last_day)
        if days.working_days:
            return mrp.PlanningCalendar.from_working_days(first_day, last_day, days.working_days)
    return mrp.PlanningCalendar.weekdays(first_day, last_day)


def _start_run(user: Any, today: dt.date, horizon_end: dt.date) -> PlanRun:
    with transaction.atomic():
        last = PlanRun.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        return PlanRun.objects.create(
            version=last + 1,
            started_at=timezone.now(),
            user=user if getattr(user, "pk", None) else None,
            plan_date=today,
            horizon_end=horizon_end,
        )


def _fail(run: PlanRun, log: str) -> PlanRun:
    run.status = PlanRun.Status.FAILED
    run.log = log
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "log", "finished_at"])
    return run


def run_plan(
    user: Any = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> PlanRun:
    """Plan, write the run and make it the plan in force; or record why not, changing nothing."""
    say = progress or (lambda _text: None)
    today = today or timezone.localdate()
    horizon_end = today + dt.timedelta(days=horizon_days)
    run = _start_run(user, today, horizon_end)
    say("reading inputs")
    try:
        problem = build_problem(today, horizon_end)
    except ValueError as exc:
        return _fail(run, f"bad input: {exc}")
    say(f"planning {len(problem.items):,} items")
    result = mrp.plan(problem)
    if result.status != mrp.MrpStatus.OK:
        return _fail(run, "\n".join(["planning stopped:", *result.errors, *result.warnings]))
    say(f"writing {len(result.planned_orders):,} planned orders")
    _publish(run, result)
    return run


def _publish(run: PlanRun, result: mrp.MrpResult) -> None:
    """Write the run's rows and switch the pointer: all of it, or nothing."""
    item_pk = dict(Item.objects.values_list("sku", "id"))
    table = result.planned_orders
    with transaction.atomic():
        orders = PlannedOrder.objects.bulk_create(
            [
                PlannedOrder(
                    run=run,
                    number=n,
                    item_id=item_pk[table.item[n]],
                    kind=table.kind[n].value,
                    quantity=_quantity(table.quantity[n]),
                    release_date=table.release[n],
                    due_date=table.due[n],
                    firm=bool(table.firm_ids[n]),
                    firm_reference=table.firm_ids[n],
                    past_due=table.past_due[n],
                )
                for n in range(len(table))
            ],
            batch_size=2000,
        )
        pegs = []
        for n, order in enumerate(orders):
            for peg in result.pegs(n):
                parent = orders[peg.ref] if isinstance(peg.ref, int) else None
                pegs.append(
                    Pegging(
                        order=order,
                        kind=peg.kind.value,
                        reference="" if parent else str(peg.ref),
                        parent=parent,
                        quantity=_quantity(peg.quantity),
                    )
                )
        Pegging.objects.bulk_create(pegs, batch_size=5000)
        PlanException.objects.bulk_create(
            [
                PlanException(
                    run=run,
                    kind=e.kind.value,
                    item_id=item_pk[e.item],
                    reference=e.ref[:60],
                    date=e.date,
                    suggested_date=e.suggested,
                    days_late=e.days_late,
                    message=e.message[:300],
                )
                for e in result.exceptions
            ],
            batch_size=5000,
        )
        now = timezone.now()
        run.status = PlanRun.Status.PUBLISHED
        run.finished_at = now
        run.item_count = len(result.items_processed)
        run.order_count = len(orders)
        run.exception_count = len(result.exceptions)
        run.log = "\n".join(result.warnings)
        run.save()
        CurrentPlan.objects.all().delete()
        CurrentPlan.objects.create(run=run, published_at=now)


def current_run() -> PlanRun | None:
    """The published run in force, if any."""
    pointer = CurrentPlan.objects.select_related("run").first()
    return pointer.run if pointer else None


def item_record(run: PlanRun, item: Item) -> mrp.TimePhasedRecord:
    """The time-phased MRP record of `item` under `run`, from its stored orders and its parents'.

    Built from the item's own inputs and the run's orders for it and its parents, not by
    planning again, so it stays cheap on a 100,000-item plant.
    """
    problem = build_problem(run.plan_date, run.horizon_end, only=item)
    parents = BomLine.objects.filter(component=item).values_list("parent_id", flat=True)
    rows = list(
        PlannedOrder.objects.filter(run=run, item_id__in=[item.pk, *parents])
        .order_by("number")
        .values_list("item__sku", "kind", "quantity", "release_date", "due_date", "firm_reference")
    )
    table = mrp.OrderTable(
        item=tuple(r[0] for r in rows),
        kind=tuple(mrp.Procurement(r[1]) for r in rows),
        quantity=tuple(float(r[2]) for r in rows),
        release=tuple(r[3] for r in rows),
        due=tuple(r[4] for r in rows),
        firm_ids=tuple(r[5] for r in rows),
        past_due=tuple(r[3] < run.plan_date for r in rows),
    )
    stored = mrp.MrpResult(
        status=mrp.MrpStatus.OK,
        errors=(),
        warnings=(),
        planned_orders=table,
        exceptions=(),
        low_level_codes={},
        items_processed=(),
        peg_rows=(),
        demand_refs=(),
    )
    return mrp.item_record(problem, stored, item.sku)
