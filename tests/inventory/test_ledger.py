"""The stock ledger's promises: balances equal the sum of moves, no negative stock, no double post."""

from decimal import Decimal

import pytest

from andon.core.errors import Conflict, ValidationFailed
from andon.core.models import AuditEntry
from andon.inventory import services
from andon.inventory.models import Lot, StockBalance, StockMove

pytestmark = pytest.mark.django_db


def balance_of(item, location, lot=None):
    return StockBalance.objects.get(item=item, location=location, lot=lot).quantity


def test_receipt_appends_a_move_and_updates_the_balance(stocked, warehouse, planner):
    move = services.receive(planner, item=stocked, location=warehouse, quantity=5, reference="PO-1")
    assert move.kind == StockMove.Kind.RECEIPT
    assert move.user == planner
    assert balance_of(stocked, warehouse) == Decimal("105")
    assert services.on_hand(stocked) == services.ledger_total(stocked) == Decimal("105")


def test_issue_beyond_stock_is_refused_with_the_numbers_and_writes_nothing(stocked, warehouse):
    moves_before = StockMove.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.issue(None, item=stocked, location=warehouse, quantity=101)
    assert exc.value.code == "insufficient_stock"
    assert "100" in exc.value.detail
    assert "101" in exc.value.detail
    assert StockMove.objects.count() == moves_before
    assert balance_of(stocked, warehouse) == Decimal("100")


def test_issue_from_a_location_without_stock_leaves_no_empty_balance_behind(stocked, line_side):
    with pytest.raises(ValidationFailed):
        services.issue(None, item=stocked, location=line_side, quantity=1)
    assert not StockBalance.objects.filter(location=line_side).exists()


def test_items_allowing_negative_stock_may_go_below_zero(make_item, warehouse):
    item = make_item("GLUE", allow_negative_stock=True)
    services.issue(None, item=item, location=warehouse, quantity=3)
    assert services.on_hand(item, warehouse) == Decimal("-3")


def test_same_client_id_twice_posts_once(stocked, warehouse):
    first = services.issue(None, item=stocked, location=warehouse, quantity=4, client_id="scan-42")
    again = services.issue(None, item=stocked, location=warehouse, quantity=4, client_id="scan-42")
    assert again.pk == first.pk
    assert StockMove.objects.filter(client_id="scan-42").count() == 1
    assert balance_of(stocked, warehouse) == Decimal("96")


def test_whole_number_units_refuse_fractions(stocked, warehouse):
    with pytest.raises(ValidationFailed, match="whole") as exc:
        services.receive(None, item=stocked, location=warehouse, quantity=Decimal("1.5"))
    assert exc.value.code == "invalid_quantity"


def test_fractional_units_accept_fractions_but_not_beyond_the_stored_precision(
    steel, steel_lot, warehouse
):
    services.receive(
        None, item=steel, location=warehouse, quantity=Decimal("12.375"), lot=steel_lot
    )
    assert services.on_hand(steel) == Decimal("12.375")
    with pytest.raises(ValidationFailed, match="decimal places"):
        services.receive(
            None, item=steel, location=warehouse, quantity=Decimal("0.00001"), lot=steel_lot
        )


def test_zero_and_float_quantities_are_refused(stocked, warehouse):
    with pytest.raises(ValidationFailed, match="other than zero"):
        services.adjust(None, item=stocked, location=warehouse, quantity=0, reason="x")
    with pytest.raises(ValidationFailed, match="floats"):
        services.adjust(None, item=stocked, location=warehouse, quantity=1.5, reason="x")


def test_lot_tracked_items_need_a_lot_of_their_own(steel, steel_lot, bolt, warehouse):
    with pytest.raises(ValidationFailed) as exc:
        services.receive(None, item=steel, location=warehouse, quantity=1)
    assert exc.value.code == "lot_required"
    other = Lot.objects.create(item=bolt, code="B-1")
    with pytest.raises(ValidationFailed, match="belongs to BOLT-M8"):
        services.receive(None, item=steel, location=warehouse, quantity=1, lot=other)


def test_receipt_into_a_new_lot_creates_it_and_a_failed_receipt_does_not(steel, warehouse):
    services.receive(None, item=steel, location=warehouse, quantity=5, lot_code="H-2002")
    lot = Lot.objects.get(item=steel, code="H-2002")
    assert services.on_hand(steel, lot=lot) == Decimal("5")
    with pytest.raises(ValidationFailed):
        services.receive(
            None, item=steel, location=warehouse, quantity=Decimal("0.000001"), lot_code="H-3003"
        )
    assert not Lot.objects.filter(code="H-3003").exists()


def test_transfer_moves_stock_in_two_moves_and_is_idempotent(stocked, warehouse, line_side):
    out, into = services.transfer(
        None,
        item=stocked,
        from_location=warehouse,
        to_location=line_side,
        quantity=30,
        client_id="t-1",
    )
    assert (out.quantity, into.quantity) == (Decimal("-30"), Decimal("30"))
    again = services.transfer(
        None,
        item=stocked,
        from_location=warehouse,
        to_location=line_side,
        quantity=30,
        client_id="t-1",
    )
    assert (again[0].pk, again[1].pk) == (out.pk, into.pk)
    assert balance_of(stocked, warehouse) == Decimal("70")
    assert balance_of(stocked, line_side) == Decimal("30")


