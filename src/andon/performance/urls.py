from django.urls import URLPattern

app_name = "performance"
urlpatterns: list[URLPattern] = []
