from django.urls import path

from andon.partners import views

app_name = "partners"
urlpatterns = [
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/new/", views.customer_create, name="customer-create"),
    path("customers/<int:pk>/", views.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer-edit"),
    path("customers/<int:pk>/delete/", views.customer_delete, name="customer-delete"),
    path("suppliers/", views.supplier_list, name="supplier-list"),
    path("suppliers/new/", views.supplier_create, name="supplier-create"),
    path("suppliers/<int:pk>/", views.supplier_detail, name="supplier-detail"),
    path("suppliers/<int:pk>/edit/", views.supplier_edit, name="supplier-edit"),
    path("suppliers/<int:pk>/delete/", views.supplier_delete, name="supplier-delete"),
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
