"""An import of stock levels while the shop floor posts event batches on the same items (PostgreSQL).

The import sets stock to the levels in its file by posting the difference to what is on the books;
the shop floor backflushes the raw material and receives the finished goods at the same moment.
Both go through the one ledger writer, so whichever commits first, every balance is the sum of
its moves and no move is lost. (An import that read the balances without the ledger's lock and
wrote the levels over them would wipe out the moves the shop floor posted in between.)
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Count, Sum

from andon.inventory.models import StockBalance, StockMove
from andon.production.events import EventInput, record_batch
from andon.transfer.services import import_uploads
from tests.production.conftest import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LINES = 3  # event streams, one work order each
BATCHES = 8  # batches per stream
REPORTS = 5  # reports of one piece per batch
IMPORTS = 8
RAW_LEVEL = 1000


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set ANDON_TEST_DATABASE_URL)")


@pytest.fixture(params=["fg-new", "fg-stocked"])
def orders(request, make_item, work_center, warehouse, supervisor):
    """LINES released orders for FG, each piece backflushing one RAW; RAW_LEVEL RAW in stock.

    FG has no balance yet (the import and the first batch both create it) or one already (the
    import and the batches both move it)."""
    import datetime as dt

    from django.utils import timezone

    from andon.catalog.models import BomLine, Operation
    from andon.inventory import services as inventory
    from andon.production import services

    raw = make_item("RAW")
    fg = make_item("FG", procurement="make")
    BomLine.objects.create(parent=fg, component=raw, quantity=1)
    Operation.objects.create(item=fg, sequence=10, work_center=work_center, run_minutes_per_unit=1)
    inventory.receive(None, item=raw, location=warehouse, quantity=RAW_LEVEL)
    if request.param == "fg-stocked":
        inventory.receive(None, item=fg, location=warehouse, quantity=5)
    made = []
    for _ in range(LINES):
        order = services.create_work_order(
            supervisor,
            item=fg,
            quantity=LINES * BATCHES * REPORTS,
            due_date=timezone.localdate() + dt.timedelta(days=7),
            supply_location=warehouse,
            output_location=warehouse,
        )
        made.append(services.release(supervisor, order))
    return made


def _stream(user, number: str) -> int:
    """Post BATCHES batches of REPORTS one-piece reports; the number of reports accepted."""
    accepted = 0
    for b in range(BATCHES):
        events = [EventInput(f"{number}-start", "start", at(0), number, 10)] if b == 0 else []
        events += [
            EventInput(
                f"{number}-{b}-{r}", "report", at(1 + b * REPORTS + r), number, 10, quantity="1"
            )
            for r in range(REPORTS)
        ]
        results = record_batch(user, events)
        assert all(x.status == "accepted" for x in results), results
        accepted += sum(1 for e, x in zip(events, results, strict=True) if e.kind == "report")
    return accepted


def _import(user, n: int) -> int:
    """Set RAW and FG to fixed levels; the number of moves the import says it posted."""
    rows = f"sku,location,quantity\nRAW,WH,{RAW_LEVEL}\nFG,WH,{n % 2}\n".encode()
    result = import_uploads(user, [("stock.csv", rows)])
    counts = result.counts["stock"]
    return counts["created"] + counts["updated"]


def _together(targets):
    """Run each target in its own thread (own connection), released at once; their outcomes."""
    barrier = threading.Barrier(len(targets))
    outcomes: list[object] = [None] * len(targets)

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = targets[i]()
        except Exception as exc:  # the outcome is what we assert on
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(targets))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_an_import_during_event_batches_loses_no_move_and_every_balance_is_its_moves(
    orders, supervisor, planner
):
    moves_before = StockMove.objects.count()

    def imports() -> int:
        return sum(_import(planner, n) for n in range(IMPORTS))

    streams = [(lambda o=o: _stream(supervisor, o.number)) for o in orders]
    *reported, imported = _together([*streams, imports])

    failures = [o for o in (*reported, imported) if isinstance(o, BaseException)]
    assert not failures, failures
    reports = sum(reported)  # type: ignore[arg-type]
    assert reports == LINES * BATCHES * REPORTS
    # Each one-piece report backflushes one RAW and receives one FG: two moves.
    assert StockMove.objects.count() == moves_before + 2 * reports + imported
    assert StockMove.objects.filter(kind="backflush").count() == reports
    assert StockMove.objects.filter(kind="production").count() == reports
    sums = {
        (m["item_id"], m["location_id"], m["lot_id"]): m["total"]
        for m in StockMove.objects.values("item_id", "location_id", "lot_id")
        .annotate(total=Sum("quantity"), n=Count("id"))
        .order_by()
    }
    balances = {
        (b.item_id, b.location_id, b.lot_id): b.quantity for b in StockBalance.objects.all()
    }
    for key, quantity in balances.items():
        assert quantity == sums.get(key, Decimal("0")), (key, quantity, sums.get(key))
    assert set(sums) <= set(balances)
