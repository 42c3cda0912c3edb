"""The demo plant's moving parts: stock on hand, open sales orders, forecasts, purchase orders.

Dates are spread around `today` on purpose: some sales orders and purchase orders are already
late, some lots expire soon, so the planner's first look at the demo shows real decisions.
"""

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from andon.demo.spec import (
    DemoPlant,
    ForecastSpec,
    ItemSpec,
    OrderLineSpec,
    OrderSpec,
    StockSpec,
)

if TYPE_CHECKING:
    from andon.demo.generator import Context

ZONE_OF_KIND = {
    "raw": "WH-RM",
    "component": "WH-PP",
    "consumable": "WH-PP",
    "part": "WH-WIP",
    "assembly": "WH-WIP",
    "finished": "WH-FG",
}
SHARE_IN_STOCK = {
    "raw": 0.7,
    "component": 0.65,
    "consumable": 0.8,
    "part": 0.3,
    "assembly": 0.25,
    "finished": 0.4,
}


def _amount(rng: random.Random, item: ItemSpec, low: float, high: float) -> Decimal:
    """A stock or order quantity that suits the item's unit (whole pieces, grams by the 100)."""
    if item.uom in {"pcs", "set"}:
        scale = 10 if item.family in {"Bolt", "Nut", "O-ring"} else 1
        return Decimal(rng.randint(int(low), int(high)) * scale)
    if item.uom == "g":
        return Decimal(rng.randint(5, 50) * 100)
    return Decimal(f"{rng.uniform(low * 5, high * 5):.2f}")


def _stock_range(item: ItemSpec) -> tuple[int, int]:
    return {"finished": (1, 12), "assembly": (2, 20), "part": (5, 60)}.get(item.kind, (10, 200))


def build_stock(plant: DemoPlant, ctx: "Context") -> None:
    """Opening balances by zone; lot-tracked items arrive in one to three lots."""
    rng, today = ctx.rng, ctx.today
    bins: dict[str, list[str]] = defaultdict(list)
    for location in plant.locations:
        if location.kind == "bin" and location.parent:
            bins[location.parent].append(location.code)
    line_side = {
        "raw": "LS-MACH",
        "component": "LS-ASSY",
        "consumable": "LS-ASSY",
        "part": "LS-ASSY",
    }
    quarantined = 0
    for item in plant.items:
        if rng.random() >= SHARE_IN_STOCK[item.kind]:
            continue
        home = rng.choice(bins[ZONE_OF_KIND[item.kind]])
        low, high = _stock_range(item)
        places = [home]
        if item.kind in line_side and rng.random() < 0.15:
            places.append(line_side[item.kind])
        if item.procurement == "buy" and quarantined < 3 and rng.random() < 0.1:
            places.append("QA-HOLD")  # a delivery waiting for incoming inspection
            quarantined += 1
        for place in places:
            if not item.lot_tracked:
                plant.stock.append(StockSpec(item.sku, place, None, _amount(rng, item, low, high)))
                continue
            for n in range(rng.randint(1, 3) if place == home else 1):
                received = today - dt.timedelta(days=rng.randint(5, 200))
                expires = None
                if item.shelf_life_days:
                    expires = received + dt.timedelta(days=item.shelf_life_days)
                    expires = max(expires, today + dt.timedelta(days=rng.randint(5, 40)))
                plant.stock.append(
                    StockSpec(
                        item=item.sku,
                        location=place,
                        lot=f"L{received:%y%m%d}-{place[-2:]}{n + 1}",
                        quantity=_amount(rng, item, low, high / 2),
                        lot_expires_on=expires,
                        supplier_lot=f"HT-{rng.randint(100000, 999999)}"
                        if item.procurement == "buy"
                        else "",
                    )
                )


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def build_demand(plant: DemoPlant, ctx: "Context") -> None:
    """Open sales orders due from a week ago (late) to ten weeks ahead; 12 weeks of forecast."""
    rng, today, size = ctx.rng, ctx.today, ctx.size
    finished = [item for item in plant.items if item.kind == "finished"]
    spares = [item for item in plant.items if item.kind in {"assembly", "part"}][:400]
    customers = [customer.code for customer in plant.customers]
    for n in range(size.sales_orders):
        due = today + dt.timedelta(days=rng.randint(-7, 70))
        ordered = min(
            today - dt.timedelta(days=rng.randint(0, 3)),
            due - dt.timedelta(days=rng.randint(10, 45)),
        )
        lines = []
        chosen: set[str] = set()
        for line in range(1, rng.choice((1, 1, 2, 2, 3)) + 1):
            item = rng.choice(spares) if spares and rng.random() < 0.15 else rng.choice(finished)
            if item.sku in chosen:
                continue
            chosen.add(item.sku)
            quantity = Decimal(rng.randint(1, 3) if item.family == "PS" else rng.randint(1, 20))
            shipped = Decimal("0")
            if quantity > 1 and rng.random() < 0.1:
                shipped = Decimal(rng.randint(1, int(quantity) - 1))
            price = item.standard_cost * Decimal(f"{rng.uniform(1.35, 1.8):.2f}")
            lines.append(
                OrderLineSpec(
                    line=line,
                    item=item.sku,
                    quantity=quantity,
                    done_quantity=shipped,
                    due_date=due + dt.timedelta(days=7 * rng.choice((0, 0, 0, 1))),
                    unit_price=price.quantize(Decimal("0.01")),
                )
            )
        customer = rng.choice(customers)
        plant.sales_orders.append(
            OrderSpec(
                number=f"SO-{10001 + n}",
                partner=customer,
                order_date=ordered,
                status="open",
                reference=f"{customer[-3:]}/{rng.randint(1000, 9999)}",
                lines=lines,
            )
        )
    first_week = _monday(today) + dt.timedelta(days=7)
    for item in finished:
        base = rng.uniform(2, 6) if item.family == "PS" else rng.uniform(3, 25)
        for week in range(12):
            weekly = max(1, round(base * rng.uniform(0.7, 1.3)))
            plant.forecasts.append(
                ForecastSpec(
                    item=item.sku,
                    date=first_week + dt.timedelta(days=7 * week),
                    quantity=Decimal(weekly),
                )
            )


