"""REST endpoints of the inventory context: balances, the move ledger and lots.

Thin: each operation checks the caller's capability, then reads or calls the ledger service.
Items, locations and lots are named by their codes. `POST /stock-moves` is idempotent by
`client_id`: a retry answers 200 with the moves first recorded instead of posting again.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts.permissions import require
from andon.core.errors import NotFound, ValidationFailed
from andon.core.pagination import Pagination
from andon.core.schemas import Timestamp
from andon.inventory import services
from andon.inventory.lookups import item_by_sku, location_by_code, lot_by_code
from andon.inventory.models import Lot, StockBalance, StockMove

router = Router(tags=["inventory"])
CHANGE = "inventory.change"


# --- balances -----------------------------------------------------------------------------------


class BalanceOut(Schema):
    id: int
    item: str
    item_name: str
    location: str
    lot: str | None
    quantity: Decimal
    unit: str

    @staticmethod
    def resolve_item(obj: StockBalance) -> str:
        return obj.item.sku

    @staticmethod
    def resolve_item_name(obj: StockBalance) -> str:
        return obj.item.name

    @staticmethod
    def resolve_location(obj: StockBalance) -> str:
        return obj.location.code

    @staticmethod
    def resolve_lot(obj: StockBalance) -> str | None:
        return obj.lot.code if obj.lot else None

    @staticmethod
    def resolve_unit(obj: StockBalance) -> str:
        return obj.item.uom.code


class BalanceFilter(FilterSchema):
    item: Annotated[str | None, FilterLookup("item__sku")] = None
    location: Annotated[str | None, FilterLookup("location__code")] = None
    lot: Annotated[str | None, FilterLookup("lot__code")] = None
    include_zero: Annotated[bool, FilterLookup("include_zero", ignore_none=True)] = False

    def filter_include_zero(self, value: bool) -> object:
        from django.db.models import Q

        return Q() if value else ~Q(quantity=0)


@router.get("/stock", response=list[BalanceOut], summary="Stock on hand per item, location and lot")
@paginate(Pagination)
def list_stock(request: HttpRequest, filters: Query[BalanceFilter]) -> QuerySet[StockBalance]:
    require(request, "view")
    balances = StockBalance.objects.select_related("item__uom", "location", "lot")
    return filters.filter(balances.order_by("item__sku", "location__code", "lot__code"))


# --- moves --------------------------------------------------------------------------------------


class MoveOut(Schema):
    id: int
    item: str
    location: str
    lot: str | None
    quantity: Decimal
    kind: str
    reason: str
    reference: str
    at: dt.datetime
    recorded_at: dt.datetime
    user: str | None
    client_id: str | None

    @staticmethod
    def resolve_item(obj: StockMove) -> str:
        return obj.item.sku

    @staticmethod
    def resolve_location(obj: StockMove) -> str:
        return obj.location.code

    @staticmethod
    def resolve_lot(obj: StockMove) -> str | None:
        return obj.lot.code if obj.lot else None

    @staticmethod
    def resolve_user(obj: StockMove) -> str | None:
        return obj.user.get_username() if obj.user else None


class MoveFilter(FilterSchema):
    item: Annotated[str | None, FilterLookup("item__sku")] = None
    location: Annotated[str | None, FilterLookup("location__code")] = None
    lot: Annotated[str | None, FilterLookup("lot__code")] = None
    kind: str | None = None
    reference: str | None = None
    since: Annotated[Timestamp | None, FilterLookup("at__gte")] = None
    until: Annotated[Timestamp | None, FilterLookup("at__lt")] = None


@router.get(
    "/stock-moves", response=list[MoveOut], summary="The ledger of stock moves, newest first"
)
@paginate(Pagination)
def list_moves(request: HttpRequest, filters: Query[MoveFilter]) -> QuerySet[StockMove]:
    require(request, "view")
    moves = StockMove.objects.select_related("item", "location", "lot", "user")
    return filters.filter(moves.order_by("-at", "-id"))


class MoveIn(Schema):
    """What to post. `quantity` is the amount received, issued, scrapped or transferred (positive);
    for an adjustment it is signed; for a count it is the quantity counted."""

    kind: str
    item: str
    location: str
    quantity: Decimal
    lot: str | None = None
    to_location: str | None = None
    reason: str = ""
    reference: str = ""
    client_id: str | None = None


POSTABLE = ("receipt", "issue", "scrap", "adjustment", "transfer", "count", "opening")


def _post(request: HttpRequest, data: MoveIn) -> list[StockMove]:
    """Dispatch a posted move to its use case; each one validates and locks on its own."""
    user, cid, ref, why = request.user, data.client_id, data.reference, data.reason
    item = item_by_sku(data.item)
    at = location_by_code(data.location)
    lot = lot_by_code(item, data.lot)
    qty = data.quantity
    match data.kind:
        case "receipt":
            return [services.receive(user, item=item, location=at, quantity=qty, lot=lot,
                                     reference=ref, client_id=cid)]  # fmt: skip
        case "issue":
            return [services.issue(user, item=item, location=at, quantity=qty, lot=lot,
                                   reference=ref, client_id=cid)]  # fmt: skip
        case "scrap":
            return [services.scrap(user, item=item, location=at, quantity=qty, lot=lot,
                                   reason=why, reference=ref, client_id=cid)]  # fmt: skip
        case "adjustment":
            return [services.adjust(user, item=item, location=at, quantity=qty, lot=lot,
                                    reason=why, reference=ref, client_id=cid)]  # fmt: skip
        case "count":
            counted = services.cycle_count(user, item=item, location=at, counted=qty, lot=lot,
                                           reason=why, client_id=cid)  # fmt: skip
            return [counted] if counted else []
        case "opening":
            return [services.opening_balance(user, item=item, location=at, quantity=qty, lot=lot)]
    if not data.to_location:
        raise ValidationFailed("A transfer needs a to_location.", code="to_location_required")
    to = location_by_code(data.to_location, "to_location")
    out, into = services.transfer(user, item=item, from_location=at, to_location=to, quantity=qty,
                                  lot=lot, reference=ref, client_id=cid)  # fmt: skip
    return [out, into]


@router.post(
    "/stock-moves",
    response={200: list[MoveOut], 201: list[MoveOut]},
    summary="Post a stock move (receipt, issue, scrap, adjustment, transfer, count, opening)",
)
def post_move(request: HttpRequest, payload: MoveIn) -> Status[list[StockMove]]:
    require(request, CHANGE)
    if payload.kind not in POSTABLE:
        raise ValidationFailed(f"kind must be one of {', '.join(POSTABLE)}.", code="invalid_kind")
    replay = (
        bool(payload.client_id) and StockMove.objects.filter(client_id=payload.client_id).exists()
    )
    moves = _post(request, payload)
    return Status(200 if replay else 201, moves)


@router.get("/stock-moves/{move_id}", response=MoveOut, summary="One stock move")
def get_move(request: HttpRequest, move_id: int) -> StockMove:
    require(request, "view")
    move = (
        StockMove.objects.select_related("item", "location", "lot", "user")
        .filter(pk=move_id)
        .first()
    )
    if move is None:
        raise NotFound(f"There is no stock move {move_id}.")
    return move


# --- lots ---------------------------------------------------------------------------------------


class LotIn(Schema):
    item: str
    code: str
    expires_on: dt.date | None = None
    supplier_lot: str = ""


class LotOut(LotIn):
    id: int
    created_at: dt.datetime
    on_hand: Decimal | None = None

    @staticmethod
    def resolve_item(obj: Lot) -> str:
        return obj.item.sku


class LotFilter(FilterSchema):
    item: Annotated[str | None, FilterLookup("item__sku")] = None
    code: Annotated[str | None, FilterLookup("code__icontains")] = None
    expires_before: Annotated[dt.date | None, FilterLookup("expires_on__lt")] = None


@router.get("/lots", response=list[LotOut], summary="Lots of lot-tracked items")
@paginate(Pagination)
def list_lots(request: HttpRequest, filters: Query[LotFilter]) -> QuerySet[Lot]:
    require(request, "view")
    return filters.filter(Lot.objects.select_related("item").order_by("item__sku", "code"))


@router.get("/lots/{lot_id}", response=LotOut, summary="One lot, with its stock on hand")
def get_lot(request: HttpRequest, lot_id: int) -> Lot:
    require(request, "view")
    lot = Lot.objects.select_related("item").filter(pk=lot_id).first()
    if lot is None:
        raise NotFound(f"There is no lot {lot_id}.")
    lot.on_hand = services.on_hand(lot.item, lot=lot)  # type: ignore[attr-defined]
    return lot


@router.post("/lots", response={201: LotOut}, summary="Register a lot")
def create_lot(request: HttpRequest, payload: LotIn) -> Status[Lot]:
    require(request, CHANGE)
    lot = services.create_lot(
        request.user,
        item=item_by_sku(payload.item),
        code=payload.code,
        expires_on=payload.expires_on,
        supplier_lot=payload.supplier_lot,
    )
    return Status(201, lot)
