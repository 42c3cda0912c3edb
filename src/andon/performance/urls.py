from django.urls import path

from andon.performance import views

app_name = "performance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("oee/", views.oee, name="oee"),
    path("downtime/", views.downtime, name="downtime"),
    path("throughput/", views.throughput, name="throughput"),
    path("andon/", views.andon, name="andon"),
    path("andon/tiles/", views.andon_tiles, name="andon-tiles"),
]
