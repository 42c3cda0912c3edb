from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from andon.catalog.models import Item, Operation, UnitOfMeasure
from andon.core.detail import render_detail
from andon.core.listing import Column, Filter, ListPage, render_list

ITEMS = ListPage(
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
    ],
    default_sort="sku",
    detail_url=lambda item: reverse("catalog:item-detail", args=[item.pk]),
)


def item_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, ITEMS)


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item.objects.select_related("uom"), pk=pk)
    return render_detail(request, item, title=f"{item.sku} {item.name}", back_url=reverse("catalog:item-list"))


BOMS = ListPage(
    title="Bills of materials",
    subtitle="Made items and the number of components on their bill.",
    queryset=lambda: Item.objects.annotate(lines=Count("bom_lines")).filter(lines__gt=0),
    columns=[
        Column("Parent SKU", "sku", sort="sku", link=True),
        Column("Name", "name", sort="name"),
        Column("Components", "lines", sort="lines", numeric=True),
    ],
    search_fields=["sku", "name"],
    default_sort="sku",
    detail_url=lambda item: reverse("catalog:item-detail", args=[item.pk]),
)


def bom_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, BOMS)


ROUTINGS = ListPage(
    title="Routings",
    subtitle="Every operation of every routing, in sequence.",
    queryset=lambda: Operation.objects.select_related("item", "work_center", "skill"),
    columns=[
        Column("Item", "item.sku", sort="item__sku"),
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
)


def routing_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, ROUTINGS)


UNITS = ListPage(
    title="Units of measure",
    queryset=lambda: UnitOfMeasure.objects.all(),
    columns=[
        Column("Code", "code", sort="code"),
        Column("Name", "name", sort="name"),
        Column("Dimension", "get_dimension_display", sort="dimension"),
        Column("Base units", "ratio_to_base", numeric=True),
    ],
    search_fields=["code", "name"],
    default_sort="code",
)


def uom_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, UNITS)
