from django.urls import path

from andon.people import views

app_name = "people"
urlpatterns = [
    path("workers/", views.worker_list, name="worker-list"),
    path("workers/<int:pk>/", views.worker_detail, name="worker-detail"),
    path("skills/", views.skill_list, name="skill-list"),
]
