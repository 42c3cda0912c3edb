from django.urls import path

from andon.partners import views

app_name = "partners"
urlpatterns = [
    *views.CUSTOMERS.urls("customers", detail=views.customer_detail),
    *views.SUPPLIERS.urls("suppliers", detail=views.supplier_detail),
    path("suppliers/<int:pk>/items/new/", views.supplier_item_create, name="supplieritem-create"),
    path(
        "suppliers/<int:pk>/items/<int:item_id>/edit/",
        views.supplier_item_edit,
        name="supplieritem-edit",
    ),
    path(
        "suppliers/<int:pk>/items/<int:item_id>/delete/",
        views.supplier_item_delete,
        name="supplieritem-delete",
    ),
]
