from django.urls import path

from andon.correspondence import views

app_name = "correspondence"
urlpatterns = [
    # Open without login (see accounts.middleware): the token is the supplier's only key.
    path("supplier/<path:token>/", views.supplier_answer, name="supplier-answer"),
    path("correspondence/letters/", views.letter_list, name="letter-list"),
    path("correspondence/letters/<int:pk>/", views.letter_detail, name="letter-detail"),
    path("correspondence/letters/<int:pk>/pdf/", views.letter_pdf, name="letter-pdf"),
    path("correspondence/letters/<int:pk>/retry/", views.retry, name="letter-retry"),
    path(
        "correspondence/supplier-confirmations/",
        views.confirmation_list,
        name="confirmation-list",
    ),
    path(
        "correspondence/supplier-confirmations/<int:pk>/review/",
        views.review,
        name="confirmation-review",
    ),
    path(
        "correspondence/purchase-orders/<int:pk>/send/",
        views.send_purchase_order,
        name="purchaseorder-send",
    ),
    path(
        "correspondence/sales-orders/<int:pk>/confirm/",
        views.send_order_confirmation,
        name="salesorder-confirm",
    ),
    path("correspondence/customer-dates/", views.customer_dates, name="customer-dates"),
    path("correspondence/customer-dates/notify/", views.notify, name="customer-notify"),
]
