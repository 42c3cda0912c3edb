from django.urls import path

from andon.catalog import views

app_name = "catalog"
urlpatterns = [
    path("items/", views.item_list, name="item-list"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("boms/", views.bom_list, name="bom-list"),
    path("routings/", views.routing_list, name="routing-list"),
    path("units/", views.uom_list, name="uom-list"),
]
