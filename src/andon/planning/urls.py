from django.urls import path

from andon.planning import views

app_name = "planning"
urlpatterns = [
    path("orders/", views.planned_order_list, name="order-list"),
    path("orders/action/", views.order_action, name="order-action"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order-edit"),
    path("orders/<int:pk>/pegging/", views.order_pegging, name="order-pegging"),
    path("sales-pegging/", views.sales_pegging, name="sales-pegging"),
    path("exceptions/", views.exception_list, name="exception-list"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("compare/", views.compare, name="compare"),
    path("items/<int:pk>/", views.item_record, name="item-record"),
]
