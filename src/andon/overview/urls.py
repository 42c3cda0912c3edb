from django.urls import path

from andon.overview import views

app_name = "overview"
urlpatterns = [
    path("", views.home, name="home"),
]
