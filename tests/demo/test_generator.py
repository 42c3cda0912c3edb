"""The generator alone, without a database: deterministic, valid, and the promised sizes."""

import datetime as dt
from collections import Counter

import pytest

from andon.demo.generator import check, easter, generate, holidays
from andon.engines.bom import find_cycle, low_level_codes


def test_same_seed_gives_the_same_plant(small_plant, today):
    again = generate("small", seed=1, today=today)
    assert again == small_plant


def test_another_seed_gives_another_plant(small_plant, today):
    other = generate("small", seed=2, today=today)
    assert [(b.parent, b.component) for b in other.bom_lines] != [
        (b.parent, b.component) for b in small_plant.bom_lines
    ]
    assert [i.name for i in other.items] != [i.name for i in small_plant.items]
    assert [(o.partner, o.lines[0].item) for o in other.sales_orders] != [
        (o.partner, o.lines[0].item) for o in small_plant.sales_orders
    ]


def test_dates_follow_today(small_plant, today):
    later = generate("small", seed=1, today=today + dt.timedelta(days=7))
    first_due = [line.due_date for order in small_plant.sales_orders for line in order.lines]
    moved_due = [line.due_date for order in later.sales_orders for line in order.lines]
    assert moved_due == [day + dt.timedelta(days=7) for day in first_due]


def test_small_plant_has_the_promised_size(small_plant):
    counts = small_plant.counts()
    assert 130 <= counts["items"] <= 170
    assert counts["work_centers"] == 12
    assert 35 <= counts["workers"] <= 45
    assert counts["customers"] == 15
    assert counts["suppliers"] == 10
    assert 50 <= counts["sales_orders"] <= 70
    assert all(1 <= len(order.lines) <= 3 for order in small_plant.sales_orders)
    finished = [item for item in small_plant.items if item.kind == "finished"]
    assert counts["forecasts"] == 12 * len(finished)
    assert counts["purchase_orders"] > 0
    assert counts["stock_balances"] > 0


def test_bom_has_three_to_four_levels_and_no_cycle(small_plant):
    edges = [(line.parent, line.component) for line in small_plant.bom_lines]
    assert find_cycle(edges) is None
    codes = low_level_codes([item.sku for item in small_plant.items], edges)
    assert max(codes.values()) in (2, 3)
    used = {component for _, component in edges}
    for item in small_plant.items:
        if item.kind != "finished":
            assert item.sku in used, f"{item.sku} is used nowhere"


def test_every_make_item_is_routed_and_every_buy_item_sourced(small_plant):
    routed = {op.item for op in small_plant.operations}
    preferred = Counter(s.item for s in small_plant.supplier_items if s.preferred)
    for item in small_plant.items:
        if item.procurement == "make":
            assert item.sku in routed
        else:
            assert preferred[item.sku] == 1
    assert any(op.alternatives for op in small_plant.operations)
    assert {op.crew_size for op in small_plant.operations} >= {1, 2}
    assert any(op.certification for op in small_plant.operations)


def test_lot_size_rules_are_all_used_with_their_parameters(small_plant):
    rules = Counter(item.lot_size_rule for item in small_plant.items)
    assert set(rules) == {"lot_for_lot", "fixed", "period", "min_max", "eoq"}
    for item in small_plant.items:
        if item.lot_size_rule in {"fixed", "period"}:
            assert item.lot_size
        if item.lot_size_rule == "min_max":
            assert item.max_qty
            assert item.max_qty >= item.min_qty
        if item.lot_size_rule == "eoq":
            assert item.order_cost
            assert item.standard_cost


def test_whole_number_units_get_whole_quantities(small_plant):
    units = {item.sku: item.uom for item in small_plant.items}
    quantities = [(s.item, s.quantity) for s in small_plant.stock]
    quantities += [(b.component, b.quantity) for b in small_plant.bom_lines]
    quantities += [(ln.item, ln.quantity) for o in small_plant.sales_orders for ln in o.lines]
    quantities += [(ln.item, ln.quantity) for o in small_plant.purchase_orders for ln in o.lines]
    for sku, quantity in quantities:
        assert quantity > 0
        if units[sku] == "pcs":
            assert quantity == quantity.to_integral_value(), (sku, quantity)


def test_the_plant_has_decisions_waiting(small_plant, today):
    """Late sales orders, overdue purchase orders, certificates expiring soon and one expired."""
    assert any(ln.due_date < today for o in small_plant.sales_orders for ln in o.lines)
    assert max(
        ln.due_date for o in small_plant.sales_orders for ln in o.lines
    ) <= today + dt.timedelta(days=77)
    assert any(ln.due_date < today for o in small_plant.purchase_orders for ln in o.lines)
    expiries = [c[2] for w in small_plant.workers for c in w.certificates]
    assert sum(1 for day in expiries if day < today) == 1
    assert any(today <= day <= today + dt.timedelta(days=30) for day in expiries)
    assert {s.lot is not None for s in small_plant.stock} == {True, False}
    kinds = {loc.kind for loc in small_plant.locations}
    assert kinds == {"warehouse", "zone", "bin", "line_side", "quarantine"}
    assert len({len(c.shifts) for c in small_plant.calendars}) == 3  # 1-, 2- and 3-shift


def test_holidays_include_moving_feasts():
    assert easter(2026) == dt.date(2026, 4, 5)
    assert easter(2027) == dt.date(2027, 3, 28)
    days = dict(holidays(2026))
    assert days[dt.date(2026, 4, 3)] == "Good Friday"
    assert days[dt.date(2026, 12, 25)] == "Christmas Day"


def test_check_refuses_a_cycle(today):
    plant = generate("small", seed=3, today=today)
    line = plant.bom_lines[-1]
    plant.bom_lines.append(
        type(line)(line.component, line.parent, 999, line.quantity, line.scrap_percent, None)
    )
    with pytest.raises(ValueError, match="cycle"):
        check(plant)


def test_unknown_size_is_refused():
    with pytest.raises(ValueError, match="unknown size"):
        generate("huge")


@pytest.mark.slow
def test_large_plant_is_deep_and_big(today):
    plant = generate("large", seed=1, today=today)
    counts = plant.counts()
    assert 19_000 <= counts["items"] <= 21_000
    assert 95_000 <= counts["bom_lines"] <= 115_000
    assert counts["work_centers"] == 200
    demands = counts["sales_order_lines"] + counts["forecasts"]
    assert 18_000 <= demands <= 22_000
    codes = low_level_codes(
        [i.sku for i in plant.items], [(b.parent, b.component) for b in plant.bom_lines]
    )
    assert max(codes.values()) == 9
