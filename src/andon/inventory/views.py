from django.http import HttpRequest, HttpResponse

from andon.core.listing import Column, Filter, ListPage, render_list
from andon.inventory.models import StockBalance, StockMove

STOCK = ListPage(
    title="Stock on hand",
    subtitle="Derived from the ledger of stock moves.",
    queryset=lambda: StockBalance.objects.select_related("item__uom", "location", "lot").exclude(
        quantity=0
    ),
    columns=[
        Column("Item", "item.sku", sort="item__sku"),
        Column("Name", "item.name"),
        Column("Location", "location.code", sort="location__code"),
        Column("Lot", "lot.code"),
        Column("On hand", "quantity", sort="quantity", numeric=True),
        Column("Unit", "item.uom.code"),
    ],
    search_fields=["item__sku", "item__name", "location__code", "lot__code"],
    default_sort="item__sku",
)


def stock_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, STOCK)


MOVES = ListPage(
    title="Stock moves",
    subtitle="The append-only ledger: every receipt, issue, transfer and adjustment.",
    queryset=lambda: StockMove.objects.select_related("item", "location", "lot", "user"),
    columns=[
        Column("When", "at", sort="at"),
        Column("Kind", "get_kind_display", sort="kind", badge=True),
        Column("Item", "item.sku", sort="item__sku"),
        Column("Location", "location.code"),
        Column("Lot", "lot.code"),
        Column("Quantity", "quantity", sort="quantity", numeric=True),
        Column("Reference", "reference"),
        Column("Reason", "reason"),
    ],
    search_fields=["item__sku", "reference", "lot__code"],
    filters=[Filter("kind", "Kind", "kind", StockMove.Kind.choices)],
    default_sort="-at",
)


def move_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, MOVES)
