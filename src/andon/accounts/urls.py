from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from andon.accounts import views

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        login_not_required(auth_views.LoginView.as_view(template_name="accounts/login.html")),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.password_change, name="password-change"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/roles/", views.user_roles, name="user-roles"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("users/<int:pk>/password/", views.user_password, name="user-password"),
    path("users/<int:pk>/tokens/", views.user_token_create, name="user-token-create"),
    path(
        "users/<int:pk>/tokens/<int:token_id>/revoke/",
        views.user_token_revoke,
        name="user-token-revoke",
    ),
]
