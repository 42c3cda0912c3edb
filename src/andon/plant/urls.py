from django.urls import path

from andon.plant import views

app_name = "plant"
urlpatterns = [
    path("work-centers/", views.work_center_list, name="workcenter-list"),
    path("work-centers/new/", views.work_center_create, name="workcenter-create"),
    path("work-centers/<int:pk>/", views.work_center_detail, name="workcenter-detail"),
    path("work-centers/<int:pk>/edit/", views.work_center_edit, name="workcenter-edit"),
    path("work-centers/<int:pk>/delete/", views.work_center_delete, name="workcenter-delete"),
    path("shifts/", views.shift_list, name="shift-list"),
    path("shifts/new/", views.shift_create, name="shift-create"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift-detail"),
    path("shifts/<int:pk>/edit/", views.shift_edit, name="shift-edit"),
    path("shifts/<int:pk>/delete/", views.shift_delete, name="shift-delete"),
    path("calendars/", views.calendar_list, name="calendar-list"),
    path("calendars/new/", views.calendar_create, name="calendar-create"),
    path("calendars/<int:pk>/", views.calendar_detail, name="calendar-detail"),
    path("calendars/<int:pk>/edit/", views.calendar_edit, name="calendar-edit"),
    path("calendars/<int:pk>/delete/", views.calendar_delete, name="calendar-delete"),
    path(
        "calendars/<int:pk>/exceptions/",
        views.calendar_exception_add,
        name="calendar-exception-add",
    ),
    path(
        "calendars/<int:pk>/exceptions/<int:exception_id>/delete/",
        views.calendar_exception_delete,
        name="calendar-exception-delete",
    ),
    path("locations/", views.location_list, name="location-list"),
    path("locations/new/", views.location_create, name="location-create"),
    path("locations/<int:pk>/", views.location_detail, name="location-detail"),
    path("locations/<int:pk>/edit/", views.location_edit, name="location-edit"),
    path("locations/<int:pk>/delete/", views.location_delete, name="location-delete"),
]
