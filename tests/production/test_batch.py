"""A batch of events is posted as one unit of work: what it writes must equal posting each event on
its own, a refused event must leave no trace even when it came between accepted ones, and stock
read without its lock must be checked against what is there when written."""

from decimal import Decimal

import pytest
from django.db import transaction

from andon.inventory.models import StockBalance, StockMove
from andon.inventory.services import issue, ledger_total
from andon.production.batch import Stock, StockRace
from andon.production.events import EventInput, record_batch
from andon.production.models import LotLink, ProductionEvent, WorkOrderOperation
from tests.production.conftest import at


def shaft_walk(number: str, prefix: str) -> list[EventInput]:
    """Start, four reports of one shaft each (1.5 kg steel backflushed each), a pause, resume."""
    events = [EventInput(f"{prefix}-start", "start", at(0), number, 10)]
    for n in range(4):
        events.append(EventInput(f"{prefix}-r{n}", "report", at(5 + n), number, 10, quantity="1"))
    events.append(EventInput(f"{prefix}-p", "pause", at(20), number, 10, reason="BREAK"))
    events.append(EventInput(f"{prefix}-q", "resume", at(25), number, 10))
    return events


def state_of(number: str) -> dict:
    op = WorkOrderOperation.objects.get(work_order__number=number)
    return {
        "op": (op.status, op.good_quantity, op.delay_seconds, op.processing_seconds),
        "moves": sorted(
            (m.kind, m.item.sku, m.lot.code if m.lot else "", m.quantity)
            for m in StockMove.objects.filter(reference=number)
        ),
        "links": sorted(
            (link.component_lot.code, link.quantity)
            for link in LotLink.objects.filter(work_order__number=number)
        ),
    }


@pytest.mark.parametrize("size", [1, 3, 7])
def test_batch_size_does_not_change_what_is_written(released, supervisor, size):
    order = released("SHAFT", 4)
    events = shaft_walk(order.number, "w")
    for start in range(0, len(events), size):
        results = record_batch(supervisor, events[start : start + size])
        assert all(r.status == "accepted" for r in results), results
    written = state_of(order.number)
    # 4 x 1.5 kg of steel, first in first out: all 6 kg from the older lot S1.
    assert written["op"][:2] == ("running", Decimal("4"))
    assert written["links"] == [("S1", Decimal("1.5"))] * 4
    backflushed = [m for m in written["moves"] if m[0] == "backflush"]
    assert sum(m[3] for m in backflushed) == Decimal("-6")
    received = [m for m in written["moves"] if m[0] == "production"]
    assert [m[3] for m in received] == [Decimal("1")] * 4


def test_a_report_short_of_stock_is_refused_whole_and_the_rest_goes_on(
    new_order, supervisor, plant, warehouse
):
    from andon.production import services

    order = services.release(supervisor, new_order("SHAFT", 20), allow_shortage=True)
    steel = plant["steel"]
    before = dict(
        StockBalance.objects.filter(item=steel).values_list("lot__code", "quantity")
    )  # S1 10 kg, S2 10 kg
    results = record_batch(
        supervisor,
        [
            EventInput("s-1", "start", at(0), order.number, 10),
            EventInput("s-2", "report", at(1), order.number, 10, quantity="10"),  # 15 kg
            EventInput("s-3", "report", at(2), order.number, 10, quantity="4"),  # 6 kg more: short
            EventInput("s-4", "report", at(3), order.number, 10, quantity="3"),  # 4.5 kg: fits
        ],
    )
    assert [r.status for r in results] == ["accepted", "accepted", "rejected", "accepted"]
    assert results[2].code == "insufficient_stock"
    assert "STEEL" in results[2].detail
    after = dict(StockBalance.objects.filter(item=steel).values_list("lot__code", "quantity"))
    assert sum(before.values()) - sum(after.values()) == Decimal("19.5")
    assert after == {"S1": Decimal("0"), "S2": Decimal("0.5")}
    assert not ProductionEvent.objects.filter(client_id="s-3").exists()
    assert WorkOrderOperation.objects.get(work_order=order).good_quantity == 13
    assert not StockMove.objects.filter(client_id__contains=f"pe{results[2].event_id}/").exists()


def test_an_id_twice_in_one_batch_is_recorded_once(released, supervisor):
    order = released("SHAFT", 4)
    twice = EventInput("d-1", "report", at(5), order.number, 10, quantity="1")
    results = record_batch(
        supervisor, [EventInput("d-0", "start", at(0), order.number, 10), twice, twice]
    )
    assert [r.status for r in results] == ["accepted", "accepted", "duplicate"]
    assert results[2].event_id == results[1].event_id
    assert WorkOrderOperation.objects.get(work_order=order).good_quantity == 1


@pytest.fixture
def bolts(plant, warehouse):
    return StockBalance.objects.get(item=plant["bolt"], location=warehouse)


