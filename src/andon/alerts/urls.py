from django.urls import path

from andon.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="alert-list"),
    path("<int:pk>/", views.alert_detail, name="alert-detail"),
    path(
        "<int:pk>/<str:action>/",
        views.alert_action,
        name="alert-action",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read"),
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/new/", views.rule_create, name="rule-create"),
    path("rules/<int:pk>/", views.RULE_PAGES.edit_view, name="rule-edit"),
    path("rules/<int:pk>/delete/", views.RULE_PAGES.delete_view, name="rule-delete"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path(
        "subscriptions/<int:pk>/delete/",
        views.subscription_delete,
        name="subscription-delete",
    ),
    path("webhooks/", views.webhook_list, name="webhook-list"),
    *views.WEBHOOK_PAGES.urls("webhooks", detail=views.webhook_detail),
    path(
        "webhooks/deliveries/<int:pk>/retry/",
        views.delivery_retry,
        name="delivery-retry",
    ),
]
