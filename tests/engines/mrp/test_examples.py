"""Worked examples, computed by hand, for netting, lot sizing, offsetting, pegging and messages."""

import datetime as dt

import pytest

from andon.engines.mrp import (
    BomLine,
    ExceptionKind,
    FirmPlannedOrder,
    Forecast,
    Item,
    LotSizeRule,
    MrpProblem,
    MrpStatus,
    PegKind,
    Procurement,
    SalesDemand,
    ScheduledReceipt,
    item_record,
    plan,
    top_level_pegging,
)

from .conftest import CALENDAR, GOOD_FRIDAY, HORIZON, TODAY

MAKE, BUY = Procurement.MAKE, Procurement.BUY
D = dt.date


def problem(items, lines=(), sales=(), **kwargs) -> MrpProblem:
    return MrpProblem(
        today=TODAY,
        horizon_end=HORIZON,
        calendar=CALENDAR,
        items=tuple(items),
        bom_lines=tuple(lines),
        sales_demands=tuple(sales),
        **kwargs,
    )


def orders(result, item):
    return [(o.quantity, o.release, o.due) for o in result.orders_for(item)]


def kinds(result):
    return sorted((e.kind, e.ref) for e in result.exceptions)


def test_three_level_pump_nets_stock_at_the_intermediate_level():
    # PUMP <- 1 MOTOR <- 2 WINDING (10% scrap); 12 motors in stock cover part of 20 pumps.
    result = plan(
        problem(
            [
                Item("PUMP", MAKE, lead_time_days=2),
                Item("MOTOR", MAKE, lead_time_days=3, on_hand=12),
                Item("WINDING", BUY, lead_time_days=5, on_hand=0.4),
            ],
            [BomLine("PUMP", "MOTOR", 1), BomLine("MOTOR", "WINDING", 2, scrap_percent=10)],
            [SalesDemand("SO-1/1", "PUMP", 20, D(2025, 3, 31))],
        )
    )
    assert result.status == MrpStatus.OK
    assert result.items_processed == ("PUMP", "MOTOR", "WINDING")
    # Pump: due Mon 31 Mar, 2 working days -> released Thu 27 Mar.
    assert orders(result, "PUMP") == [(20, D(2025, 3, 27), D(2025, 3, 31))]
    # Motor: 20 needed on 27 Mar, 12 on hand -> 8, released 3 working days before: Mon 24 Mar.
    assert orders(result, "MOTOR") == [(8, D(2025, 3, 24), D(2025, 3, 27))]
    # Winding: 8 x 2 / 0.9 = 17.78 needed on 24 Mar, less 0.4 on hand; 5 days -> Mon 17 Mar.
    [(qty, release, due)] = orders(result, "WINDING")
    assert qty == pytest.approx(8 * 2 / 0.9 - 0.4)
    assert (release, due) == (D(2025, 3, 17), D(2025, 3, 24))
    assert result.exceptions == ()
    # Full pegging: the winding order serves the sales order through motor and pump.
    winding = result.orders_for("WINDING")[0]
    assert top_level_pegging(result, winding.number) == pytest.approx(
        {(PegKind.SALES_ORDER, "SO-1/1"): qty}
    )


def test_lead_time_skips_a_weekend_and_a_holiday():
    # Due Tue 22 Apr 2025, 3 working days back: Mon 21, (Sun, Sat, Fri 18 closed), Thu 17, Wed 16.
    result = plan(
        problem(
            [Item("X", BUY, lead_time_days=3)], sales=[SalesDemand("S", "X", 5, D(2025, 4, 22))]
        )
    )
    assert GOOD_FRIDAY.isoweekday() == 5
    assert orders(result, "X") == [(5, D(2025, 4, 16), D(2025, 4, 22))]


def test_a_due_date_on_a_non_working_day_moves_to_the_previous_working_day():
    result = plan(
        problem(
            [Item("X", BUY, lead_time_days=1)], sales=[SalesDemand("S", "X", 5, D(2025, 4, 20))]
        )
    )
    # Sunday 20 Apr -> Thursday 17 Apr (Good Friday closed); released Wed 16.
    assert orders(result, "X") == [(5, D(2025, 4, 16), D(2025, 4, 17))]


