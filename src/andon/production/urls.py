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
    path("reasons/", views.REASON_PAGES.list_view, name="reason-list"),
    path("reasons/new/", views.REASON_PAGES.create_view, name="reason-create"),
    path("reasons/<int:pk>/", views.REASON_PAGES.edit_view, name="reason-edit"),
    path("reasons/<int:pk>/delete/", views.REASON_PAGES.delete_view, name="reason-delete"),
    path("terminal/", include("andon.production.terminal.urls")),
]
