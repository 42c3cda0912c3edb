"""Letters to partners: purchase orders to suppliers and their one-time confirmation links, and
order confirmations and revised delivery dates to customers.

Thin: each operation checks the caller's capability, then reads through `queries` or calls
`services`. Sending answers 202 with the letter as written: delivery happens in the background,
and the letter's `state` tells whether it left (`sent`) or the mail server refused it (`failed`,
retry with `POST /letters/{id}/retry`).
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts.permissions import require
from andon.core.pagination import Pagination
from andon.core.schemas import related
from andon.correspondence import queries, services
from andon.correspondence.models import ConfirmationRequest, Letter
from andon.orders.models import PurchaseOrder, SalesOrder

router = Router(tags=["correspondence"])
CHANGE = "orders.change"
MAX_ID = 2**53
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class LetterLineOut(Schema):
    line: int
    item: str = Field(alias="item_sku")
    item_name: str
    partner_reference: str
    quantity: Decimal
    unit: str
    date: dt.date = Field(description="Asked of the supplier, or promised to the customer.")
    previous_date: dt.date | None = Field(description="What the customer was told before.")
    answered_quantity: Decimal | None
    answered_date: dt.date | None


class ConfirmationOut(Schema):
    letter_id: int
    purchase_order: str = Field(alias="purchase_order.number")
    supplier: str = Field(alias="purchase_order.supplier.code")
    status: str = Field(description="pending, awaiting, expired, confirmed, proposed, superseded.")
    issued_at: dt.datetime | None
    expires_at: dt.datetime | None
    answered_at: dt.datetime | None
    answered_by: str
    comment: str
    changed: bool
    later: bool
    reviewed_at: dt.datetime | None

    @staticmethod
    def resolve_status(obj: ConfirmationRequest) -> str:
        return "awaiting" if obj.status == "open" else obj.status


class LetterOut(Schema):
    id: int
    kind: str = Field(description="purchase_order, order_confirmation, revised_date, shipped.")
    state: str = Field(description="queued, sending, sent, failed.")
    purchase_order: str | None
    sales_order: str | None
    recipient: str
    subject: str
    body: str
    attachment_name: str
    created_at: dt.datetime
    created_by: str | None
    sent_at: dt.datetime | None
    attempts: int
    last_error: str
    lines: list[LetterLineOut]
    confirmation: ConfirmationOut | None

    resolve_purchase_order = related("purchase_order.number")

    resolve_sales_order = related("sales_order.number")

    resolve_created_by = related("created_by.username")

    @staticmethod
    def resolve_confirmation(obj: Letter) -> ConfirmationRequest | None:
        return getattr(obj, "confirmation", None)


LetterKind = Literal["purchase_order", "order_confirmation", "revised_date", "shipped"]
LetterState = Literal["queued", "sending", "sent", "failed"]


class LetterFilter(Schema):
    kind: LetterKind | None = None
    state: LetterState | None = None
    order: str | None = Field(None, description="Purchase or sales order number.")


@router.get("/letters", response=list[LetterOut], summary="List letters, newest first")
@paginate(Pagination)
def list_letters(request: HttpRequest, filters: Query[LetterFilter]) -> QuerySet[Letter]:
    require(request, "view")
    query = queries.letters()
    if filters.kind:
        query = query.filter(kind=filters.kind)
    if filters.state:
        query = query.filter(state=filters.state)
    if filters.order:
        query = query.filter(
            Q(purchase_order__number=filters.order) | Q(sales_order__number=filters.order)
        )
    return query


@router.get("/letters/{letter_id}", response=LetterOut, summary="One letter")
def get_letter(request: HttpRequest, letter_id: Id) -> Letter:
    require(request, "view")
    return get_object_or_404(queries.letters(), pk=letter_id)


def _accepted(letter: Letter) -> Status[Letter]:
    """A 202: the letter is queued for the mail worker, shown as the list shows it."""
    return Status(202, queries.letters().get(pk=letter.pk))


@router.post(
    "/letters/{letter_id}/retry", response={202: LetterOut}, summary="Send a failed letter again"
)
def retry_letter(request: HttpRequest, letter_id: Id) -> Status[Letter]:
    require(request, CHANGE)
    return _accepted(services.retry_letter(request.user, get_object_or_404(Letter, pk=letter_id)))


@router.post(
    "/purchase-orders/{order_id}/send",
    response={202: LetterOut},
    summary="Email a purchase order to its supplier with a confirmation link",
)
def send_purchase_order(request: HttpRequest, order_id: Id) -> Status[Letter]:
    require(request, CHANGE)
    order = get_object_or_404(PurchaseOrder, pk=order_id)
    return _accepted(services.send_purchase_order(request.user, order))


class ConfirmationFilter(Schema):
    status: Literal["awaiting", "proposed", "expired", "failed", "confirmed"] | None = None


@router.get(
    "/supplier-confirmations",
    response=list[ConfirmationOut],
    summary="Supplier confirmations of purchase orders, newest first",
)
@paginate(Pagination)
def list_confirmations(
    request: HttpRequest, filters: Query[ConfirmationFilter]
) -> QuerySet[ConfirmationRequest]:
    require(request, "view")
    return queries.confirmations(filters.status or "")


@router.post(
    "/supplier-confirmations/{letter_id}/review",
    response=ConfirmationOut,
    summary="Mark a supplier's proposal as seen",
)
def review_confirmation(request: HttpRequest, letter_id: Id) -> ConfirmationRequest:
    require(request, CHANGE)
    found = get_object_or_404(ConfirmationRequest, letter_id=letter_id)
    services.mark_reviewed(request.user, found)
    return queries.confirmations().get(pk=found.pk)


@router.post(
    "/sales-orders/{order_id}/confirmation",
    response={202: LetterOut},
    summary="Email an order confirmation with the dates the schedule can keep",
)
def send_order_confirmation(request: HttpRequest, order_id: Id) -> Status[Letter]:
    require(request, CHANGE)
    order = get_object_or_404(SalesOrder, pk=order_id)
    return _accepted(services.send_order_confirmation(request.user, order))


class NotifiedOut(Schema):
    checked: int
    revised: list[LetterOut]
    shipped: list[LetterOut]
    skipped: dict[str, str] = Field(description="Order number: why it was not told.")


@router.post(
    "/customer-notifications",
    response=NotifiedOut,
    summary="Tell customers whose delivery dates moved or whose orders shipped",
)
def notify_customers(request: HttpRequest) -> dict[str, object]:
    require(request, CHANGE)
    done = services.notify_customers(request.user)
    ids = [letter.pk for letter in done.revised + done.shipped]
    written = {letter.pk: letter for letter in queries.letters().filter(pk__in=ids)}
    return {
        "checked": done.checked,
        "revised": [written[x.pk] for x in done.revised],
        "shipped": [written[x.pk] for x in done.shipped],
        "skipped": done.skipped,
    }
