"""Two terminals reporting on one operation, or consuming one lot, at the same instant (PostgreSQL).

The order and operation row locks serialize the events; the ledger's unique client id makes a
concurrent retry a duplicate. No event is lost or doubled, and no lot goes below zero.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from andon.inventory.models import Lot
from andon.inventory.services import ledger_total, on_hand
from andon.production.events import EventInput, record_event
from andon.production.models import ProductionEvent
from tests.production.conftest import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKERS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set ANDON_TEST_DATABASE_URL)")


def _race(target, count):
    barrier = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = target(i)
        except Exception as exc:  # the outcome is what we assert on
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_concurrent_reports_on_one_operation_are_all_counted_once(released, supervisor, plant):
    order = released("SHAFT", 8)
    outcomes = _race(
        lambda i: record_event(
            supervisor,
            EventInput(f"r-{i}", "report", at(i), order.number, 10, quantity="1"),
        ),
        WORKERS,
    )
    assert all(o.status == "accepted" for o in outcomes), outcomes
    op = order.operations.get()
    assert op.good_quantity == WORKERS
    assert ProductionEvent.objects.count() == WORKERS
    assert on_hand(plant["shaft"]) == WORKERS
    steel = plant["steel"]
    assert on_hand(steel) == Decimal("20") - Decimal("1.5") * WORKERS
    assert ledger_total(steel) == on_hand(steel)


def test_concurrent_retries_of_one_event_post_it_once(released, supervisor, plant):
    order = released("SHAFT", 4)
    outcomes = _race(
        lambda i: record_event(
            supervisor, EventInput("same", "report", at(1), order.number, 10, quantity="2")
        ),
        WORKERS,
    )
    statuses = sorted(o.status for o in outcomes)
    assert statuses == ["accepted"] + ["duplicate"] * (WORKERS - 1), outcomes
    assert order.operations.get().good_quantity == 2
    assert on_hand(plant["shaft"]) == 2


def test_concurrent_consumption_of_one_lot_never_goes_negative(released, supervisor, plant):
    order = released("SHAFT", 8)
    outcomes = _race(
        lambda i: record_event(
            supervisor,
            EventInput(
                f"c-{i}", "consume", at(i), order.number, 10, item="STEEL", lot="S1", quantity="3"
            ),
        ),
        WORKERS,
    )
    accepted = [o for o in outcomes if o.status == "accepted"]
    rejected = [o for o in outcomes if o.status == "rejected"]
    assert len(accepted) == 3, outcomes  # 10 kg in S1: three takes of 3 kg
    assert {o.code for o in rejected} == {"insufficient_stock"}
    s1 = Lot.objects.get(code="S1")
    assert on_hand(plant["steel"], lot=s1) == 1
    assert order.materials.get().issued_quantity == 9
