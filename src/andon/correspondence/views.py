"""Pages of partner correspondence: the supplier's answer page (no account), and the buyer's
letters, supplier confirmations and customer dates.

Views only read and present; every change goes through `correspondence.services`, and a refused
change comes back as a message on the page, never an error page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.core.errors import DomainError, Problem, ValidationFailed
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.correspondence import config, queries, services
from andon.correspondence.models import ConfirmationRequest, Letter
from andon.correspondence.pdf import purchase_order_pdf
from andon.orders.models import PurchaseOrder, SalesOrder

CHANGE = "orders.change"
MAX_COMMENT = 2000


# --- the supplier's page ------------------------------------------------------------------------


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _answers(request: HttpRequest, numbers: list[int]) -> list[services.LineAnswer]:
    return [
        services.LineAnswer(
            line=n,
            date=_date(request.POST.get(f"date-{n}", "")),
            quantity=services.parse_quantity(request.POST.get(f"quantity-{n}", "")),
        )
        for n in numbers
    ]


def _rows(found: ConfirmationRequest, posted: Any, problems: list[Problem]) -> list[dict[str, Any]]:
    """Each line with what was asked, the values in the form and its problems."""
    rows = []
    for line in found.letter.lines.all():
        mine = [p for p in problems if p.row == line.line]
        rows.append(
            {
                "line": line,
                "date": posted.get(f"date-{line.line}", line.date.isoformat()),
                "quantity": posted.get(f"quantity-{line.line}", f"{line.quantity.normalize():f}"),
                "date_error": next((p.message for p in mine if p.column == "date"), ""),
                "quantity_error": next((p.message for p in mine if p.column == "quantity"), ""),
            }
        )
    return rows


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault("plant", config.plant_name())
    return render(request, f"correspondence/{template}", context, status=status)


def _refused(request: HttpRequest, exc: services.LinkRefused) -> HttpResponse:
    context = {
        "refusal": exc,
        "found": exc.found,
        "buyer": exc.found.letter.created_by if exc.found else None,
    }
    return _page(request, "supplier_refused.html", context, exc.status)


# No CSRF token: the secret in the address is the supplier's only credential, so a forged post
# would need that secret already; and a supplier whose browser refuses cookies can still answer.
@csrf_exempt
@never_cache
def supplier_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The page a supplier reaches from the letter: confirm or change each line, submit once."""
    try:
        found = services.find_request(token)
    except services.LinkRefused as exc:
        return _refused(request, exc)
    posted: Any = {}
    problems: list[Problem] = []
    if request.method == "POST":
        posted = request.POST
        numbers = [line.line for line in found.letter.lines.all()]
        comment = posted.get("comment", "")
        try:
            if len(comment) > MAX_COMMENT:
                raise ValidationFailed(
                    "The comment is too long.",
                    [Problem(message=f"Keep the comment under {MAX_COMMENT} characters.",
                             column="comment")],
                )  # fmt: skip
            answered = services.answer_confirmation(
                token, _answers(request, numbers), name=posted.get("name", ""), comment=comment
            )
        except services.LinkRefused as exc:
            return _refused(request, exc)
        except ValidationFailed as exc:
            problems = exc.problems
        else:
            return _page(request, "supplier_thanks.html", {"found": answered})
    context = {
        "found": found,
        "order": found.purchase_order,
        "rows": _rows(found, posted, problems),
        "problems": problems,
        "comment_error": next((p.message for p in problems if p.column == "comment"), ""),
        "name": posted.get("name", ""),
        "comment": posted.get("comment", ""),
        "buyer": found.letter.created_by,
    }
    return _page(request, "supplier_answer.html", context, 400 if problems else 200)


# --- buyer: purchase orders ---------------------------------------------------------------------


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    return HttpResponseRedirect(
        target if target.startswith("/") and not target.startswith("//") else fallback
    )


