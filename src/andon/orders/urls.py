from django.urls import path

from andon.orders import edit_views, views

app_name = "orders"
urlpatterns = [
    path("sales-orders/", views.sales_order_list, name="salesorder-list"),
    path("sales-orders/new/", edit_views.sales_order_create, name="salesorder-create"),
    path("sales-orders/<int:pk>/", views.sales_order_detail, name="salesorder-detail"),
    path("sales-orders/<int:pk>/edit/", edit_views.sales_order_edit, name="salesorder-edit"),
    path("sales-orders/<int:pk>/cancel/", edit_views.sales_order_cancel, name="salesorder-cancel"),
    path("purchase-orders/", views.purchase_order_list, name="purchaseorder-list"),
    path("purchase-orders/new/", edit_views.purchase_order_create, name="purchaseorder-create"),
    path("purchase-orders/<int:pk>/", views.purchase_order_detail, name="purchaseorder-detail"),
    path(
        "purchase-orders/<int:pk>/edit/", edit_views.purchase_order_edit, name="purchaseorder-edit"
    ),
    path(
        "purchase-orders/<int:pk>/cancel/",
        edit_views.purchase_order_cancel,
        name="purchaseorder-cancel",
    ),
    path(
        "purchase-orders/<int:pk>/receive/",
        views.purchase_order_receive,
        name="purchaseorder-receive",
    ),
    path("forecasts/", views.forecast_list, name="forecast-list"),
    path("forecasts/new/", views.forecast_create, name="forecast-create"),
]
