from django.urls import path

from andon.people import views

app_name = "people"
urlpatterns = [
    *views.WORKERS.urls("workers", detail=views.worker_detail),
    path("workers/<int:pk>/skills/", views.worker_skills, name="worker-skills"),
    path(
        "workers/<int:pk>/certificates/",
        views.worker_certificate_add,
        name="worker-certificate-add",
    ),
    path(
        "workers/<int:pk>/certificates/<int:certificate_id>/delete/",
        views.worker_certificate_remove,
        name="worker-certificate-remove",
    ),
    *views.SKILLS.urls("skills", detail=views.skill_detail),
    *views.CERTIFICATIONS.urls("certifications", detail=views.certification_detail),
]
