"""Use cases of accounts: users, their roles and passwords, and API tokens.

Every change is one transaction with an audit entry saying who changed what. Users are never
deleted, only deactivated: the audit history keeps naming who did what.
"""

from andon.accounts.services.tokens import (
    LAST_USED_RESOLUTION,
    IssuedToken,
    authenticate_token,
    create_token,
    revoke_token,
)
from andon.accounts.services.users import (
    PROFILE_FIELDS,
    NewPassword,
    change_user,
    create_user,
    deactivate_user,
    ensure_roles,
    reactivate_user,
    reset_password,
    set_roles,
    update_user,
)

__all__ = [
    "LAST_USED_RESOLUTION",
    "PROFILE_FIELDS",
    "IssuedToken",
    "NewPassword",
    "authenticate_token",
    "change_user",
    "create_token",
    "create_user",
    "deactivate_user",
    "ensure_roles",
    "reactivate_user",
    "reset_password",
    "revoke_token",
    "set_roles",
    "update_user",
]