def weekly(item: Item, quantities=(30, 0, 45, 10, 0, 60)) -> list[tuple[float, dt.date]]:
    """Plan `item` against demand on successive Mondays from 7 April; return (qty, due)."""
    sales = [
        SalesDemand(f"S{k}", item.id, q, D(2025, 4, 7) + dt.timedelta(weeks=k))
        for k, q in enumerate(quantities)
        if q
    ]
    result = plan(problem([item], sales=sales))
    assert result.status == MrpStatus.OK
    for o in result.planned_orders:
        assert sum(p.quantity for p in result.pegs(o.number)) == pytest.approx(o.quantity)
    return [(o.quantity, o.due) for o in result.planned_orders]


def test_lot_for_lot_orders_exactly_the_net_requirement():
    assert weekly(Item("X", BUY, lead_time_days=1, on_hand=20)) == [
        (10, D(2025, 4, 7)),
        (45, D(2025, 4, 21)),
        (10, D(2025, 4, 28)),
        (60, D(2025, 5, 12)),
    ]


def test_fixed_lot_orders_whole_lots_and_carries_the_excess():
    item = Item("X", BUY, lot_size_rule=LotSizeRule.FIXED, lot_size=40, lead_time_days=1)
    # 30 -> one lot (10 left); 45 -> 35 short -> one lot (5 left); 10 -> 5 short -> one lot
    # (35 left); 60 -> 25 short -> one lot (15 left, pegged to excess).
    assert weekly(item) == [
        (40, D(2025, 4, 7)),
        (40, D(2025, 4, 21)),
        (40, D(2025, 4, 28)),
        (40, D(2025, 5, 12)),
    ]
    result = plan(problem([item], sales=[SalesDemand("S", "X", 90, D(2025, 4, 7))]))
    [order] = result.planned_orders
    assert order.quantity == 120  # three lots in one order
    assert result.pegs(0)[-1] == (PegKind.EXCESS, "", 30)


def test_period_order_quantity_covers_the_next_n_working_days():
    item = Item("X", BUY, lot_size_rule=LotSizeRule.PERIOD, lot_size=10, lead_time_days=1)
    # Ten working days from Mon 7 Apr are 7-11, 14-17 (Good Friday closed) and Mon 21 Apr:
    # 30 + 45. From 28 Apr they run to 9 May: 10. From 12 May: 60.
    assert weekly(item) == [(75, D(2025, 4, 7)), (10, D(2025, 4, 28)), (60, D(2025, 5, 12))]


def test_min_max_with_an_order_multiple():
    item = Item(
        "X",
        BUY,
        lot_size_rule=LotSizeRule.MIN_MAX,
        min_qty=40,
        max_qty=50,
        multiple=20,
        lead_time_days=1,
    )
    # Max 50 rounds down to 40 (a multiple of 20); min 40. 30 -> 40 (10 left); 45 -> 35 short ->
    # 40 (5 left); 10 -> 5 short -> 40 (35 left); 60 -> 25 short -> 40 (15 left).
    assert [q for q, _ in weekly(item)] == [40, 40, 40, 40]
    # A day needing more than the maximum gets lots of at most 40 in one order, not one order
    # per lot: 100 -> 40 + 40 + 20 raised to the minimum 40.
    big = plan(problem([item], sales=[SalesDemand("S", "X", 100, D(2025, 4, 7))]))
    assert [o.quantity for o in big.planned_orders] == [120]
    assert big.pegs(0) == ((PegKind.SALES_ORDER, "S", 100), (PegKind.EXCESS, "", 20))


def test_economic_order_quantity_from_annualised_demand():
    item = Item(
        "X",
        BUY,
        lot_size_rule=LotSizeRule.EOQ,
        order_cost=50,
        standard_cost=10,
        holding_rate_percent=20,
        lead_time_days=1,
    )
    total = 30 + 45 + 10 + 60
    span = (HORIZON - TODAY).days + 1
    eoq = (2 * total * 365 / span * 50 / (10 * 0.2)) ** 0.5
    plan_ = weekly(item)
    assert plan_[0] == (pytest.approx(eoq), D(2025, 4, 7))
    assert eoq > 30
    assert all(q >= eoq - 1e-9 for q, _ in plan_)


def test_forecast_is_consumed_by_sales_orders_in_its_window():
    item = Item("X", BUY, lead_time_days=1)
    result = plan(
        problem(
            [item],
            sales=[
                SalesDemand("S1", "X", 30, D(2025, 4, 9)),  # 2 days after the forecast: consumes
                SalesDemand("S2", "X", 5, D(2025, 4, 25)),  # outside the window: does not
            ],
            forecasts=(Forecast("F", "X", D(2025, 4, 7), 100),),
            forecast_days_before=3,
            forecast_days_after=3,
        )
    )
    by_due = {o.due: o.quantity for o in result.planned_orders}
    assert by_due == {D(2025, 4, 7): 70, D(2025, 4, 9): 30, D(2025, 4, 25): 5}
    assert sum(o.quantity for o in result.planned_orders) == 105  # not 135


