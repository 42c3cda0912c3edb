from django.urls import path

from andon.orders import views

app_name = "orders"
urlpatterns = [
    path("sales-orders/", views.sales_order_list, name="salesorder-list"),
    path("sales-orders/<int:pk>/", views.sales_order_detail, name="salesorder-detail"),
    path("purchase-orders/", views.purchase_order_list, name="purchaseorder-list"),
    path("forecasts/", views.forecast_list, name="forecast-list"),
]