@require_POST
@requires(CHANGE)
def send_purchase_order(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    _send(request, f"Purchase order {order.number}", services.send_purchase_order, order)
    return _back(request, reverse("orders:purchaseorder-detail", args=[pk]))


def _send(request: HttpRequest, what: str, send: Callable[[Any, Any], Letter], record: Any) -> None:
    """Send through the service, then say how the mail server took it, or why it was not sent."""
    try:
        letter = send(request.user, record)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        _say_delivery(request, letter, what)


def _say_delivery(request: HttpRequest, letter: Letter, what: str) -> None:
    letter.refresh_from_db()
    if letter.state == Letter.State.FAILED:
        messages.error(
            request,
            f"{what}: the mail server refused the letter to {letter.recipient} "
            f"({letter.last_error}). It is kept; retry it from the letter's page.",
        )
    elif letter.state == Letter.State.SENT:
        messages.success(request, f"{what} sent to {letter.recipient}.")
    else:
        messages.success(request, f"{what} is being sent to {letter.recipient}.")


STATUS_BADGE = {
    "awaiting": "info",
    "pending": "",
    "expired": "warn",
    "proposed": "warn",
    "confirmed": "ok",
    "superseded": "",
}


@requires("view")
def confirmation_list(request: HttpRequest) -> HttpResponse:
    """Purchase orders the buyer waits on or must look at again, by what the supplier did."""
    status = request.GET.get("status", "awaiting")
    if status not in queries.STATUSES:
        status = "awaiting"
    rows = list(queries.confirmations(status)[:200])
    return render(
        request,
        "correspondence/confirmation_list.html",
        {
            "status": status,
            "statuses": queries.STATUSES,
            "counts": queries.counts(),
            "rows": rows,
            "badges": STATUS_BADGE,
            "may_change": can(request.user, CHANGE),
        },
    )


@require_POST
@requires(CHANGE)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ConfirmationRequest.objects.select_related("purchase_order"), pk=pk)
    try:
        services.mark_reviewed(request.user, found)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Proposal for {found.purchase_order.number} marked as seen.")
    return _back(request, reverse("correspondence:confirmation-list"))


# --- buyer and customer service: letters --------------------------------------------------------

LETTERS = ListPage(
    title="Letters",
    subtitle="Every email sent to suppliers and customers, newest first.",
    queryset=lambda: Letter.objects.select_related("purchase_order", "sales_order"),
    columns=[
        Column("Sent", "created_at", sort="created_at", link=True),
        Column("Kind", "get_kind_display", sort="kind"),
        Column("Order", "order_number"),
        Column("To", "recipient", sort="recipient"),
        Column("Subject", "subject"),
        Column("State", "get_state_display", sort="state", badge=True),
    ],
    search_fields=["recipient", "subject", "purchase_order__number", "sales_order__number"],
    filters=[
        Filter("kind", "Kind", "kind", Letter.Kind.choices),
        Filter("state", "State", "state", Letter.State.choices),
    ],
    default_sort="-created_at",
    detail_url=lambda letter: reverse("correspondence:letter-detail", args=[letter.pk]),
)


@requires("view")
def letter_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, LETTERS)


@requires("view")
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(queries.letters(), pk=pk)
    return render(
        request,
        "correspondence/letter_detail.html",
        {
            "letter": letter,
            "confirmation": getattr(letter, "confirmation", None),
            "may_retry": letter.retriable and can(request.user, CHANGE),
        },
    )


@requires("view")
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The purchase order as the supplier got it, without their link's secret."""
    letter = get_object_or_404(queries.letters(), pk=pk, kind=Letter.Kind.PURCHASE_ORDER)
    response = HttpResponse(purchase_order_pdf(letter, ""), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.attachment_name}"'
    return response


@require_POST
@requires(CHANGE)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(Letter, pk=pk)
    _send(request, f"Letter about {letter.order_number}", services.retry_letter, letter)
    return HttpResponseRedirect(reverse("correspondence:letter-detail", args=[pk]))


# --- customer service ---------------------------------------------------------------------------


@require_POST
@requires(CHANGE)
def send_order_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(SalesOrder, pk=pk)
    _send(request, f"Confirmation of {order.number}", services.send_order_confirmation, order)
    return _back(request, reverse("orders:salesorder-detail", args=[pk]))


@requires("view")
def customer_dates(request: HttpRequest) -> HttpResponse:
    """Orders whose promised date has moved beyond the tolerance since the customer was told."""
    told = (
        SalesOrder.objects.filter(letters__kind__in=services.TOLD, status=SalesOrder.Status.OPEN)
        .select_related("customer")
        .distinct()
        .order_by("number")
    )
    moved = [(order, rows) for order in told if (rows := services.moved_lines(order))]
    return render(
        request,
        "correspondence/customer_dates.html",
        {
            "moved": moved,
            "tolerance": config.tolerance_days(),
            "recent": queries.letters().exclude(sales_order=None)[:20],
            "may_change": can(request.user, CHANGE),
        },
    )


@require_POST
@requires(CHANGE)
def notify(request: HttpRequest) -> HttpResponse:
    done = services.notify_customers(request.user)
    sent = len(done.revised) + len(done.shipped)
    if sent:
        messages.success(
            request,
            f"{len(done.revised)} revised-date letter(s) and {len(done.shipped)} shipping "
            "notice(s) written.",
        )
    else:
        messages.info(request, "No customer needs to hear anything new.")
    for number, why in done.skipped.items():
        messages.error(request, f"{number}: {why}")
    return HttpResponseRedirect(reverse("correspondence:customer-dates"))
