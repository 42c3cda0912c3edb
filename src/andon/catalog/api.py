"""REST endpoints of the catalog: units, items, BOM lines, routings, explosion and where-used.

Thin: each operation checks the caller's capability, then reads (through `structure` for the
multi-level views) or calls a service. Items are addressed by SKU, units by code; BOM lines and
operations, which have no natural key of their own, by id.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import (
    Field,
    File,
    FilterLookup,
    FilterSchema,
    Form,
    Router,
    Schema,
    Status,
    UploadedFile,
)

from andon.accounts.permissions import require
from andon.accounts.roles import can
from andon.catalog import documents, services, structure
from andon.catalog.models import BomLine, Item, Operation, OperationDocument, UnitOfMeasure
from andon.core.crud_api import Resources
from andon.core.errors import NotFound
from andon.core.schemas import related

router = Router(tags=["catalog"])
CHANGE = "catalog.change"
resources = Resources(router, __name__, CHANGE, can)
MAX_TREE_ROWS = 5000


def _item(sku: str) -> Item:
    item = Item.objects.select_related("uom").filter(sku=sku).first()
    if item is None:
        raise NotFound(f"No item with SKU {sku!r}.")
    return item


def _unit(code: str) -> UnitOfMeasure:
    unit = UnitOfMeasure.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(f"No unit of measure with code {code!r}.")
    return unit


def _line(line_id: int) -> BomLine:
    line = BomLine.objects.select_related("parent", "component__uom").filter(pk=line_id).first()
    if line is None:
        raise NotFound(f"No BOM line {line_id}.")
    return line


def _operation(operation_id: int) -> Operation:
    operation = (
        Operation.objects.select_related("item", "work_center", "skill", "certification")
        .prefetch_related("alternatives__work_center")
        .filter(pk=operation_id)
        .first()
    )
    if operation is None:
        raise NotFound(f"No operation {operation_id}.")
    return operation


# --- units of measure ---------------------------------------------------------------------------


class UnitIn(Schema):
    code: str
    name: str
    dimension: UnitOfMeasure.Dimension
    ratio_to_base: Decimal = Decimal("1")
    whole_numbers: bool = False


class UnitOut(UnitIn):
    pass


class UnitFilter(FilterSchema):
    dimension: str | None = None


resources.add(
    "/units", "unit", "units", noun="unit of measure", plural="units of measure",
    schema_in=UnitIn, schema_out=UnitOut, filters=UnitFilter,
    queryset=lambda: UnitOfMeasure.objects.order_by("dimension", "ratio_to_base", "code"),
    fetch=_unit, create=services.create_unit, update=services.update_unit,
    delete=services.delete_unit,
    summaries={
        "create": "Create a unit of measure", "update": "Change a unit of measure",
        "delete": "Delete an unused unit",
    },
)  # fmt: skip


# --- items --------------------------------------------------------------------------------------


class ItemIn(Schema):
    sku: str
    name: str
    uom: str
    procurement: Item.Procurement
    description: str = ""
    category: str = ""
    lead_time_days: int = 0
    lot_size_rule: Item.LotSizeRule = Item.LotSizeRule.LOT_FOR_LOT
    lot_size: Decimal | None = None
    min_qty: Decimal = Decimal("0")
    max_qty: Decimal | None = None
    multiple: Decimal = Decimal("0")
    order_cost: Decimal = Decimal("0")
    holding_rate_percent: Decimal = Decimal("20")
    safety_stock: Decimal = Decimal("0")
    standard_cost: Decimal = Decimal("0")
    lot_tracked: bool = False
    allow_negative_stock: bool = False
    active: bool = True


class ItemOut(ItemIn):
    @staticmethod
    def resolve_uom(obj: Item) -> str:
        return obj.uom.code


class ItemFilter(FilterSchema):
    q: Annotated[
        str | None, FilterLookup(["sku__icontains", "name__icontains", "category__icontains"])
    ] = None
    procurement: Item.Procurement | None = None
    category: str | None = None
    active: bool | None = None


resources.add(
    "/items", "item", "items", key=("sku", str),
    schema_in=ItemIn, schema_out=ItemOut, filters=ItemFilter,
    queryset=lambda: Item.objects.select_related("uom").order_by("sku"),
    fetch=_item, create=services.create_item, update=services.update_item,
    delete=services.delete_item, summaries={"delete": "Delete an unused item"},
)  # fmt: skip


# --- bills of materials -------------------------------------------------------------------------


class BomLineIn(Schema):
    parent: str
    component: str
    quantity: Decimal
    scrap_percent: Decimal = Decimal("0")
    position: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    operation_sequence: int | None = None


class BomLineOut(Schema):
    id: int
    parent: str = Field(alias="parent.sku")
    component: str = Field(alias="component.sku")
    component_name: str = Field(alias="component.name")
    unit: str = Field(alias="component.uom.code")
    procurement: str = Field(alias="component.procurement")
    position: int
    quantity: Decimal
    scrap_percent: Decimal
    valid_from: dt.date | None
    valid_to: dt.date | None
    operation_sequence: int | None


@router.get("/items/{sku}/bom", response=list[BomLineOut], summary="An item's single-level bill")
def item_bom(request: HttpRequest, sku: str) -> QuerySet[BomLine]:
    require(request, "view")
    lines = _item(sku).bom_lines.select_related("parent", "component__uom")
    return lines.order_by("position", "id")


BOM_LINE_CREATE = "Add a component to a bill (refused with code bom_cycle if it would close a loop)"


def _add_bom_line(user: Any, data: dict[str, Any]) -> BomLine:
    parent = services.required_reference(Item, data.pop("parent"), "parent")
    component = services.required_reference(Item, data.pop("component"), "component")
    line = services.add_bom_line(user, parent=parent, component=component, **data)
    return _line(line.pk)


resources.add(
    "/bom-lines", "bom_line", "bom_lines", noun="BOM line", key=("line_id", int), listed=False,
    schema_in=BomLineIn, schema_out=BomLineOut, queryset=BomLine.objects.all, fetch=_line,
    create=_add_bom_line,
    update=lambda user, line, data: _line(services.update_bom_line(user, line, data).pk),
    delete=services.remove_bom_line,
    summaries={"create": BOM_LINE_CREATE, "delete": "Remove a BOM line"},
)  # fmt: skip


# --- multi-level views --------------------------------------------------------------------------


class ExplosionRowOut(Schema):
    level: int
    path: str
    line_id: int
    sku: str = Field(alias="item.sku")
    name: str = Field(alias="item.name")
    unit: str = Field(alias="item.uom")
    procurement: str = Field(alias="item.procurement")
    quantity_per: Decimal
    scrap_percent: Decimal
    extended_quantity: Decimal
    has_children: bool


class ExplosionOut(Schema):
    sku: str
    quantity: Decimal
    on: dt.date | None
    truncated: bool
    rows: list[ExplosionRowOut]


def _on(on: dt.date | None, all_dates: bool) -> dt.date | None:
    return None if all_dates else (on or timezone.localdate())


@router.get(
    "/items/{sku}/explosion",
    response=ExplosionOut,
    summary="Multi-level bill with quantities rolled up (scrap included)",
    description="Lines effective on `on` (default today); `all_dates=true` shows every line.",
)
def explosion(
    request: HttpRequest,
    sku: str,
    quantity: Decimal = Decimal("1"),
    on: dt.date | None = None,
    all_dates: bool = False,
) -> dict[str, Any]:
    require(request, "view")
    item = _item(sku)
    result = structure.explode(
        structure.load_down(item), item.pk, quantity, _on(on, all_dates), MAX_TREE_ROWS
    )
    return {
        "sku": item.sku,
        "quantity": result.quantity,
        "on": result.on,
        "truncated": result.truncated,
        "rows": result.rows,
    }


class WhereUsedRowOut(Schema):
    level: int
    path: str
    line_id: int
    sku: str = Field(alias="item.sku")
    name: str = Field(alias="item.name")
    quantity_per: Decimal
    is_top: bool


class WhereUsedOut(Schema):
    sku: str
    on: dt.date | None
    truncated: bool
    rows: list[WhereUsedRowOut]
    top_items: list[str]


@router.get(
    "/items/{sku}/where-used",
    response=WhereUsedOut,
    summary="The parents of an item, level by level up to the end items",
    description="`single_level=true` lists only direct parents.",
)
def where_used(
    request: HttpRequest,
    sku: str,
    on: dt.date | None = None,
    all_dates: bool = False,
    single_level: bool = False,
) -> dict[str, Any]:
    require(request, "view")
    item = _item(sku)
    date = _on(on, all_dates)
    tree = structure.load_up(item)
    rows, truncated = structure.where_used(
        tree, item.pk, date, max_level=1 if single_level else None, max_rows=MAX_TREE_ROWS
    )
    return {
        "sku": item.sku,
        "on": date,
        "truncated": truncated,
        "rows": rows,
        "top_items": [n.sku for n in structure.top_items(tree, item.pk, date)],
    }


class CostOut(Schema):
    sku: str
    quantity: Decimal
    material: Decimal
    setup: Decimal
    run: Decimal
    unit_cost: Decimal
    total_cost: Decimal


@router.get("/items/{sku}/cost", response=CostOut, summary="Rolled-up standard cost")
def item_cost(
    request: HttpRequest, sku: str, quantity: Decimal = Decimal("1"), on: dt.date | None = None
) -> dict[str, Any]:
    require(request, "view")
    item = _item(sku)
    cost = structure.rolled_up_cost(item, quantity, _on(on, False))
    return {
        "sku": item.sku,
        "quantity": cost.quantity,
        "material": cost.material,
        "setup": cost.setup,
        "run": cost.run,
        "unit_cost": cost.unit_cost,
        "total_cost": cost.total_cost,
    }


# --- routings -----------------------------------------------------------------------------------


class OperationIn(Schema):
    item: str
    sequence: int
    work_center: str
    run_minutes_per_unit: Decimal
    name: str = ""
    setup_minutes: Decimal = Decimal("0")
    setup_family: str = ""
    skill: str | None = None
    skill_level: int = 1
    crew_size: int = 1
    certification: str | None = None
    instructions: str = ""


class AlternativeOut(Schema):
    work_center: str = Field(alias="work_center.code")
    run_minutes_per_unit: Decimal | None


class OperationOut(OperationIn):
    id: int
    alternatives: list[AlternativeOut]

    @staticmethod
    def resolve_item(obj: Operation) -> str:
        return obj.item.sku

    @staticmethod
    def resolve_work_center(obj: Operation) -> str:
        return obj.work_center.code

    resolve_skill = related("skill.code")

    resolve_certification = related("certification.code")


def _operations() -> QuerySet[Operation]:
    return Operation.objects.select_related(
        "item", "work_center", "skill", "certification"
    ).prefetch_related("alternatives__work_center")


class OperationFilter(FilterSchema):
    item: Annotated[str | None, FilterLookup("item__sku")] = None
    work_center: Annotated[str | None, FilterLookup("work_center__code")] = None


@router.get("/items/{sku}/routing", response=list[OperationOut], summary="An item's routing")
def item_routing(request: HttpRequest, sku: str) -> QuerySet[Operation]:
    require(request, "view")
    return _operations().filter(item=_item(sku)).order_by("sequence")


resources.add(
    "/operations", "operation", "operations", key=("operation_id", int),
    schema_in=OperationIn, schema_out=OperationOut, filters=OperationFilter,
    queryset=lambda: _operations().order_by("item__sku", "sequence"), fetch=_operation,
    create=lambda user, data: _operation(services.create_operation(user, data).pk),
    update=lambda user, op, data: _operation(services.update_operation(user, op, data).pk),
    delete=services.delete_operation,
    summaries={"list": "List routing operations", "create": "Add a routing operation"},
)  # fmt: skip


# --- operation documents ----------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    operation: int = Field(alias="operation_id")
    title: str
    kind: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj: OperationDocument) -> str:
        return reverse("catalog:document-file", args=[obj.pk])


@router.get(
    "/operations/{operation_id}/documents",
    response=list[DocumentOut],
    summary="An operation's drawings and instructions",
)
def list_documents(request: HttpRequest, operation_id: int) -> QuerySet[OperationDocument]:
    require(request, "view")
    return _operation(operation_id).documents.all()


@router.post(
    "/operations/{operation_id}/documents",
    response={201: DocumentOut},
    summary="Attach a drawing or instruction (multipart: file, title, kind)",
)
def attach_document(
    request: HttpRequest,
    operation_id: int,
    file: File[UploadedFile],
    title: Form[str] = "",
    kind: Form[str] = "drawing",
) -> Status[OperationDocument]:
    require(request, CHANGE)
    operation = _operation(operation_id)
    return Status(201, documents.attach(request.user, operation, file, title=title, kind=kind))


@router.delete("/documents/{document_id}", response={204: None}, summary="Remove a document")
def remove_document(request: HttpRequest, document_id: int) -> Status[None]:
    require(request, CHANGE)
    document = OperationDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFound(f"There is no document {document_id}.")
    documents.remove(request.user, document)
    return Status(204, None)
