"""The admin site: a read-only window for the admin role on users, roles and tokens.

Users, roles and tokens are managed on Andon's own users pages and API, which validate, audit
and refuse what would lock the plant out; the admin only shows them.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest

from andon.accounts.models import ApiToken
from andon.accounts.roles import can
from andon.core.admin import ReadOnlyAdmin


def _admin_role_only(request: HttpRequest) -> bool:
    """The admin site is for the admin role only."""
    return bool(request.user.is_active and can(request.user, "accounts.manage"))


admin.site.has_permission = _admin_role_only  # type: ignore[method-assign]
admin.site.site_header = "Andon administration (read-only)"
admin.site.site_title = "Andon"
admin.site.index_title = "Records, read-only: manage users on Andon's Users page"

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class ReadOnlyUserAdmin(ReadOnlyAdmin, UserAdmin[User]):
    # No password field, not even its hash: there is nothing to do with it here.
    fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        ("Roles and status", {"fields": ("is_active", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "is_active", "last_login")
    list_filter = ("is_active", "groups")


@admin.register(Group)
class ReadOnlyGroupAdmin(ReadOnlyAdmin, GroupAdmin):
    fields = ("name",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_on", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "user__username", "prefix")
    exclude = ("key_hash",)
