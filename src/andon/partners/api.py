"""REST endpoints of the partners context: customers, suppliers and supplier items.

Customers and suppliers are addressed by code; a supplier item has no code of its own, so it is
addressed by id and filtered by `?supplier=` and `?item=`.
"""

from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, FilterSchema, PatchDict, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts.permissions import require
from andon.core.errors import NotFound
from andon.core.pagination import Pagination
from andon.core.records import find
from andon.partners import services
from andon.partners.models import Customer, Supplier, SupplierItem

router = Router(tags=["partners"])
CHANGE = "partners.change"


class PartnerIn(Schema):
    code: str
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    country: str = ""
    active: bool = True


class CustomerIn(PartnerIn):
    priority: int = 1


class PartnerFilter(FilterSchema):
    q: Annotated[
        str | None, FilterLookup(["code__icontains", "name__icontains", "email__icontains"])
    ] = None
    country: str | None = None
    active: bool | None = None


# --- customers ----------------------------------------------------------------------------------


@router.get("/customers", response=list[CustomerIn], summary="List customers")
@paginate(Pagination)
def list_customers(request: HttpRequest, filters: Query[PartnerFilter]) -> QuerySet[Customer]:
    require(request, "view")
    return filters.filter(Customer.objects.order_by("code"))


@router.get("/customers/{code}", response=CustomerIn, summary="One customer")
def get_customer(request: HttpRequest, code: str) -> Customer:
    require(request, "view")
    return find(Customer, code)


@router.post("/customers", response={201: CustomerIn}, summary="Create a customer")
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    require(request, CHANGE)
    return Status(201, services.create_customer(request.user, payload.model_dump()))


@router.patch("/customers/{code}", response=CustomerIn, summary="Change a customer")
def update_customer(request: HttpRequest, code: str, payload: PatchDict[CustomerIn]) -> Customer:
    require(request, CHANGE)
    return services.update_customer(request.user, find(Customer, code), payload)


@router.delete("/customers/{code}", response={204: None}, summary="Delete a customer")
def delete_customer(request: HttpRequest, code: str) -> Status[None]:
    require(request, CHANGE)
    services.delete_customer(request.user, find(Customer, code))
    return Status(204, None)


# --- suppliers ----------------------------------------------------------------------------------


@router.get("/suppliers", response=list[PartnerIn], summary="List suppliers")
@paginate(Pagination)
def list_suppliers(request: HttpRequest, filters: Query[PartnerFilter]) -> QuerySet[Supplier]:
    require(request, "view")
    return filters.filter(Supplier.objects.order_by("code"))


@router.get("/suppliers/{code}", response=PartnerIn, summary="One supplier")
def get_supplier(request: HttpRequest, code: str) -> Supplier:
    require(request, "view")
    return find(Supplier, code)


@router.post("/suppliers", response={201: PartnerIn}, summary="Create a supplier")
def create_supplier(request: HttpRequest, payload: PartnerIn) -> Status[Supplier]:
    require(request, CHANGE)
    return Status(201, services.create_supplier(request.user, payload.model_dump()))


@router.patch("/suppliers/{code}", response=PartnerIn, summary="Change a supplier")
def update_supplier(request: HttpRequest, code: str, payload: PatchDict[PartnerIn]) -> Supplier:
    require(request, CHANGE)
    return services.update_supplier(request.user, find(Supplier, code), payload)


@router.delete("/suppliers/{code}", response={204: None}, summary="Delete a supplier")
def delete_supplier(request: HttpRequest, code: str) -> Status[None]:
    require(request, CHANGE)
    services.delete_supplier(request.user, find(Supplier, code))
    return Status(204, None)


# --- supplier items -----------------------------------------------------------------------------


class SupplierItemIn(Schema):
    supplier: str
    item: str
    supplier_sku: str = ""
    lead_time_days: int = 0
    price: Decimal = Decimal("0")
    min_order_qty: Decimal = Decimal("0")
    preferred: bool = False


class SupplierItemOut(SupplierItemIn):
    id: int

    @staticmethod
    def resolve_supplier(obj: SupplierItem) -> str:
        return obj.supplier.code

    @staticmethod
    def resolve_item(obj: SupplierItem) -> str:
        return obj.item.sku


class SupplierItemFilter(FilterSchema):
    supplier: Annotated[str | None, FilterLookup("supplier__code")] = None
    item: Annotated[str | None, FilterLookup("item__sku")] = None
    preferred: bool | None = None


def _supplier_item(pk: int) -> SupplierItem:
    found = SupplierItem.objects.select_related("supplier", "item").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No supplier item {pk}.")
    return found


@router.get("/supplier-items", response=list[SupplierItemOut], summary="List supplier items")
@paginate(Pagination)
def list_supplier_items(
    request: HttpRequest, filters: Query[SupplierItemFilter]
) -> QuerySet[SupplierItem]:
    require(request, "view")
    return filters.filter(SupplierItem.objects.select_related("supplier", "item"))


@router.get("/supplier-items/{pk}", response=SupplierItemOut, summary="One supplier item")
def get_supplier_item(request: HttpRequest, pk: int) -> SupplierItem:
    require(request, "view")
    return _supplier_item(pk)


@router.post("/supplier-items", response={201: SupplierItemOut}, summary="Add a supplier item")
def create_supplier_item(request: HttpRequest, payload: SupplierItemIn) -> Status[SupplierItem]:
    """Marking it preferred un-marks the item's other preferred source."""
    require(request, CHANGE)
    return Status(201, services.create_supplier_item(request.user, payload.model_dump()))


@router.patch("/supplier-items/{pk}", response=SupplierItemOut, summary="Change one")
def update_supplier_item(
    request: HttpRequest, pk: int, payload: PatchDict[SupplierItemIn]
) -> SupplierItem:
    require(request, CHANGE)
    return services.update_supplier_item(request.user, _supplier_item(pk), payload)


@router.delete("/supplier-items/{pk}", response={204: None}, summary="Delete one")
def delete_supplier_item(request: HttpRequest, pk: int) -> Status[None]:
    require(request, CHANGE)
    services.delete_supplier_item(request.user, _supplier_item(pk))
    return Status(204, None)
