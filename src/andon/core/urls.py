from django.urls import path

from andon.core import views

app_name = "core"
urlpatterns = [
    path("health", views.health, name="health"),
    path("audit/", views.audit_list, name="audit-list"),
]
