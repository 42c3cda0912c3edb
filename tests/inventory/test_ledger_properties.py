"""Property test: whatever sequence of moves people post, the ledger stays consistent.

Invariants after every step: each balance equals the sum of its moves, and stock of an item that
does not allow negative stock is never below zero. Refused moves leave no trace.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from andon.core.errors import DomainError
from andon.inventory import services
from andon.inventory.models import StockBalance, StockMove

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "issue", "scrap", "adjust", "transfer", "count"]),
        st.integers(min_value=0, max_value=1),  # which item
        st.integers(min_value=0, max_value=1),  # which location
        st.integers(min_value=-20, max_value=40),  # quantity
    ),
    max_size=25,
)


def _apply(op, item, location, other, qty):
    if op == "receive":
        services.receive(None, item=item, location=location, quantity=qty)
    elif op == "issue":
        services.issue(None, item=item, location=location, quantity=qty)
    elif op == "scrap":
        services.scrap(None, item=item, location=location, quantity=qty, reason="damaged")
    elif op == "adjust":
        services.adjust(None, item=item, location=location, quantity=qty, reason="recount")
    elif op == "transfer":
        services.transfer(None, item=item, from_location=location, to_location=other, quantity=qty)
    else:
        services.cycle_count(None, item=item, location=location, counted=qty)


def _check_invariants():
    for balance in StockBalance.objects.select_related("item"):
        total = StockMove.objects.filter(
            item=balance.item, location=balance.location, lot=balance.lot
        ).aggregate(s=Sum("quantity"))["s"] or Decimal("0")
        assert balance.quantity == total
        if not balance.item.allow_negative_stock:
            assert balance.quantity >= 0


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_balances_always_equal_the_sum_of_moves(operations, make_item, warehouse):
    from andon.plant.models import Location

    with transaction.atomic():
        other, _ = Location.objects.get_or_create(code="LS", defaults={"name": "Line side"})
        items = [
            _item(make_item, "STRICT", False),
            _item(make_item, "LOOSE", True),
        ]
        locations = [warehouse, other]
        for op, item_index, location_index, qty in operations:
            location = locations[location_index]
            target = locations[1 - location_index]
            moves_before = StockMove.objects.count()
            try:
                with transaction.atomic():
                    _apply(op, items[item_index], location, target, qty)
            except DomainError:
                assert StockMove.objects.count() == moves_before
            _check_invariants()
        transaction.set_rollback(True)


def _item(make_item, sku, negative):
    from andon.catalog.models import Item

    found = Item.objects.filter(sku=sku).first()
    return found or make_item(sku, allow_negative_stock=negative)
