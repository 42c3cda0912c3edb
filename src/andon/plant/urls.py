from django.urls import path

from andon.plant import views

app_name = "plant"
urlpatterns = [
    *views.WORK_CENTERS.urls("work-centers", detail=views.work_center_detail),
    *views.SHIFTS.urls("shifts", detail=views.shift_detail),
    *views.CALENDARS.urls("calendars", detail=views.calendar_detail),
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
    *views.LOCATIONS.urls("locations", detail=views.location_detail),
]
