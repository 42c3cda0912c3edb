from django.urls import path

from andon.inventory import views

app_name = "inventory"
urlpatterns = [
    path("stock/", views.stock_list, name="stock-list"),
    path("moves/", views.move_list, name="move-list"),
]
