from django.urls import include, path

from andon.production import views

app_name = "production"
urlpatterns = [
    path("work-orders/", views.workorder_list, name="workorder-list"),
    path("work-orders/new/", views.workorder_create, name="workorder-create"),
    path("work-orders/<int:pk>/", views.workorder_detail, name="workorder-detail"),
    path(
        "work-orders/<int:pk>/traveller.pdf", views.workorder_traveller, name="workorder-traveller"
    ),
    path("work-orders/<int:pk>/<slug:action>/", views.workorder_action, name="workorder-action"),
    path("lots/trace/", views.lot_trace, name="lot-trace"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("reasons/", views.reason_list, name="reason-list"),
    path("reasons/new/", views.reason_create, name="reason-create"),
    path("reasons/<int:pk>/", views.reason_edit, name="reason-edit"),
    path("reasons/<int:pk>/delete/", views.reason_delete, name="reason-delete"),
    path("terminal/", include("andon.production.terminal.urls")),
]
