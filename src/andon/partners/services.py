"""Use cases of the partners context: customers, suppliers and the items suppliers sell.

Every function is one transaction, validated and audited. An item has at most one preferred
source: marking one preferred un-marks the others in the same transaction, so MRP never sees two.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from andon.core import services
from andon.core.records import field_values
from andon.partners.models import Customer, Supplier, SupplierItem

PARTNER_FIELDS = ("code", "name", "email", "phone", "address", "country", "active")
CUSTOMER_FIELDS = (*PARTNER_FIELDS, "priority")
SUPPLIER_FIELDS = PARTNER_FIELDS
SUPPLIER_ITEM_FIELDS = (
    "supplier",
    "item",
    "supplier_sku",
    "lead_time_days",
    "price",
    "min_order_qty",
    "preferred",
)


def create_customer(user: Any, data: Mapping[str, Any]) -> Customer:
    with transaction.atomic():
        return services.create(user, Customer(**field_values(Customer, data, CUSTOMER_FIELDS)))


def update_customer(user: Any, customer: Customer, data: Mapping[str, Any]) -> Customer:
    with transaction.atomic():
        return services.update(user, customer, field_values(Customer, data, CUSTOMER_FIELDS))


def delete_customer(user: Any, customer: Customer) -> None:
    """Refused while the customer has sales orders."""
    with transaction.atomic():
        services.delete(user, customer)


def create_supplier(user: Any, data: Mapping[str, Any]) -> Supplier:
    with transaction.atomic():
        return services.create(user, Supplier(**field_values(Supplier, data, SUPPLIER_FIELDS)))


def update_supplier(user: Any, supplier: Supplier, data: Mapping[str, Any]) -> Supplier:
    with transaction.atomic():
        return services.update(user, supplier, field_values(Supplier, data, SUPPLIER_FIELDS))


def delete_supplier(user: Any, supplier: Supplier) -> None:
    """Refused while the supplier has purchase orders; the items they supply go with them."""
    with transaction.atomic():
        services.delete(user, supplier)


def _unmark_other_preferred(user: Any, source: SupplierItem) -> None:
    others = SupplierItem.objects.select_related("item", "supplier").filter(
        item_id=source.item_id, preferred=True
    )
    if source.pk is not None:
        others = others.exclude(pk=source.pk)
    for other in others.select_for_update():
        services.update(user, other, {"preferred": False})


def create_supplier_item(user: Any, data: Mapping[str, Any]) -> SupplierItem:
    """A supplier's offer for an item; if preferred, it becomes the item's only preferred one."""
    with transaction.atomic():
        source = SupplierItem(**field_values(SupplierItem, data, SUPPLIER_ITEM_FIELDS))
        if source.preferred and source.item_id is not None:
            _unmark_other_preferred(user, source)
        return services.create(user, source)


def update_supplier_item(user: Any, source: SupplierItem, data: Mapping[str, Any]) -> SupplierItem:
    with transaction.atomic():
        values = field_values(SupplierItem, data, SUPPLIER_ITEM_FIELDS)
        preferred = values.get("preferred", source.preferred)
        item = values.get("item") or source.item
        if preferred and item is not None:
            probe = SupplierItem(pk=source.pk, item=item)
            _unmark_other_preferred(user, probe)
        return services.update(user, source, values)


def delete_supplier_item(user: Any, source: SupplierItem) -> None:
    with transaction.atomic():
        services.delete(user, source)
