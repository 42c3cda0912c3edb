from django.urls import path

from andon.partners import views

app_name = "partners"
urlpatterns = [
    path("customers/", views.customer_list, name="customer-list"),
    path("suppliers/", views.supplier_list, name="supplier-list"),
]
