from django.urls import path

from andon.collaboration import handover_views, views

app_name = "collaboration"
urlpatterns = [
    path("comments/", views.comment_add, name="comment-add"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/on/<slug:key>/<int:pk>/", views.comment_thread, name="comment-thread"),
    path("mentions/", views.my_mentions, name="mentions"),
    path("mentions/seen/", views.mentions_seen, name="mentions-seen"),
    path("handover/", handover_views.overview, name="handover"),
    path(
        "handover/notes/<int:pk>/acknowledge/",
        handover_views.acknowledge,
        name="handover-acknowledge",
    ),
    path("handover/write/<path:line>/", handover_views.write, name="handover-write"),
    path("handover/lines/<path:line>/", handover_views.line_notes, name="handover-line"),
]
