from django.urls import path

from andon.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("runs/start/", views.start, name="start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/reschedule/", views.reschedule, name="reschedule"),
    path("downtime/", views.down, name="down"),
    path("gantt/", views.gantt, name="gantt"),
    path("operations/<int:pk>/", views.operation, name="operation"),
    path("operations/<int:pk>/lock/", views.lock, name="lock"),
    path("load/", views.load, name="load"),
    path("dispatch/", views.dispatch, name="dispatch-index"),
    path("dispatch/<str:code>/", views.dispatch, name="dispatch"),
    path("late/", views.late, name="late"),
    path("promise/", views.promise, name="promise"),
]
