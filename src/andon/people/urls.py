from django.urls import path

from andon.people import views

app_name = "people"
urlpatterns = [
    path("workers/", views.worker_list, name="worker-list"),
    path("workers/new/", views.worker_create, name="worker-create"),
    path("workers/<int:pk>/", views.worker_detail, name="worker-detail"),
    path("workers/<int:pk>/edit/", views.worker_edit, name="worker-edit"),
    path("workers/<int:pk>/delete/", views.worker_delete, name="worker-delete"),
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
    path("skills/", views.skill_list, name="skill-list"),
    path("skills/new/", views.skill_create, name="skill-create"),
    path("skills/<int:pk>/", views.skill_detail, name="skill-detail"),
    path("skills/<int:pk>/edit/", views.skill_edit, name="skill-edit"),
    path("skills/<int:pk>/delete/", views.skill_delete, name="skill-delete"),
    path("certifications/", views.certification_list, name="certification-list"),
    path("certifications/new/", views.certification_create, name="certification-create"),
    path("certifications/<int:pk>/", views.certification_detail, name="certification-detail"),
    path("certifications/<int:pk>/edit/", views.certification_edit, name="certification-edit"),
    path(
        "certifications/<int:pk>/delete/",
        views.certification_delete,
        name="certification-delete",
    ),
]