def test_safety_stock_is_restored_and_pegged():
    result = plan(problem([Item("X", BUY, lead_time_days=0, on_hand=5, safety_stock=20)]))
    [order] = result.planned_orders
    assert order.quantity == 15
    assert order.due == TODAY
    assert result.pegs(0) == ((PegKind.SAFETY_STOCK, "", 15),)


def test_open_supply_gets_expedite_defer_and_cancel_messages():
    item = Item("X", BUY, lead_time_days=2)
    result = plan(
        problem(
            [item],
            sales=[
                SalesDemand("S1", "X", 10, D(2025, 4, 7)),
                SalesDemand("S2", "X", 10, D(2025, 6, 2)),
            ],
            scheduled_receipts=(
                ScheduledReceipt("PO-LATE", "X", 10, D(2025, 4, 10)),  # 3 days after S1
                ScheduledReceipt("PO-EARLY", "X", 10, D(2025, 5, 1)),  # a month before S2
                ScheduledReceipt("PO-SPARE", "X", 10, D(2025, 6, 20)),
                ScheduledReceipt("PO-FIRM", "X", 10, D(2025, 6, 25), firm=True),
            ),
        )
    )
    assert len(result.planned_orders) == 0  # open supply is used before anything new
    messages = {e.ref: e for e in result.exceptions}
    assert messages["PO-LATE"].kind == ExceptionKind.EXPEDITE
    assert messages["PO-LATE"].suggested == D(2025, 4, 7)
    assert messages["PO-EARLY"].kind == ExceptionKind.DEFER
    assert messages["PO-EARLY"].suggested == D(2025, 6, 2)
    assert messages["PO-SPARE"].kind == ExceptionKind.CANCEL
    assert "PO-FIRM" not in messages  # firm: no suggestions
    # The customer waits for the late receipt: S1 is 3 working days late.
    assert messages["S1"].kind == ExceptionKind.SHORTAGE
    assert messages["S1"].days_late == 3


def test_supply_too_late_to_reschedule_does_not_cover_and_a_new_order_is_planned():
    result = plan(
        problem(
            [Item("X", BUY, lead_time_days=2)],
            sales=[SalesDemand("S1", "X", 10, D(2025, 4, 7))],
            scheduled_receipts=(ScheduledReceipt("PO", "X", 10, D(2025, 6, 2)),),
            reschedule_in_days=10,
        )
    )
    assert orders(result, "X") == [(10, D(2025, 4, 3), D(2025, 4, 7))]
    assert kinds(result) == [(ExceptionKind.CANCEL, "PO")]


def test_a_long_lead_time_chain_names_the_late_sales_order():
    # Due in 4 working days, but buying the part takes 5 and making the product 2: 3 days late.
    result = plan(
        problem(
            [Item("P", MAKE, lead_time_days=2), Item("C", BUY, lead_time_days=5)],
            [BomLine("P", "C", 1)],
            [SalesDemand("SO-9/1", "P", 1, D(2025, 3, 7))],
        )
    )
    shortage = [e for e in result.exceptions if e.kind == ExceptionKind.SHORTAGE]
    assert [(e.ref, e.days_late) for e in shortage] == [("SO-9/1", 3)]
    assert "SO-9/1" in shortage[0].message
    assert "3 working day(s) late" in shortage[0].message
    past_due = [e for e in result.exceptions if e.kind == ExceptionKind.PAST_DUE_RELEASE]
    assert [(e.item, e.days_late) for e in past_due] == [("C", 3)]
    # The release date stays in the past: flagged, not silently moved to today.
    assert result.orders_for("C")[0].release == D(2025, 2, 26)


def test_firm_planned_orders_are_kept_and_their_components_planned():
    result = plan(
        problem(
            [Item("P", MAKE, lead_time_days=2), Item("C", BUY, lead_time_days=1)],
            [BomLine("P", "C", 3)],
            [SalesDemand("S", "P", 10, D(2025, 4, 7))],
            firm_planned_orders=(
                FirmPlannedOrder("FPO-1", "P", 25, D(2025, 3, 31), D(2025, 4, 2)),
            ),
        )
    )
    [firm] = result.orders_for("P")  # no new order for P: the firm one covers it
    assert (firm.firm, firm.id, firm.quantity) == (True, "FPO-1", 25)
    assert result.pegs(firm.number) == (
        (PegKind.SALES_ORDER, "S", 10),
        (PegKind.EXCESS, "", 15),
    )
    assert orders(result, "C") == [(75, D(2025, 3, 28), D(2025, 3, 31))]


