"""Stock pages: balances, the move ledger, one item's stock, and hand-posted corrections.

Views read and present; moves are posted only through `inventory.services`, and a refused move
(not enough stock, no reason, wrong lot) comes back as an error on the form.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.catalog.models import Item
from andon.core.errors import DomainError
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.inventory import services
from andon.inventory.forms import AdjustmentForm, CountForm, MoveForm, ScrapForm, TransferForm
from andon.inventory.models import StockBalance, StockMove
from andon.plant.models import Location

CHANGE = "inventory.change"
RECENT_MOVES = 50


def _locations() -> list[tuple[str, str]]:
    return [
        (str(pk), code) for pk, code in Location.objects.order_by("code").values_list("pk", "code")
    ]


STOCK = ListPage(
    title="Stock on hand",
    subtitle="Derived from the ledger of stock moves.",
    queryset=lambda: StockBalance.objects.select_related("item__uom", "location", "lot").exclude(
        quantity=0
    ),
    columns=[
        Column("Item", "item.sku", sort="item__sku", link=True),
        Column("Name", "item.name"),
        Column("Location", "location.code", sort="location__code"),
        Column("Lot", "lot.code"),
        Column("On hand", "quantity", sort="quantity", numeric=True),
        Column("Unit", "item.uom.code"),
    ],
    search_fields=["item__sku", "item__name", "location__code", "lot__code"],
    filters=[Filter("location", "Location", "location_id", _locations)],
    default_sort="item__sku",
    detail_url=lambda balance: reverse("inventory:item-stock", args=[balance.item_id]),
)


@requires("view")
def stock_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, STOCK)


MOVES = ListPage(
    title="Stock moves",
    subtitle="The append-only ledger: every receipt, issue, transfer and adjustment.",
    queryset=lambda: StockMove.objects.select_related("item", "location", "lot", "user"),
    columns=[
        Column("When", "at", sort="at"),
        Column("Kind", "get_kind_display", sort="kind", badge=True),
        Column("Item", "item.sku", sort="item__sku", link=True),
        Column("Location", "location.code"),
        Column("Lot", "lot.code"),
        Column("Quantity", "quantity", sort="quantity", numeric=True),
        Column("Reference", "reference"),
        Column("Reason", "reason"),
        Column("By", "user.username"),
    ],
    search_fields=["item__sku", "reference", "lot__code"],
    filters=[Filter("kind", "Kind", "kind", StockMove.Kind.choices)],
    default_sort="-at",
    detail_url=lambda move: reverse("inventory:item-stock", args=[move.item_id]),
)


@requires("view")
def move_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, MOVES)


@requires("view")
def item_stock(request: HttpRequest, item_id: int) -> HttpResponse:
    """One item's stock: where it is, in which lots, and what moved it lately."""
    item = get_object_or_404(Item.objects.select_related("uom"), pk=item_id)
    balances = list(
        StockBalance.objects.filter(item=item)
        .exclude(quantity=0)
        .select_related("location", "lot")
        .order_by("location__code", "lot__code")
    )
    moves = list(
        StockMove.objects.filter(item=item)
        .select_related("location", "lot", "user")
        .order_by("-at", "-id")[:RECENT_MOVES]
    )
    total = sum((b.quantity for b in balances), start=Decimal("0"))
    nettable = sum((b.quantity for b in balances if b.location.nettable), start=Decimal("0"))
    by_location = (
        StockBalance.objects.filter(item=item)
        .exclude(quantity=0)
        .values("location")
        .distinct()
        .count()
    )
    context = {
        "item": item,
        "balances": balances,
        "moves": moves,
        "total": total,
        "nettable": nettable,
        "locations": by_location,
        "lots": len({b.lot_id for b in balances if b.lot_id}),
        "below_safety": item.safety_stock and nettable < item.safety_stock,
        "may_change": can(request.user, CHANGE),
    }
    return render(request, "inventory/item_stock.html", context)


Poster = Callable[[Any, Item, dict[str, Any]], str]


def _adjust(user: Any, item: Item, d: dict[str, Any]) -> str:
    move = services.adjust(
        user,
        item=item,
        location=d["location"],
        quantity=d["quantity"],
        lot=d.get("lot"),
        reason=d["reason"],
        client_id=d["client_id"],
    )
    return f"Adjusted {item.sku} at {move.location.code} by {services.fmt(move.quantity)}."


def _scrap(user: Any, item: Item, d: dict[str, Any]) -> str:
    move = services.scrap(
        user,
        item=item,
        location=d["location"],
        quantity=d["quantity"],
        lot=d.get("lot"),
        reason=d["reason"],
        client_id=d["client_id"],
    )
    return f"Scrapped {services.fmt(-move.quantity)} {item.uom.code} of {item.sku}."


def _transfer(user: Any, item: Item, d: dict[str, Any]) -> str:
    out, into = services.transfer(
        user,
        item=item,
        from_location=d["location"],
        to_location=d["to_location"],
        quantity=d["quantity"],
        lot=d.get("lot"),
        reference=d["reference"],
        client_id=d["client_id"],
    )
    moved = f"{services.fmt(into.quantity)} {item.uom.code} of {item.sku}"
    return f"Moved {moved} from {out.location.code} to {into.location.code}."


def _count(user: Any, item: Item, d: dict[str, Any]) -> str:
    move = services.cycle_count(
        user,
        item=item,
        location=d["location"],
        counted=d["counted"],
        lot=d.get("lot"),
        reason=d["reason"],
        client_id=d["client_id"],
    )
    if move is None:
        return f"Count of {item.sku} at {d['location'].code} agrees with the books."
    change = services.fmt(move.quantity)
    return f"Count posted: {item.sku} at {move.location.code} changed by {change}."


ACTIONS: dict[str, tuple[str, type[MoveForm], Poster]] = {
    "adjust": ("Adjust stock", AdjustmentForm, _adjust),
    "scrap": ("Scrap stock", ScrapForm, _scrap),
    "transfer": ("Transfer stock", TransferForm, _transfer),
    "count": ("Cycle count", CountForm, _count),
}


@requires(CHANGE)
def post_movement(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    """One form view for every manual correction; the service decides whether it is allowed."""
    if action not in ACTIONS:
        raise Http404(f"No stock action {action!r}.")
    title, form_class, poster = ACTIONS[action]
    item = get_object_or_404(Item.objects.select_related("uom"), pk=item_id)
    back = reverse("inventory:item-stock", args=[item.pk])
    initial: dict[str, Any] = {}
    if "location" in request.GET:
        initial["location"] = request.GET["location"]
    form = form_class(request.POST or None, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            done = poster(request.user, item, form.cleaned_data)
        except DomainError as exc:
            for problem in exc.problems:
                if problem.column in form.fields:
                    form.add_error(problem.column, problem.message)
            form.add_error(None, exc.detail)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(back)
    return render(
        request,
        "inventory/move_form.html",
        {"title": f"{title}: {item.sku}", "item": item, "form": form, "cancel_url": back},
    )
