"""Two people consuming the same lot at the same instant, with real transactions on PostgreSQL.

Without the balance row lock both would read the same on-hand, both would pass the check, and one
update would overwrite the other (a lost move) or stock would go negative.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from andon.core.errors import ValidationFailed
from andon.inventory import services
from andon.inventory.models import StockBalance, StockMove

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set ANDON_TEST_DATABASE_URL)")


def _race(target, count):
    """Run `target(i)` in `count` threads released at the same moment; collect outcomes."""
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


def test_concurrent_issues_of_one_lot_never_lose_a_move_nor_go_negative(
    steel, steel_lot, warehouse
):
    services.receive(None, item=steel, location=warehouse, quantity=Decimal("10"), lot=steel_lot)

    outcomes = _race(
        lambda i: services.issue(
            None, item=steel, location=warehouse, quantity=Decimal("2"), lot=steel_lot
        ),
        WORKERS,
    )

    posted = [o for o in outcomes if isinstance(o, StockMove)]
    refused = [o for o in outcomes if isinstance(o, ValidationFailed)]
    assert len(posted) == 5, outcomes
    assert len(refused) == WORKERS - 5
    assert all(r.code == "insufficient_stock" for r in refused)
    balance = StockBalance.objects.get(item=steel, location=warehouse, lot=steel_lot)
    assert balance.quantity == Decimal("0")
    assert services.ledger_total(steel, warehouse, steel_lot) == balance.quantity


def test_concurrent_first_receipts_create_one_balance_and_keep_both_moves(bolt, line_side):
    outcomes = _race(
        lambda i: services.receive(None, item=bolt, location=line_side, quantity=3), WORKERS
    )

    assert all(isinstance(o, StockMove) for o in outcomes), outcomes
    assert StockBalance.objects.filter(item=bolt, location=line_side).count() == 1
    assert services.on_hand(bolt, line_side) == Decimal(3 * WORKERS)
    assert services.ledger_total(bolt, line_side) == Decimal(3 * WORKERS)


def test_concurrent_retries_with_one_client_id_post_once(stocked, warehouse):
    outcomes = _race(
        lambda i: services.issue(
            None, item=stocked, location=warehouse, quantity=1, client_id="scan-7"
        ),
        WORKERS,
    )

    assert all(isinstance(o, StockMove) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert services.on_hand(stocked, warehouse) == Decimal("99")