def test_bom_effectivity_follows_the_parent_release_date():
    lines = [
        BomLine("P", "OLD", 1, valid_to=D(2025, 4, 30)),
        BomLine("P", "NEW", 1, valid_from=D(2025, 5, 1)),
    ]
    result = plan(
        problem(
            [
                Item("P", MAKE),
                Item("OLD", BUY, lead_time_days=1),
                Item("NEW", BUY, lead_time_days=1),
            ],
            lines,
            [SalesDemand("S1", "P", 1, D(2025, 4, 29)), SalesDemand("S2", "P", 2, D(2025, 5, 6))],
        )
    )
    assert [o.quantity for o in result.orders_for("OLD")] == [1]
    assert [o.quantity for o in result.orders_for("NEW")] == [2]


def test_time_phased_record_of_one_item():
    p = problem(
        [Item("X", BUY, lead_time_days=1, on_hand=20, safety_stock=5)],
        sales=[SalesDemand("S", "X", 30, D(2025, 3, 5))],
        scheduled_receipts=(ScheduledReceipt("PO", "X", 5, D(2025, 3, 4)),),
    )
    result = plan(p)
    record = item_record(p, result, "X")
    assert record.dates[:3] == (D(2025, 3, 3), D(2025, 3, 4), D(2025, 3, 5))
    assert record.gross_requirements[:3] == (0, 0, 30)
    assert record.scheduled_receipts[:3] == (0, 5, 0)
    # 20 + 5 - 30 = -5, 5 below... safety stock 5 means 10 net, planned on 5 Mar.
    assert record.net_requirements[:3] == (0, 0, 10)
    assert record.planned_receipts[:3] == (0, 0, 10)
    assert record.planned_releases[:3] == (0, 10, 0)
    assert record.projected_on_hand[:3] == (20, 25, 5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lead_time_days": -1}, "lead time must not be negative"),
        ({"lot_size_rule": LotSizeRule.FIXED}, "fixed lot-size rule needs a lot size"),
        ({"lot_size_rule": LotSizeRule.PERIOD, "lot_size": 2.5}, "whole number of days"),
        ({"lot_size_rule": LotSizeRule.MIN_MAX}, "needs a maximum"),
        ({"lot_size_rule": LotSizeRule.EOQ, "order_cost": 5}, "eoq lot-size rule needs"),
    ],
)
def test_bad_item_data_is_rejected_naming_the_item(kwargs, match):
    with pytest.raises(ValueError, match=f"item BAD-1: .*{match}"):
        Item("BAD-1", BUY, **kwargs)


def test_a_cycle_and_unknown_items_are_errors_with_no_plan():
    result = plan(
        problem(
            [Item("A", MAKE), Item("B", MAKE)],
            [BomLine("A", "B", 1), BomLine("B", "A", 1)],
            [SalesDemand("S", "A", 1, D(2025, 4, 1))],
        )
    )
    assert result.status == MrpStatus.ERROR
    assert "cycle" in result.errors[0]
    assert "A" in result.errors[0]
    assert len(result.planned_orders) == 0
    result = plan(problem([Item("A", MAKE)], [BomLine("A", "GHOST", 1)]))
    assert result.status == MrpStatus.ERROR
    assert result.errors == ("BOM line A <- GHOST names an unknown item",)


def test_doubtful_master_data_is_planned_with_warnings():
    result = plan(
        problem([Item("M", MAKE), Item("B", BUY)], sales=[SalesDemand("S", "M", 1, D(2025, 4, 1))])
    )
    assert result.status == MrpStatus.OK
    assert "make item M has no BOM: planned without components" in result.warnings
    assert "buy item B has no lead time and no supplier lead time" in result.warnings


def test_supplier_lead_time_overrides_the_item_for_bought_items():
    result = plan(
        problem(
            [Item("X", BUY, lead_time_days=10, supplier_lead_time_days=1)],
            sales=[SalesDemand("S", "X", 1, D(2025, 4, 8))],
        )
    )
    assert orders(result, "X") == [(1, D(2025, 4, 7), D(2025, 4, 8))]
