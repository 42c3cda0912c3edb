"""Converting a planned order above its item's maximum lot: one real order per lot, traced back."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from andon.catalog.models import Item, UnitOfMeasure
from andon.core.errors import DomainError
from andon.orders.models import PurchaseOrder, PurchaseOrderLine, SalesOrder, SalesOrderLine
from andon.partners.models import SupplierItem
from andon.planning import actions
from andon.planning.actions import reference
from andon.planning.lots import LotError, LotRule
from andon.planning.models import PlannedOrder
from andon.planning.services import run_plan
from andon.production.models import WorkOrder

TODAY = dt.date(2025, 3, 3)
DUE = dt.date(2025, 3, 21)


@pytest.fixture
def plant(make_item, customer, supplier, warehouse):
    """A frame made in lots of 10 to 40 (multiple 10), of bolts bought in lots up to 500."""
    frame = make_item(
        "FRAME",
        procurement="make",
        lead_time_days=2,
        lot_size_rule="min_max",
        min_qty=Decimal("10"),
        max_qty=Decimal("40"),
        multiple=Decimal("10"),
    )
    bolt = make_item(
        "BOLT",
        lead_time_days=3,
        lot_size_rule="min_max",
        min_qty=Decimal("100"),
        max_qty=Decimal("500"),
        multiple=Decimal("100"),
    )
    SupplierItem.objects.create(supplier=supplier, item=bolt, preferred=True, lead_time_days=3)
    order = SalesOrder.objects.create(number="SO-1", customer=customer, order_date=TODAY)
    SalesOrderLine.objects.create(order=order, line=1, item=frame, quantity=95, due_date=DUE)
    SalesOrderLine.objects.create(order=order, line=2, item=bolt, quantity=1150, due_date=DUE)
    return frame, bolt


def _order(run, sku):
    return PlannedOrder.objects.select_related("item", "run").get(run=run, item__sku=sku)


def _nothing_converted():
    assert not WorkOrder.objects.exists()
    assert not PurchaseOrder.objects.exists()
    assert not PlannedOrder.objects.exclude(converted_ref="").exists()


def test_a_make_order_above_the_maximum_becomes_one_work_order_per_lot(plant, planner):
    run = run_plan(today=TODAY)
    frame = _order(run, "FRAME")
    assert frame.quantity == 100  # two full lots of 40, and 15 rounded up to the multiple

    made = actions.convert_orders(planner, [frame.pk])

    works = list(WorkOrder.objects.order_by("number"))
    assert [w.quantity for w in works] == [40, 40, 20]
    assert {w.planned_order_ref for w in works} == {reference(frame)}
    assert {w.due_date for w in works} == {frame.due_date}
    assert made["work_orders"] == [w.number for w in works]
    assert made["split"] == [f"#{frame.number} (FRAME) into 3 lots"]
    frame.refresh_from_db()
    assert frame.converted_ref == ", ".join(w.number for w in works)
    # The lots are open supply: the next run makes no new frame order.
    again = run_plan(today=TODAY)
    assert not PlannedOrder.objects.filter(run=again, item__sku="FRAME", firm=False).exists()


def test_a_bought_order_above_the_maximum_becomes_one_line_per_lot(plant, planner, supplier):
    run = run_plan(today=TODAY)
    bolt = _order(run, "BOLT")
    assert bolt.quantity == 1200

    made = actions.convert_orders(planner, [bolt.pk])

    (purchase,) = PurchaseOrder.objects.all()
    assert made["purchase_orders"] == [purchase.number]
    lines = list(purchase.lines.order_by("line").values_list("line", "quantity", "due_date"))
    assert lines == [(1, 500, bolt.due_date), (2, 500, bolt.due_date), (3, 200, bolt.due_date)]
    bolt.refresh_from_db()
    assert bolt.converted_ref == f"{purchase.number}/1, {purchase.number}/2, {purchase.number}/3"


def test_an_order_within_the_maximum_stays_one_order(plant, planner):
    SalesOrderLine.objects.filter(item__sku="FRAME").update(quantity=30)
    run = run_plan(today=TODAY)
    frame = _order(run, "FRAME")
    made = actions.convert_orders(planner, [frame.pk])
    assert made["split"] == []
    assert list(WorkOrder.objects.values_list("quantity", flat=True)) == [30]


def test_a_quantity_edited_off_the_multiple_is_refused_and_nothing_is_written(plant, planner):
    run = run_plan(today=TODAY)
    frame, bolt = _order(run, "FRAME"), _order(run, "BOLT")
    actions.edit_order(
        planner, frame.pk, quantity=Decimal("95"), release_date=TODAY, due_date=frame.due_date
    )
    with pytest.raises(DomainError, match=r"#\d+ \(FRAME\).*last lot of 15.*multiples of 10"):
        actions.convert_orders(planner, [bolt.pk, frame.pk])
    _nothing_converted()


def test_a_last_lot_below_the_minimum_is_refused(plant, planner):
    run = run_plan(today=TODAY)
    frame = _order(run, "FRAME")
    Item.objects.filter(sku="FRAME").update(min_qty=Decimal("30"))
    with pytest.raises(DomainError, match="last lot of 20 is below the item's minimum lot 30"):
        actions.convert_orders(planner, [frame.pk])
    _nothing_converted()


def test_a_maximum_smaller_than_one_multiple_is_refused(plant, planner):
    run = run_plan(today=TODAY)
    frame = _order(run, "FRAME")
    Item.objects.filter(sku="FRAME").update(max_qty=Decimal("5"))
    with pytest.raises(DomainError, match="holds no whole order multiple of 10"):
        actions.convert_orders(planner, [frame.pk])
    _nothing_converted()


def test_absurdly_many_lots_are_refused(plant, planner):
    run = run_plan(today=TODAY)
    bolt = _order(run, "BOLT")
    Item.objects.filter(sku="BOLT").update(max_qty=Decimal("1"), multiple=Decimal("1"))
    with pytest.raises(DomainError, match="1,200 lots"):
        actions.convert_orders(planner, [bolt.pk])
    _nothing_converted()
    assert not PurchaseOrderLine.objects.exists()


def test_the_page_says_which_orders_were_split(plant, planner_client):
    run = run_plan(today=TODAY)
    frame = _order(run, "FRAME")
    page = planner_client.post(
        "/planning/orders/action/", {"action": "convert", "ids": [frame.pk]}, follow=True
    )
    assert "3 work order(s)" in page.content.decode()
    assert f"#{frame.number} (FRAME) into 3 lots" in page.content.decode()


def test_the_api_lists_split_orders(plant, planner_client):
    run = run_plan(today=TODAY)
    frame = _order(run, "FRAME")
    answer = planner_client.post(
        "/api/v1/planned-orders/convert", {"ids": [frame.pk]}, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["split"] == [f"#{frame.number} (FRAME) into 3 lots"]
    assert len(answer.json()["work_orders"]) == 3


def _item(maximum, minimum="0", multiple="0", whole=True):
    return Item(
        lot_size_rule=Item.LotSizeRule.MIN_MAX,
        max_qty=Decimal(maximum),
        min_qty=Decimal(minimum),
        multiple=Decimal(multiple),
        uom=UnitOfMeasure(code="x", whole_numbers=whole),
    )


@given(
    lots=st.integers(min_value=1, max_value=50),
    maximum=st.integers(min_value=1, max_value=40),
    rest=st.integers(min_value=0, max_value=39),
)
def test_lots_add_up_and_never_exceed_the_maximum(lots, maximum, rest):
    multiple = 5
    rule = LotRule.of(_item(maximum * multiple, multiple=multiple))
    assert rule is not None
    quantity = Decimal((lots - 1) * maximum * multiple + min(rest, maximum - 1) * multiple + 5)
    split = rule.split(quantity)
    assert sum(split) == quantity
    assert all(0 < q <= rule.maximum and q % multiple == 0 for q in split)
    assert all(q == rule.maximum for q in split[:-1])


def test_the_maximum_is_rounded_down_to_the_multiple_and_whole_units_count_in_ones():
    assert LotRule.of(_item("45", multiple="10")).maximum == 40
    assert LotRule.of(_item("2.5", whole=True)).split(Decimal("5")) == [2, 2, 1]
    assert LotRule.of(_item("2.5", whole=False)).split(Decimal("5")) == [Decimal("2.5")] * 2
    assert LotRule.of(Item(lot_size_rule="lot_for_lot", max_qty=Decimal("5"))) is None
    with pytest.raises(LotError):
        LotRule.of(_item("10", minimum="8")).split(Decimal("15"))
