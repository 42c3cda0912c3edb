"""Use cases of partner correspondence: send purchase orders and take the supplier's answer; confirm
sales orders and tell customers when their delivery date moves.

Each function that writes is one transaction, audited, and refuses bad input with a `DomainError`
before anything is written. Letters are only written here; they leave through the background
delivery in `andon.correspondence.mail` once the transaction has committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from andon.core import audit
from andon.core import services as core
from andon.core.errors import Conflict, DomainError, Problem, ValidationFailed
from andon.correspondence import compose, config, promises
from andon.correspondence.models import ConfirmationRequest, Letter, LetterLine
from andon.correspondence.tokens import token_hash, well_formed
from andon.inventory.services import check_quantity
from andon.orders import supplier as orders
from andon.orders.models import PurchaseOrder, PurchaseOrderLine, SalesOrder, SalesOrderLine
from andon.partners.models import SupplierItem

CLOSED_PURCHASE = (PurchaseOrder.Status.CANCELLED, PurchaseOrder.Status.RECEIVED)
TOLD = (Letter.Kind.ORDER_CONFIRMATION, Letter.Kind.REVISED_DATE)


def _enqueue(letter: Letter) -> None:
    from andon.correspondence.tasks import deliver_letter

    letter_id = letter.pk
    transaction.on_commit(lambda: deliver_letter.enqueue(letter_id=letter_id))


def _new_letter(user: Any, kind: str, recipient: str, **order: Any) -> Letter:
    letter = Letter(kind=kind, recipient=recipient, created_by=_user(user), **order)
    letter.subject = compose.subject(letter)
    return core.create(user, letter)


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _need_base_url() -> None:
    if not config.base_url():
        raise ValidationFailed(
            "Set ANDON_BASE_URL to the address suppliers reach Andon at; the confirmation link "
            "in the letter starts with it.",
            code="no_base_url",
        )


def _need_email(partner: Any, kind: str) -> str:
    if not partner.email:
        raise ValidationFailed(
            f"{kind} {partner.code} has no email address: add one on their page first.",
            [Problem(message="No email address.", column="email")],
            code="no_email",
        )
    return str(partner.email)


# --- purchase orders ----------------------------------------------------------------------------


@transaction.atomic
def send_purchase_order(user: Any, order: PurchaseOrder) -> Letter:
    """Write the purchase order letter to the supplier with its open lines and queue it.

    The lines remember the date asked for the first time they are sent. The link is issued when
    the letter leaves, and then replaces every earlier link for this order.
    """
    order = PurchaseOrder.objects.select_for_update().select_related("supplier").get(pk=order.pk)
    if order.status in CLOSED_PURCHASE:
        raise Conflict(
            f"Purchase order {order.number} is {order.get_status_display().lower()}; "
            "there is nothing to send.",
            code="order_closed",
        )
    recipient = _need_email(order.supplier, "Supplier")
    _need_base_url()
    lines = [
        ln
        for ln in PurchaseOrderLine.objects.filter(order=order)
        .select_related("item__uom")
        .order_by("line")
        if ln.open_quantity > 0
    ]
    if not lines:
        raise Conflict(f"Purchase order {order.number} has no open lines.", code="nothing_open")
    letter = _new_letter(user, Letter.Kind.PURCHASE_ORDER, recipient, purchase_order=order)
    letter.attachment_name = f"{order.number}.pdf"
    letter.save(update_fields=["attachment_name"])
    parts = dict(
        SupplierItem.objects.filter(supplier=order.supplier, item__in=[ln.item for ln in lines])
        .exclude(supplier_sku="")
        .values_list("item_id", "supplier_sku")
    )
    LetterLine.objects.bulk_create(
        LetterLine(
            letter=letter, line=ln.line, purchase_line=ln, item_sku=ln.item.sku,
            item_name=ln.item.name, partner_reference=parts.get(ln.item_id, ""),
            quantity=ln.open_quantity, unit=ln.item.uom.code, date=ln.due_date,
        )
        for ln in lines
    )  # fmt: skip
    orders.remember_requested_dates(user, order)
    # Sending again is the buyer's reply to a proposal: it no longer waits for their review.
    for answered in ConfirmationRequest.objects.filter(
        purchase_order=order, state=ConfirmationRequest.State.ANSWERED, reviewed_at=None
    ):
        core.update(user, answered, {"reviewed_at": timezone.now(), "reviewed_by": _user(user)})
    request = ConfirmationRequest.objects.create(letter=letter, purchase_order=order)
    audit.record(user, "create", request, audit.snapshot(request))
    _enqueue(letter)
    return letter


@transaction.atomic
def retry_letter(user: Any, letter: Letter) -> Letter:
    """Queue a letter the mail server refused again; a letter replaced by a newer one is not."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.state != Letter.State.FAILED:
        raise Conflict(
            f"Letter {letter.pk} is {letter.get_state_display().lower()}, not failed.",
            code="not_failed",
        )
    newer = Letter.objects.filter(
        kind=letter.kind,
        purchase_order=letter.purchase_order,
        sales_order=letter.sales_order,
        created_at__gt=letter.created_at,
    )
    if newer.exists():
        raise Conflict(
            f"A newer {letter.get_kind_display().lower()} for {letter.order_number} exists; "
            "retry or send that one instead.",
            code="superseded",
        )
    core.update(user, letter, {"state": Letter.State.QUEUED, "last_error": ""})
    _enqueue(letter)
    return letter