def test_transfer_of_more_than_on_hand_writes_neither_move(stocked, warehouse, line_side):
    with pytest.raises(ValidationFailed, match="Not enough stock"):
        services.transfer(
            None, item=stocked, from_location=warehouse, to_location=line_side, quantity=101
        )
    assert StockMove.objects.filter(kind=StockMove.Kind.TRANSFER).count() == 0
    with pytest.raises(ValidationFailed, match="two different"):
        services.transfer(
            None, item=stocked, from_location=warehouse, to_location=warehouse, quantity=1
        )


def test_scrap_and_adjustment_need_a_reason_and_are_audited(stocked, warehouse, planner):
    with pytest.raises(ValidationFailed) as exc:
        services.scrap(planner, item=stocked, location=warehouse, quantity=2, reason="  ")
    assert exc.value.code == "reason_required"
    with pytest.raises(ValidationFailed):
        services.adjust(planner, item=stocked, location=warehouse, quantity=-2, reason="")
    services.scrap(planner, item=stocked, location=warehouse, quantity=2, reason="Bent threads")
    services.adjust(planner, item=stocked, location=warehouse, quantity=7, reason="Found on shelf")
    assert balance_of(stocked, warehouse) == Decimal("105")
    assert AuditEntry.objects.filter(model="inventory.stockmove", user=planner).count() == 2


def test_cycle_count_posts_the_difference_or_nothing(stocked, warehouse):
    move = services.cycle_count(None, item=stocked, location=warehouse, counted=97)
    assert move is not None
    assert move.quantity == Decimal("-3")
    assert services.cycle_count(None, item=stocked, location=warehouse, counted=97) is None
    assert balance_of(stocked, warehouse) == Decimal("97")
    with pytest.raises(ValidationFailed):
        services.cycle_count(None, item=stocked, location=warehouse, counted=-1)


def test_opening_balance_is_refused_once_the_ledger_has_moves(stocked, bolt, warehouse, line_side):
    services.opening_balance(None, item=bolt, location=line_side, quantity=12)
    assert balance_of(bolt, line_side) == Decimal("12")
    with pytest.raises(Conflict):
        services.opening_balance(None, item=stocked, location=warehouse, quantity=12)


def test_bulk_opening_balances_are_consistent_with_the_ledger(
    make_item, warehouse, line_side, steel, steel_lot
):
    items = [make_item(f"P-{n}") for n in range(5)]
    rows = [
        services.OpeningRow(item=i, location=warehouse, quantity=Decimal(n + 1))
        for n, i in enumerate(items)
    ]
    rows.append(services.OpeningRow(item=items[0], location=warehouse, quantity=Decimal("2")))
    rows.append(
        services.OpeningRow(item=steel, location=line_side, quantity=Decimal("3.5"), lot=steel_lot)
    )
    counts = services.load_opening_balances(None, rows, label="demo")
    assert counts == {"moves": 6, "rows": 7}
    for balance in StockBalance.objects.all():
        assert balance.quantity == services.ledger_total(
            balance.item, balance.location, balance.lot
        )
    assert services.on_hand(items[0]) == Decimal("3")


def test_bulk_opening_balances_report_every_bad_row_and_write_nothing(
    make_item, warehouse, steel, stocked
):
    ok = make_item("OK-1")
    rows = [
        services.OpeningRow(item=ok, location=warehouse, quantity=Decimal("1")),
        services.OpeningRow(item=ok, location=warehouse, quantity=Decimal("1.5")),
        services.OpeningRow(item=steel, location=warehouse, quantity=Decimal("1")),
        services.OpeningRow(item=stocked, location=warehouse, quantity=Decimal("1")),
    ]
    moves_before = StockMove.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.load_opening_balances(None, rows)
    rows_with_problems = {p.row for p in exc.value.problems}
    assert {2, 3} <= rows_with_problems
    assert any("already has stock" in p.message for p in exc.value.problems)
    assert StockMove.objects.count() == moves_before
    assert services.on_hand(ok) == 0


def test_on_hand_by_item_counts_only_nettable_locations(stocked, warehouse):
    from andon.plant.models import Location

    quarantine = Location.objects.create(
        code="QA", name="Quarantine", kind="quarantine", nettable=False
    )
    services.receive(None, item=stocked, location=quarantine, quantity=9)
    assert services.on_hand_by_item()[stocked.pk] == Decimal("100")
    assert services.on_hand(stocked) == Decimal("109")


def test_create_lot_refuses_duplicates_and_untracked_items(steel, steel_lot, bolt):
    with pytest.raises(Conflict):
        services.create_lot(None, item=steel, code="H-1001")
    with pytest.raises(ValidationFailed, match="not lot-tracked"):
        services.create_lot(None, item=bolt, code="X")
