"""The loader writes a valid plant: the ledger adds up and the records pass their own checks."""

from decimal import Decimal

from django.db.models import Sum

from andon.catalog.models import BomLine, Item, Operation
from andon.core.models import AuditEntry
from andon.engines.bom import low_level_codes
from andon.inventory.models import StockBalance, StockMove
from andon.orders.models import Forecast, SalesOrder, SalesOrderLine
from andon.partners.models import SupplierItem
from andon.people.models import WorkerCertification
from andon.plant.models import CalendarException, Location, WorkCenter


def test_counts_match_the_generated_plant(loaded_plant):
    counts = loaded_plant.counts()
    assert Item.objects.count() == counts["items"]
    assert BomLine.objects.count() == counts["bom_lines"]
    assert Operation.objects.count() == counts["operations"]
    assert WorkCenter.objects.count() == counts["work_centers"]
    assert SalesOrder.objects.count() == counts["sales_orders"]
    assert SalesOrderLine.objects.count() == counts["sales_order_lines"]
    assert Forecast.objects.count() == counts["forecasts"]
    assert SupplierItem.objects.count() == counts["supplier_items"]
    assert CalendarException.objects.filter(kind="closed").exists()
    assert Location.objects.filter(kind="bin", parent__kind="zone").exists()
    assert WorkerCertification.objects.count() == sum(
        len(w.certificates) for w in loaded_plant.workers
    )


def test_stock_balances_equal_the_sum_of_their_moves(loaded_plant):
    moves = {
        (row["item"], row["location"], row["lot"]): row["total"]
        for row in StockMove.objects.values("item", "location", "lot").annotate(
            total=Sum("quantity")
        )
    }
    balances = {
        (b.item_id, b.location_id, b.lot_id): b.quantity for b in StockBalance.objects.all()
    }
    assert balances == moves
    assert all(quantity > Decimal("0") for quantity in balances.values())
    assert not StockBalance.objects.filter(item__lot_tracked=True, lot__isnull=True).exists()
    assert not StockBalance.objects.filter(item__lot_tracked=False, lot__isnull=False).exists()


def test_records_pass_their_own_validation(loaded_plant):
    for item in Item.objects.select_related("uom"):
        item.full_clean()
    for line in BomLine.objects.select_related("parent", "component")[:100]:
        line.full_clean()
    for operation in Operation.objects.all()[:100]:
        operation.full_clean()
    for center in WorkCenter.objects.all():
        center.full_clean()


def test_the_stored_bom_has_no_cycle(loaded_plant):
    edges = list(BomLine.objects.values_list("parent_id", "component_id"))
    codes = low_level_codes(Item.objects.values_list("id", flat=True), edges)
    assert max(codes.values()) == 3


def test_the_demo_is_one_audited_import(loaded_plant):
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert "Kestrel" in entry.object_repr
    assert entry.changes["items"] == loaded_plant.counts()["items"]


def test_each_phase_bar_reaches_its_total(db, small_plant):
    from andon.demo import services

    bars = []

    class Bar:
        def __init__(self, label, total):
            self.label, self.total, self.done = label, total, 0
            bars.append(self)

        def update(self, n=1):
            self.done += n

        def close(self):
            pass

    services.load(small_plant, progress=Bar)
    assert len(bars) == len(services.WRITE_PHASES)
    assert [(b.label, b.done) for b in bars] == [(b.label, b.total) for b in bars]