class LinkRefused(DomainError):
    """The supplier's link cannot be used; `code` says why, for the page to explain."""

    def __init__(
        self,
        detail: str,
        code: str,
        when: dt.datetime | None = None,
        found: ConfirmationRequest | None = None,
    ):
        super().__init__(detail=detail, code=code, status=410 if code != "unknown" else 404)
        self.when = when
        self.found = found


def find_request(
    token: str, now: dt.datetime | None = None, lock: bool = False
) -> ConfirmationRequest:
    """The open request a token names, or `LinkRefused` saying why it cannot be answered."""
    now = now or timezone.now()
    found = None
    if well_formed(token):
        query = ConfirmationRequest.objects.select_related(
            "letter__created_by", "purchase_order__supplier"
        )
        if lock:
            query = query.select_for_update(of=("self",))
        found = query.filter(token_hash=token_hash(token)).first()
    if found is None:
        raise LinkRefused("This link is not valid.", "unknown")
    if found.state == ConfirmationRequest.State.ANSWERED:
        raise LinkRefused(
            "This order has already been answered.", "answered", found.answered_at, found
        )
    if found.state == ConfirmationRequest.State.SUPERSEDED:
        raise LinkRefused("A newer version of this order was sent.", "superseded", None, found)
    if found.purchase_order.status == PurchaseOrder.Status.CANCELLED:
        raise LinkRefused("The order was cancelled.", "cancelled", None, found)
    if found.state != ConfirmationRequest.State.OPEN or found.expired(now):
        raise LinkRefused("This link has expired.", "expired", found.expires_at, found)
    return found


@dataclass(frozen=True)
class LineAnswer:
    """The supplier's answer for one line, as typed: None where they gave nothing usable."""

    line: int
    date: dt.date | None
    quantity: Decimal | None


