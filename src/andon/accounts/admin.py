from django.contrib import admin
from django.http import HttpRequest

from andon.accounts.models import ApiToken
from andon.accounts.roles import can


def _admin_role_only(request: HttpRequest) -> bool:
    """The admin site is for users, roles and tokens, and only the admin role may use it."""
    return bool(request.user.is_active and can(request.user, "accounts.manage"))


admin.site.has_permission = _admin_role_only  # type: ignore[method-assign]
admin.site.site_header = "Andon administration"
admin.site.site_title = "Andon"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
