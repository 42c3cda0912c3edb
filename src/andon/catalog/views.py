"""Read pages of the catalog: lists, the item page, the multi-level BOM and where-used trees.

Thin: each page checks the `view` capability, reads with a fixed number of queries (the trees go
through `structure`, which loads a whole structure at once) and renders. Writes live in
`edit_views`.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.catalog import services, structure
from andon.catalog.forms import ItemForm, UnitForm
from andon.catalog.models import Item, Operation, UnitOfMeasure
from andon.core.crud import RecordPages
from andon.core.errors import DomainError
from andon.core.listing import Column, Filter, ListPage, render_list

CHANGE = "catalog.change"
MAX_TREE_ROWS = 3000


ITEMS = RecordPages(
    Item, "catalog:item", CHANGE, can, "item", form=ItemForm, edit_title="Edit {0.sku}",
    create=services.create_item, update=services.update_item, delete=services.delete_item,
    list_page=ListPage(
        title="Items",
        queryset=lambda: Item.objects.select_related("uom"),
        columns=[
            Column("SKU", "sku", sort="sku", link=True),
            Column("Name", "name", sort="name"),
            Column("Type", "get_procurement_display", sort="procurement", badge=True),
            Column("Category", "category", sort="category"),
            Column("Unit", "uom.code"),
            Column("Lead time (d)", "lead_time_days", sort="lead_time_days", numeric=True),
            Column("Lot size", "get_lot_size_rule_display", sort="lot_size_rule"),
            Column("Std cost", "standard_cost", sort="standard_cost", numeric=True),
        ],
        search_fields=["sku", "name", "category"],
        filters=[
            Filter("procurement", "Make / buy", "procurement", Item.Procurement.choices),
            Filter("rule", "Lot-size rule", "lot_size_rule", Item.LotSizeRule.choices),
            Filter.in_use(Item, "category", "Category"),
        ],
        default_sort="sku",
    ),
)  # fmt: skip


def _batch_quantity(item: Item) -> Decimal:
    """The batch a cost is quoted for: the fixed lot size if there is one, else one unit."""
    if item.lot_size_rule == Item.LotSizeRule.FIXED and item.lot_size:
        return Decimal(item.lot_size)
    return Decimal("1")


@requires("view")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything a planner asks about an item on one page, in a fixed number of queries."""
    item = get_object_or_404(Item.objects.select_related("uom"), pk=pk)
    today = timezone.localdate()
    cost_error = ""
    try:
        cost: structure.CostRollup | None = structure.rolled_up_cost(
            item, _batch_quantity(item), today
        )
    except DomainError as exc:
        cost, cost_error = None, exc.detail
    routing = list(
        item.operations.select_related("work_center", "skill", "certification")
        .prefetch_related("alternatives__work_center", "documents")
        .order_by("sequence")
    )
    lines = list(item.bom_lines.select_related("component__uom").order_by("position", "id"))
    used_in = list(item.used_in.select_related("parent").order_by("parent__sku"))
    sources = list(item.sources.select_related("supplier").order_by("-preferred", "supplier__code"))
    stock = list(
        item.balances.exclude(quantity=0)
        .select_related("location", "lot")
        .order_by("location__code", "lot__code")
    )
    on_hand = sum((b.quantity for b in stock), Decimal(0))
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "cost": cost,
            "cost_error": cost_error,
            "routing": routing,
            "lines": lines,
            "used_in": used_in,
            "sources": sources,
            "stock": stock,
            "on_hand": on_hand,
            "today": today,
            "can_change": ITEMS.may_change(request),
        },
    )


class TreeParams:
    """The top quantity and effective date a tree page is drawn for, read from the query."""

    def __init__(self, request: HttpRequest) -> None:
        self.errors: list[str] = []
        raw_quantity = request.GET.get("quantity", "").strip() or "1"
        try:
            self.quantity = Decimal(raw_quantity)
            if not self.quantity.is_finite() or self.quantity <= 0:
                raise InvalidOperation
        except InvalidOperation:
            self.errors.append(f"The quantity must be a positive number, not {raw_quantity!r}.")
            self.quantity = Decimal("1")
        self.all_dates = request.GET.get("all_dates") == "1"
        raw_date = request.GET.get("on", "").strip()
        self.on_input = raw_date
        try:
            self.chosen = dt.date.fromisoformat(raw_date) if raw_date else timezone.localdate()
        except ValueError:
            self.errors.append(f"{raw_date!r} is not a date (use YYYY-MM-DD).")
            self.chosen = timezone.localdate()
        self.on: dt.date | None = None if self.all_dates else self.chosen