def parse_quantity(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


def _answer_problems(
    lines: Sequence[LetterLine], answers: dict[int, LineAnswer], today: dt.date
) -> list[Problem]:
    problems: list[Problem] = []
    for letter_line in lines:
        n = letter_line.line
        answer = answers.get(n)
        if answer is None or answer.date is None:
            problems.append(Problem(message="Give a date.", row=n, column="date"))
        elif answer.date < today:
            problems.append(
                Problem(message="The date cannot be in the past.", row=n, column="date")
            )
        if answer is None or answer.quantity is None:
            problems.append(Problem(message="Give a quantity.", row=n, column="quantity"))
        elif answer.quantity <= 0:
            problems.append(
                Problem(message="The quantity must be more than zero.", row=n, column="quantity")
            )
        elif letter_line.purchase_line is not None:
            try:
                check_quantity(letter_line.purchase_line.item, answer.quantity)
            except ValidationFailed as exc:
                problems.append(Problem(message=exc.detail, row=n, column="quantity"))
    return problems


@transaction.atomic
def answer_confirmation(
    token: str,
    answers: Sequence[LineAnswer],
    *,
    name: str = "",
    comment: str = "",
    now: dt.datetime | None = None,
) -> ConfirmationRequest:
    """Take the supplier's answer: every line confirmed or changed, all at once, and only once.

    The purchase order lines take the answered date and quantity, which is what MRP and the
    schedule read as open supply; the letter keeps what was asked beside what was answered.
    """
    now = now or timezone.now()
    request = find_request(token, now, lock=True)
    lines = list(request.letter.lines.select_related("purchase_line__item__uom"))
    by_line = {a.line: a for a in answers}
    problems = _answer_problems(lines, by_line, timezone.localdate(now))
    if problems:
        raise ValidationFailed(
            "Please correct the marked lines: " + "; ".join(str(p) for p in problems), problems
        )
    for letter_line in lines:
        answer = by_line[letter_line.line]
        letter_line.answered_date = answer.date
        letter_line.answered_quantity = answer.quantity
        letter_line.save(update_fields=["answered_date", "answered_quantity"])
    request.state = ConfirmationRequest.State.ANSWERED
    request.answered_at = now
    request.answered_by = name.strip()[:100]
    request.comment = comment.strip()
    request.changed = any(ln.proposed for ln in lines)
    request.later = any(ln.later for ln in lines)
    request.save()
    audit.record(None, "update", request, audit.snapshot(request))
    orders.confirm_purchase_order(None, request.purchase_order, _supply(lines), confirmed_at=now)
    return request


def _supply(lines: Sequence[LetterLine]) -> list[orders.ConfirmedLine]:
    """The open supply MRP reads, as answered: each order line's due date and quantity to come."""
    return [
        orders.ConfirmedLine(
            line=ln.purchase_line,
            due_date=ln.answered_date,
            open_quantity=ln.answered_quantity,
        )
        for ln in lines
        if ln.purchase_line is not None
    ]


@transaction.atomic
def mark_reviewed(user: Any, request: ConfirmationRequest) -> ConfirmationRequest:
    """The buyer has seen the supplier's proposal: it leaves the list of changes to look at."""
    request = ConfirmationRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ConfirmationRequest.State.ANSWERED:
        raise Conflict("The supplier has not answered yet.", code="not_answered")
    return core.update(user, request, {"reviewed_at": timezone.now(), "reviewed_by": _user(user)})


# --- customers ----------------------------------------------------------------------------------


def _open_lines(order: SalesOrder) -> list[SalesOrderLine]:
    lines = SalesOrderLine.objects.filter(order=order).select_related("item__uom").order_by("line")
    return [ln for ln in lines if ln.open_quantity > 0]


def _sales_letter(
    user: Any,
    order: SalesOrder,
    kind: str,
    rows: Sequence[tuple[SalesOrderLine, dt.date, dt.date | None]],
) -> Letter:
    letter = _new_letter(user, kind, order.customer.email, sales_order=order)
    LetterLine.objects.bulk_create(
        LetterLine(
            letter=letter, line=ln.line, sales_line=ln, item_sku=ln.item.sku,
            item_name=ln.item.name, quantity=ln.quantity, unit=ln.item.uom.code, date=date,
            previous_date=previous,
        )
        for ln, date, previous in rows
    )  # fmt: skip
    _enqueue(letter)
    return letter


@transaction.atomic
def send_order_confirmation(user: Any, order: SalesOrder) -> Letter:
    """Confirm the open lines to the customer with the dates the schedule in force can keep."""
    order = SalesOrder.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if order.status != SalesOrder.Status.OPEN:
        raise Conflict(
            f"Sales order {order.number} is {order.get_status_display().lower()}; "
            "only open orders are confirmed.",
            code="order_closed",
        )
    _need_email(order.customer, "Customer")
    lines = _open_lines(order)
    if not lines:
        raise Conflict(f"Sales order {order.number} has no open lines.", code="nothing_open")
    promised = promises.promised_dates(lines)
    return _sales_letter(
        user, order, Letter.Kind.ORDER_CONFIRMATION, [(ln, promised[ln.pk], None) for ln in lines]
    )


def last_told(order: SalesOrder) -> dict[int, dt.date]:
    """Per sales order line id: the delivery date the customer was last given in a letter."""
    told: dict[int, dt.date] = {}
    for line_id, date in (
        LetterLine.objects.filter(letter__sales_order=order, letter__kind__in=TOLD)
        .exclude(sales_line=None)
        .order_by("letter__created_at", "letter_id")
        .values_list("sales_line_id", "date")
    ):
        told[line_id] = date
    return told


@dataclass
class Moved:
    """A line whose promised date moved beyond the tolerance since the customer was told."""

    line: SalesOrderLine
    told: dt.date
    now: dt.date

    @property
    def days(self) -> int:
        return (self.now - self.told).days


def moved_lines(order: SalesOrder, tolerance: int | None = None) -> list[Moved]:
    """The open lines the customer should hear about again; empty if they were never told."""
    tolerance = config.tolerance_days() if tolerance is None else tolerance
    told = last_told(order)
    if not told:
        return []
    lines = [ln for ln in _open_lines(order) if ln.pk in told]
    promised = promises.promised_dates(lines)
    return [
        Moved(ln, told[ln.pk], promised[ln.pk])
        for ln in lines
        if abs((promised[ln.pk] - told[ln.pk]).days) > tolerance
    ]


@dataclass
class Notified:
    """What one pass of telling customers did, for the command, the API and the page."""

    revised: list[Letter] = field(default_factory=list)
    shipped: list[Letter] = field(default_factory=list)
    checked: int = 0
    skipped: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "checked": self.checked,
            "revised": len(self.revised),
            "shipped": len(self.shipped),
            "skipped": len(self.skipped),
        }


