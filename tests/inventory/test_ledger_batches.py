"""A batch of moves is posted as its moves one by one would be, or refused whole.

Property: for any sequence of moves, `post_moves` on the batch leaves the same balances as posting
the moves one after the other; where one by one a move would be refused, the batch is refused
with that move's number and the ledger is left exactly as it was.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from andon.core.errors import DomainError, ValidationFailed
from andon.inventory import ledger
from andon.inventory.ledger import MoveRequest, post_moves
from andon.inventory.models import StockBalance, StockMove

pytestmark = pytest.mark.django_db

MOVES = st.lists(
    st.tuples(
        st.sampled_from(["receipt", "issue", "adjustment", "scrap"]),
        st.integers(min_value=0, max_value=2),  # which item: strict, loose, lot-tracked
        st.integers(min_value=0, max_value=1),  # which location
        st.integers(min_value=1, max_value=30),  # size of the move
        st.booleans(),  # an adjustment's sign
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def stock(make_item, warehouse, line_side):
    from andon.inventory.models import Lot

    strict = make_item("STRICT")
    loose = make_item("LOOSE", allow_negative_stock=True)
    tracked = make_item("TRACKED", lot_tracked=True)
    lot = Lot.objects.create(item=tracked, code="L1")
    return {"items": [strict, loose, tracked], "lot": lot, "locations": [warehouse, line_side]}


def _requests(stock, moves) -> list[MoveRequest]:
    requests = []
    for kind, item_index, location_index, size, up in moves:
        item = stock["items"][item_index]
        signed = size if kind == "receipt" or (kind == "adjustment" and up) else -size
        requests.append(
            MoveRequest(
                item,
                stock["locations"][location_index],
                Decimal(signed),
                kind,
                stock["lot"].pk if item.lot_tracked else None,  # lots by id, as batches send
                reason="recount" if kind in ("adjustment", "scrap") else "",
            )
        )
    return requests


def _books() -> dict:
    return {
        (b.item_id, b.location_id, b.lot_id): b.quantity
        for b in StockBalance.objects.exclude(quantity=0)
    }


def _balances_are_their_moves() -> None:
    for balance in StockBalance.objects.select_related("item"):
        total = StockMove.objects.filter(
            item=balance.item, location=balance.location, lot=balance.lot
        ).aggregate(s=Sum("quantity"))["s"] or Decimal("0")
        assert balance.quantity == total
        if not balance.item.allow_negative_stock:
            assert balance.quantity >= 0


def _one_by_one(requests) -> tuple[dict, int | None]:
    """Balances after posting each move alone, stopping at the first refused (its number)."""
    with transaction.atomic():
        refused = None
        for number, request in enumerate(requests, start=1):
            try:
                with transaction.atomic():
                    post_moves(None, [request])
            except DomainError:
                refused = number
                break
        books = _books()
        transaction.set_rollback(True)
    return books, refused


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=MOVES)
def test_a_batch_ends_where_its_moves_one_by_one_would_or_is_refused_whole(stock, moves):
    requests = _requests(stock, moves)
    expected, refused = _one_by_one(requests)
    before, count = _books(), StockMove.objects.count()
    with transaction.atomic():
        if refused is None:
            posted = post_moves(None, requests)
            assert [m.quantity for m in posted] == [r.quantity for r in requests]
            assert _books() == expected
            _balances_are_their_moves()
        else:
            with pytest.raises(ValidationFailed) as refusal, transaction.atomic():
                post_moves(None, requests)
            if len(requests) > 1:
                assert refusal.value.detail.startswith(f"Move {refused} of {len(requests)}: ")
            assert _books() == before
            assert StockMove.objects.count() == count
        transaction.set_rollback(True)


def test_a_bad_move_refuses_the_whole_batch_and_writes_nothing(stock, warehouse, line_side):
    strict, loose, _ = stock["items"]
    post_moves(None, [MoveRequest(strict, warehouse, Decimal("10"), "receipt")])
    balances, moves = StockBalance.objects.count(), StockMove.objects.count()
    batch = [
        MoveRequest(loose, line_side, Decimal("5"), "receipt"),  # a balance still to create
        MoveRequest(strict, warehouse, Decimal("-4"), "issue"),
        MoveRequest(strict, warehouse, Decimal("-7"), "issue"),  # 6 left: short by one
    ]
    with pytest.raises(ValidationFailed) as refusal:
        post_moves(None, batch)
    assert refusal.value.code == "insufficient_stock"
    assert refusal.value.detail == (
        "Move 3 of 3: Not enough stock: STRICT at WH has 6 pcs on hand, 7 requested."
    )
    assert refusal.value.problems[0].row == 3
    assert StockBalance.objects.count() == balances  # not even the new zero row
    assert StockMove.objects.count() == moves
    assert StockBalance.objects.get(item=strict).quantity == 10


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (
            lambda s, wh: MoveRequest(s["items"][0], wh, Decimal("1.5"), "receipt"),
            "invalid_quantity",
        ),
        (lambda s, wh: MoveRequest(s["items"][0], wh, Decimal("3"), "issue"), "invalid_quantity"),
        (
            lambda s, wh: MoveRequest(s["items"][0], wh, Decimal("3"), "adjustment"),
            "reason_required",
        ),
        (lambda s, wh: MoveRequest(s["items"][2], wh, Decimal("3"), "receipt"), "lot_required"),
        (lambda s, wh: MoveRequest(s["items"][0], wh, 3, "receipt", s["lot"].pk), "wrong_lot"),
        (lambda s, wh: MoveRequest(s["items"][0], wh, Decimal("3"), "wish"), "invalid_kind"),
    ],
    ids=["fraction", "issue-sign", "reason", "lot-missing", "wrong-lot", "kind"],
)
def test_each_rule_of_a_single_move_refuses_a_batch(stock, warehouse, bad, code):
    good = MoveRequest(stock["items"][1], warehouse, Decimal("2"), "receipt")
    with pytest.raises(ValidationFailed) as refusal:
        post_moves(None, [good, bad(stock, warehouse)])
    assert refusal.value.code == code
    assert refusal.value.detail.startswith("Move 2 of 2: ")
    assert not StockMove.objects.exists()
    assert not StockBalance.objects.exists()


def test_a_retried_id_returns_the_recorded_move_and_a_repeat_in_the_batch_posts_once(
    stock, warehouse
):
    strict = stock["items"][0]
    (first,) = post_moves(None, [MoveRequest(strict, warehouse, 5, "receipt", client_id="r-1")])
    again, new, repeat = post_moves(
        None,
        [
            MoveRequest(strict, warehouse, 5, "receipt", client_id="r-1"),
            MoveRequest(strict, warehouse, 2, "receipt", client_id="r-2"),
            MoveRequest(strict, warehouse, 2, "receipt", client_id="r-2"),
        ],
    )
    assert again.pk == first.pk
    assert repeat.pk == new.pk
    assert StockMove.objects.count() == 2
    assert StockBalance.objects.get(item=strict).quantity == 7


def test_locked_balances_are_created_at_zero_where_missing(stock, warehouse):
    strict = stock["items"][0]
    post_moves(None, [MoveRequest(strict, warehouse, 4, "receipt")])
    loose = stock["items"][1]
    keys = [(strict.pk, warehouse.pk, None), (loose.pk, warehouse.pk, None)]
    with transaction.atomic():
        books = ledger.lock_balances(keys)
    assert books.on_hand == {keys[0]: Decimal("4"), keys[1]: Decimal("0")}
    assert books.new == frozenset({keys[1]})
    assert StockBalance.objects.get(item=loose).quantity == 0


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_any_transaction_takes_its_own(stock):
    """Called in autocommit, the ledger still locks the rows it adds to and writes all or none:
    the second batch finds the first one's balance and must lock it to add."""
    strict, warehouse = stock["items"][0], stock["locations"][0]
    post_moves(None, [MoveRequest(strict, warehouse, Decimal(5), "receipt")])
    post_moves(None, [MoveRequest(strict, warehouse, Decimal(3), "receipt")])
    with pytest.raises(ValidationFailed):
        post_moves(
            None,
            [
                MoveRequest(strict, warehouse, Decimal(2), "receipt"),
                MoveRequest(strict, warehouse, Decimal(-20), "issue"),
            ],
        )
    assert _books() == {(strict.pk, warehouse.pk, None): Decimal(8)}
    _balances_are_their_moves()
