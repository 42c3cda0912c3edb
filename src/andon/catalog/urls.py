from django.urls import path

from andon.catalog import document_views, edit_views, views

app_name = "catalog"
urlpatterns = [
    *views.ITEMS.urls("items", detail=views.item_detail),
    path("items/<int:pk>/bom/", views.item_bom, name="item-bom"),
    path("items/<int:pk>/bom/add/", edit_views.bom_line_create, name="bomline-create"),
    path("items/<int:pk>/where-used/", views.item_where_used, name="item-where-used"),
    path("items/<int:pk>/routing/add/", edit_views.operation_create, name="operation-create"),
    path("bom-lines/<int:pk>/edit/", edit_views.bom_line_edit, name="bomline-edit"),
    path("bom-lines/<int:pk>/delete/", edit_views.bom_line_delete, name="bomline-delete"),
    path("operations/<int:pk>/edit/", edit_views.operation_edit, name="operation-edit"),
    path("operations/<int:pk>/delete/", edit_views.operation_delete, name="operation-delete"),
    path(
        "operations/<int:pk>/documents/",
        document_views.operation_documents,
        name="operation-documents",
    ),
    path("documents/<int:pk>/", document_views.document_file, name="document-file"),
    path("documents/<int:pk>/remove/", document_views.document_remove, name="document-remove"),
    path("boms/", views.bom_list, name="bom-list"),
    path("routings/", views.routing_list, name="routing-list"),
    *views.UNITS.urls("units"),
]
