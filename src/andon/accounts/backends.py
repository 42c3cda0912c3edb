"""The admin role holds every Django permission: it sees every table in the read-only admin."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from andon.accounts.roles import ADMIN, roles_of


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if ADMIN in roles_of(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if ADMIN in roles_of(user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)
