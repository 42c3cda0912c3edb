from django.urls import path

from andon.transfer import views

app_name = "transfer"
urlpatterns = [
    path("", views.index, name="index"),
    path("import", views.upload, name="import"),
    path("export", views.download, name="export"),
]