@requires("view")
def item_bom(request: HttpRequest, pk: int) -> HttpResponse:
    """The indented multi-level bill, rolled up for a chosen quantity on a chosen date."""
    item = get_object_or_404(Item.objects.select_related("uom"), pk=pk)
    params = TreeParams(request)
    tree = structure.load_down(item)
    explosion = structure.explode(tree, item.pk, params.quantity, params.on, MAX_TREE_ROWS)
    components = {row.item.id for row in explosion.rows}
    return render(
        request,
        "catalog/item_bom.html",
        {
            "item": item,
            "params": params,
            "explosion": explosion,
            "levels": range(1, explosion.depth + 1),
            "component_count": len(components),
            "can_change": can(request.user, CHANGE),
        },
    )


@requires("view")
def item_where_used(request: HttpRequest, pk: int) -> HttpResponse:
    """Every assembly that uses the item, level by level up to the end items."""
    item = get_object_or_404(Item.objects.select_related("uom"), pk=pk)
    params = TreeParams(request)
    single = request.GET.get("levels") == "1"
    tree = structure.load_up(item)
    rows, truncated = structure.where_used(
        tree, item.pk, params.on, max_level=1 if single else None, max_rows=MAX_TREE_ROWS
    )
    return render(
        request,
        "catalog/item_where_used.html",
        {
            "item": item,
            "params": params,
            "rows": rows,
            "truncated": truncated,
            "single": single,
            "tops": structure.top_items(tree, item.pk, params.on),
        },
    )


BOMS = ListPage(
    title="Bills of materials",
    subtitle="Made items and the number of components on their bill.",
    queryset=lambda: Item.objects.annotate(lines=Count("bom_lines")).filter(lines__gt=0),
    columns=[
        Column("Parent SKU", "sku", sort="sku", link=True),
        Column("Name", "name", sort="name"),
        Column("Type", "get_procurement_display", sort="procurement", badge=True),
        Column("Components", "lines", sort="lines", numeric=True),
    ],
    search_fields=["sku", "name"],
    default_sort="sku",
    detail_url=lambda item: reverse("catalog:item-bom", args=[item.pk]),
)


@requires("view")
def bom_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, BOMS)


ROUTINGS = ListPage(
    title="Routings",
    subtitle="Every operation of every routing, in sequence.",
    queryset=lambda: Operation.objects.select_related("item", "work_center", "skill"),
    columns=[
        Column("Item", "item.sku", sort="item__sku", link=True),
        Column("Seq", "sequence", sort="sequence", numeric=True),
        Column("Operation", "name"),
        Column("Work center", "work_center.code", sort="work_center__code"),
        Column("Setup (min)", "setup_minutes", numeric=True),
        Column("Run (min/unit)", "run_minutes_per_unit", numeric=True),
        Column("Skill", "skill.code"),
        Column("Crew", "crew_size", numeric=True),
    ],
    search_fields=["item__sku", "name", "work_center__code"],
    default_sort="item__sku",
    detail_url=lambda op: reverse("catalog:item-detail", args=[op.item_id]),
)


@requires("view")
def routing_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, ROUTINGS)


def _unit_items() -> Any:
    return UnitOfMeasure.objects.annotate(items=Count("item"))


UNITS = RecordPages(
    UnitOfMeasure, "catalog:uom", CHANGE, can, "unit of measure", form=UnitForm,
    edit_title="Edit unit {0.code}", detail=False,
    create=services.create_unit, update=services.update_unit, delete=services.delete_unit,
    list_page=ListPage(
        title="Units of measure",
        subtitle="Units convert only inside their dimension, through the ratio to its base unit.",
        queryset=_unit_items,
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Dimension", "get_dimension_display", sort="dimension"),
            Column("Base units", "ratio_to_base", numeric=True),
            Column("Whole numbers", lambda u: "yes" if u.whole_numbers else "no"),
            Column("Items", "items", sort="items", numeric=True),
        ],
        search_fields=["code", "name"],
        filters=[
            Filter("dimension", "Dimension", "dimension", UnitOfMeasure.Dimension.choices),
        ],
        default_sort="code",
        detail_url=lambda unit: reverse("catalog:uom-edit", args=[unit.pk]),
    ),
)  # fmt: skip
