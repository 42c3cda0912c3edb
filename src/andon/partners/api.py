"""REST endpoints of the partners context: customers, suppliers and supplier items.

Customers and suppliers are addressed by code; a supplier item has no code of its own, so it is
addressed by id and filtered by `?supplier=` and `?item=`.
"""

from decimal import Decimal
from typing import Annotated

from ninja import FilterLookup, FilterSchema, Router, Schema

from andon.accounts.roles import can
from andon.core.crud_api import Resources
from andon.core.errors import NotFound
from andon.partners import services
from andon.partners.models import Customer, Supplier, SupplierItem

router = Router(tags=["partners"])
CHANGE = "partners.change"
resources = Resources(router, __name__, CHANGE, can)


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

resources.add(
    "/customers", "customer", "customers",
    schema_in=CustomerIn, schema_out=CustomerIn, filters=PartnerFilter,
    queryset=lambda: Customer.objects.order_by("code"),
    create=services.create_customer, update=services.update_customer,
    delete=services.delete_customer,
)  # fmt: skip


# --- suppliers ----------------------------------------------------------------------------------

resources.add(
    "/suppliers", "supplier", "suppliers",
    schema_in=PartnerIn, schema_out=PartnerIn, filters=PartnerFilter,
    queryset=lambda: Supplier.objects.order_by("code"),
    create=services.create_supplier, update=services.update_supplier,
    delete=services.delete_supplier,
)  # fmt: skip


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


resources.add(
    "/supplier-items", "supplier_item", "supplier_items", key=("pk", int),
    schema_in=SupplierItemIn, schema_out=SupplierItemOut, filters=SupplierItemFilter,
    queryset=lambda: SupplierItem.objects.select_related("supplier", "item"),
    fetch=_supplier_item, create=services.create_supplier_item,
    update=services.update_supplier_item, delete=services.delete_supplier_item,
    summaries={
        "create": "Add a supplier item", "update": "Change one", "delete": "Delete one",
    },
    descriptions={"create": "Marking it preferred un-marks the item's other preferred source."},
)  # fmt: skip
