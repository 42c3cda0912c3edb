"""An import of stock levels posts, through the ledger, the difference to what is on the books
when it writes: moves posted since the file was made are kept, not overwritten."""

from decimal import Decimal

import pytest

from andon.core.errors import ValidationFailed
from andon.inventory import services as inventory
from andon.inventory.models import StockBalance, StockMove
from andon.transfer import services

pytestmark = pytest.mark.django_db


def _levels(planner, *rows: str):
    body = "sku,location,quantity,lot\n" + "".join(f"{r}\n" for r in rows)
    return services.import_uploads(planner, [("stock.csv", body.encode())]).counts["stock"]


def test_a_level_is_reached_by_posting_the_difference_to_the_balance_now(imported, planner):
    from andon.catalog.models import Item
    from andon.plant.models import Location

    screw, wh = Item.objects.get(sku="SCREW"), Location.objects.get(code="WH")
    inventory.issue(None, item=screw, location=wh, quantity=30)  # 1000 -> 970 since the file
    counts = _levels(planner, "SCREW,WH,1000,")
    assert counts == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 0}
    last = StockMove.objects.filter(item=screw, location=wh).order_by("pk").last()
    assert (last.kind, last.quantity, last.reason) == ("adjustment", Decimal("30"), "import")
    assert StockBalance.objects.get(item=screw, location=wh).quantity == 1000
    assert inventory.ledger_total(screw, wh) == 1000


def test_a_new_level_creates_the_balance_and_a_zero_level_posts_nothing(imported, planner):
    moves = StockMove.objects.count()
    counts = _levels(planner, "BAR,WH,5,", "SHAFT,WH,0,")
    assert counts == {"created": 1, "updated": 0, "unchanged": 1, "deleted": 0}
    assert StockMove.objects.count() == moves + 1
    assert StockBalance.objects.get(item__sku="BAR", location__code="WH").quantity == 5


def test_a_refused_level_rejects_the_whole_import_and_writes_nothing(imported, planner):
    moves, balances = StockMove.objects.count(), list(StockBalance.objects.values_list())
    with pytest.raises(ValidationFailed):
        _levels(planner, "BAR,WH,5,", "SCREW,WH,1.00001,")
    assert StockMove.objects.count() == moves
    assert list(StockBalance.objects.values_list()) == balances
