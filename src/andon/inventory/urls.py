from django.urls import path

from andon.inventory import views

app_name = "inventory"
urlpatterns = [
    path("stock/", views.stock_list, name="stock-list"),
    path("moves/", views.move_list, name="move-list"),
    path("items/<int:item_id>/", views.item_stock, name="item-stock"),
    path("items/<int:item_id>/<slug:action>/", views.post_movement, name="item-move"),
]