def notify_customers(user: Any = None, tolerance: int | None = None) -> Notified:
    """One revised-date letter per order whose promised date moved, one shipping notice per
    shipped order; each order in its own transaction, so one bad order does not stop the others.

    Only customers who were sent a confirmation hear more. Running it twice sends nothing new:
    the letter just written is what the customer was last told.
    """
    result = Notified()
    told = (
        SalesOrder.objects.filter(letters__kind__in=TOLD)
        .exclude(status=SalesOrder.Status.CANCELLED)
        .distinct()
        .order_by("number")
    )
    for order in told:
        result.checked += 1
        try:
            letter = _notify_one(user, order, tolerance)
        except DomainError as exc:
            result.skipped[order.number] = exc.detail
            continue
        if letter is not None:
            kind = result.shipped if letter.kind == Letter.Kind.SHIPPED else result.revised
            kind.append(letter)
    return result


@transaction.atomic
def _notify_one(user: Any, order: SalesOrder, tolerance: int | None) -> Letter | None:
    order = SalesOrder.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if order.status == SalesOrder.Status.SHIPPED:
        if order.letters.filter(kind=Letter.Kind.SHIPPED).exists():
            return None
        _need_email(order.customer, "Customer")
        lines = list(order.lines.select_related("item__uom").order_by("line"))
        return _sales_letter(
            user, order, Letter.Kind.SHIPPED, [(ln, ln.due_date, None) for ln in lines]
        )
    if order.status != SalesOrder.Status.OPEN:
        return None
    moved = {m.line.pk: m for m in moved_lines(order, tolerance)}
    if not moved:
        return None
    _need_email(order.customer, "Customer")
    told = last_told(order)
    lines = _open_lines(order)
    promised = promises.promised_dates(lines)
    rows = [(ln, promised[ln.pk], told.get(ln.pk)) for ln in lines]
    return _sales_letter(user, order, Letter.Kind.REVISED_DATE, rows)