def build_supply(plant: DemoPlant, ctx: "Context") -> None:
    """Open purchase orders with the preferred suppliers; some are overdue, some part-received."""
    rng, today = ctx.rng, ctx.today
    items = {item.sku: item for item in plant.items}
    offers: dict[str, list[tuple[str, Decimal, int]]] = defaultdict(list)
    for source in plant.supplier_items:
        if source.preferred:
            offers[source.supplier].append((source.item, source.price, source.lead_time_days))
    suppliers = sorted(offers)
    for n in range(ctx.size.purchase_orders):
        supplier = rng.choice(suppliers)
        catalog = offers[supplier]
        picked = rng.sample(catalog, min(len(catalog), rng.randint(1, 4)))
        due = today + dt.timedelta(days=rng.randint(-10, 45))
        lead = max(lead for _, _, lead in picked)
        ordered = min(today - dt.timedelta(days=rng.randint(0, 5)), due - dt.timedelta(days=lead))
        lines = []
        for line, (sku, price, _) in enumerate(picked, start=1):
            item = items[sku]
            quantity = (
                item.lot_size
                if item.lot_size_rule == "fixed" and item.lot_size
                else (_amount(rng, item, 20, 300))
            )
            received = Decimal("0")
            if due < today and item.uom in {"pcs", "set"} and quantity > 1 and rng.random() < 0.3:
                received = Decimal(rng.randint(1, int(quantity) - 1))
            lines.append(
                OrderLineSpec(
                    line=line,
                    item=sku,
                    quantity=quantity,
                    done_quantity=received,
                    due_date=due,
                    unit_price=price,
                )
            )
        plant.purchase_orders.append(
            OrderSpec(
                number=f"PO-{20001 + n}",
                partner=supplier,
                order_date=ordered,
                status=rng.choice(("sent", "confirmed", "confirmed")),
                reference="",
                lines=lines,
            )
        )