def _take_bolts(plant, warehouse, stock, balance, quantity):
    stock.move(
        balance,
        plant["bolt"],
        -Decimal(quantity),
        kind=StockMove.Kind.ISSUE,
        reference="WO-TEST",
        at=at(1),
        event=0,
        suffix="/c",
    )
    return stock.post(None, lambda event: 990000 + event)


def test_stock_read_unlocked_adds_its_difference_to_what_is_there_now(plant, warehouse, bolts):
    with transaction.atomic():
        stock = Stock()
        balance = stock.get(plant["bolt"], warehouse, None)
        assert balance.quantity == 100
        # Another writer takes 30 bolts after this batch read the balance.
        issue(None, item=plant["bolt"], location=warehouse, quantity=30)
        (move,) = _take_bolts(plant, warehouse, stock, balance, 40)
    bolts.refresh_from_db()
    assert bolts.quantity == 30  # both takes count: 100 - 30 - 40
    assert move.client_id == "pe990000/c"
    assert ledger_total(plant["bolt"], warehouse) == 30


def test_stock_that_moved_too_far_under_the_batch_is_a_race(plant, warehouse, bolts):
    def post() -> None:
        with transaction.atomic():
            stock = Stock()
            balance = stock.get(plant["bolt"], warehouse, None)
            issue(None, item=plant["bolt"], location=warehouse, quantity=80)
            # Fine against the 100 read, 20 short against what is there.
            _take_bolts(plant, warehouse, stock, balance, 40)

    with pytest.raises(StockRace):
        post()
    bolts.refresh_from_db()
    assert bolts.quantity == 100  # the transaction rolled back: nothing half-written
    assert ledger_total(plant["bolt"], warehouse) == 100


def test_progress_kept_between_batches_is_what_the_whole_ledger_folds_to(released, supervisor):
    """Each batch resumes the operation's fold from the state kept with it; late events make it
    fold everything again. Either way the result must equal a fold of the whole ledger."""
    from andon.production.events import derive

    order = released("SHAFT", 4)
    number = order.number
    batches = [
        [EventInput("k-1", "start", at(0), number, 10)],
        [EventInput("k-2", "report", at(5), number, 10, quantity="1")],
        [
            EventInput("k-3", "pause", at(20), number, 10, reason="BREAK"),
            EventInput("k-4", "resume", at(30), number, 10),
        ],
        [EventInput("k-5", "report", at(3), number, 10, quantity="1")],  # late: before k-2
        [EventInput("k-6", "report", at(40), number, 10, quantity="1")],
    ]
    for batch in batches:
        assert all(r.status == "accepted" for r in record_batch(supervisor, batch))
    op = WorkOrderOperation.objects.get(work_order=order)
    kept = (op.status, op.good_quantity, op.delay_seconds, op.processing_seconds, op.fold_state)
    derive(op)
    op.refresh_from_db()
    assert kept == (
        op.status,
        op.good_quantity,
        op.delay_seconds,
        op.processing_seconds,
        op.fold_state,
    )
    assert (op.good_quantity, op.delay_seconds) == (3, 600)


def test_an_event_written_behind_the_batch_is_not_missed(released, supervisor, work_center):
    order = released("SHAFT", 4)
    record_batch(supervisor, [EventInput("b-1", "start", at(0), order.number, 10)])
    op = WorkOrderOperation.objects.get(work_order=order)
    # A restore or a script adds an event without going through the batch: the kept fold is stale.
    ProductionEvent.objects.create(
        client_id="b-direct",
        kind="report",
        at=at(5),
        operation=op,
        work_center=work_center,
        quantity=Decimal("2"),
    )
    record_batch(supervisor, [EventInput("b-2", "report", at(10), order.number, 10, quantity="1")])
    op.refresh_from_db()
    assert op.good_quantity == 3


def test_a_resend_in_a_batch_does_not_make_it_read_the_operations_history_again(
    released, supervisor
):
    """A terminal's retry resends events already recorded, with their old timestamps, next to new
    ones. Those change nothing, so the operation's kept fold still applies; reading every event
    of the operation again would make each retry cost as much as the operation's history."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = released("SHAFT", 4)
    number = order.number
    first = [
        EventInput("h-1", "start", at(0), number, 10),
        EventInput("h-2", "report", at(5), number, 10, quantity="1"),
    ]
    assert all(r.status == "accepted" for r in record_batch(supervisor, first))
    retry = [first[0], EventInput("h-3", "report", at(10), number, 10, quantity="1")]

    with CaptureQueriesContext(connection) as queries:
        results = record_batch(supervisor, retry)

    assert [r.status for r in results] == ["duplicate", "accepted"]
    history_reads = [
        q["sql"]
        for q in queries.captured_queries
        if '"production_productionevent"."operation_id" IN' in q["sql"]
    ]
    assert history_reads == []
    assert WorkOrderOperation.objects.get(work_order=order).good_quantity == 2
