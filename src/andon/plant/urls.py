from django.urls import path

from andon.plant import views

app_name = "plant"
urlpatterns = [
    path("work-centers/", views.work_center_list, name="workcenter-list"),
    path("work-centers/<int:pk>/", views.work_center_detail, name="workcenter-detail"),
    path("calendars/", views.calendar_list, name="calendar-list"),
    path("locations/", views.location_list, name="location-list"),
]
