from django.urls import path

from andon.planning import views

app_name = "planning"
urlpatterns = [
    path("orders/", views.planned_order_list, name="order-list"),
    path("items/<int:pk>/", views.item_record, name="item-record"),
]
