"""REST endpoints of accounts: who the caller is; users, their roles and tokens for admins.

Users are addressed by username. A user is never deleted: `PATCH {"is_active": false}`
deactivates them. Tokens are created with an expiry date, their key is in the answer once, and
`DELETE` revokes a token (it stays listed, revoked, as history).
"""

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts import queries, services
from andon.accounts.models import ApiToken
from andon.accounts.permissions import require
from andon.accounts.roles import roles_of
from andon.core.pagination import Pagination

router = Router(tags=["accounts"])
MANAGE = "accounts.manage"


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]


@router.get("/me", response=MeOut, summary="Who the caller is, and their roles")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.get_username(),
        full_name=user.get_full_name() if hasattr(user, "get_full_name") else "",
        roles=sorted(roles_of(user)),
    )


# --- users --------------------------------------------------------------------------------------


class UserOut(Schema):
    username: str
    first_name: str
    last_name: str
    email: str
    roles: list[str]
    is_active: bool
    last_login: dt.datetime | None
    date_joined: dt.datetime
    live_tokens: int

    @staticmethod
    def resolve_roles(obj: object) -> list[str]:
        return queries.role_names(obj)

    @staticmethod
    def resolve_live_tokens(obj: object) -> int:
        return int(getattr(obj, "live_token_count", 0))


class UserIn(Schema):
    username: str
    password: str = Field(description="The initial password; the password rules apply.")
    roles: list[str] = []
    first_name: str = ""
    last_name: str = ""
    email: str = ""


class UserPatch(Schema):
    roles: list[str] | None = None
    is_active: bool | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


Search = Annotated[
    str | None,
    FilterLookup(
        ["username__icontains", "first_name__icontains", "last_name__icontains", "email__icontains"]
    ),
]


class UserFilter(FilterSchema):
    q: Search = None
    is_active: bool | None = None
    role: Annotated[str | None, FilterLookup("groups__name")] = None


@router.get("/users", response=list[UserOut], summary="List users")
@paginate(Pagination)
def list_users(request: HttpRequest, filters: Query[UserFilter]) -> QuerySet[Any]:
    require(request, MANAGE)
    return filters.filter(queries.users().order_by("username")).distinct()


@router.get("/users/{username}", response=UserOut, summary="One user")
def get_user(request: HttpRequest, username: str) -> object:
    require(request, MANAGE)
    return queries.user_by_username(username)


@router.post("/users", response={201: UserOut}, summary="Create a user")
def create_user(request: HttpRequest, payload: UserIn) -> Status[object]:
    require(request, MANAGE)
    user = services.create_user(request.user, **payload.model_dump())
    return Status(201, queries.user_by_username(user.username))


@router.patch(
    "/users/{username}", response=UserOut, summary="Change a user's roles, name or active state"
)
def update_user(request: HttpRequest, username: str, payload: UserPatch) -> object:
    require(request, MANAGE)
    user = queries.user_by_username(username)
    changes = payload.model_dump(exclude_unset=True)
    services.change_user(
        request.user,
        user,
        profile={k: changes[k] for k in services.PROFILE_FIELDS if changes.get(k) is not None},
        roles=changes.get("roles"),
        is_active=changes.get("is_active"),
    )
    return queries.user_by_username(username)


class PasswordIn(Schema):
    password: str = Field(
        "", description="The new password; leave it out to have one generated and answered once."
    )


class PasswordOut(Schema):
    username: str
    generated: bool
    password: str | None = Field(description="The generated password, shown this once; else null.")


@router.post("/users/{username}/password", response=PasswordOut, summary="Reset a user's password")
def reset_password(request: HttpRequest, username: str, payload: PasswordIn) -> PasswordOut:
    require(request, MANAGE)
    user = queries.user_by_username(username)
    new = services.reset_password(request.user, user, payload.password or None)
    return PasswordOut(
        username=user.username,
        generated=new.generated,
        password=new.password if new.generated else None,
    )


# --- tokens -------------------------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_on: dt.date | None
    last_used_at: dt.datetime | None
    revoked: bool


class IssuedTokenOut(TokenOut):
    key: str = Field(description="The token itself, shown this once; only its hash is kept.")


class TokenIn(Schema):
    name: str = Field(description="What the token is for, e.g. the integration that uses it.")
    expires_on: dt.date = Field(description="The token stops working on this day.")


@router.get("/users/{username}/tokens", response=list[TokenOut], summary="A user's tokens")
@paginate(Pagination)
def list_tokens(request: HttpRequest, username: str) -> QuerySet[ApiToken]:
    require(request, MANAGE)
    return queries.tokens_of(queries.user_by_username(username))


@router.post(
    "/users/{username}/tokens", response={201: IssuedTokenOut}, summary="Issue a token for a user"
)
def create_token(request: HttpRequest, username: str, payload: TokenIn) -> Status[IssuedTokenOut]:
    require(request, MANAGE)
    user = queries.user_by_username(username)
    issued = services.create_token(
        user, payload.name, expires_on=payload.expires_on, actor=request.user
    )
    token = issued.token
    return Status(
        201,
        IssuedTokenOut(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            expires_on=token.expires_on,
            last_used_at=token.last_used_at,
            revoked=token.revoked,
            key=issued.raw_key,
        ),
    )


@router.delete(
    "/users/{username}/tokens/{token_id}", response={204: None}, summary="Revoke a user's token"
)
def revoke_token(request: HttpRequest, username: str, token_id: int) -> Status[None]:
    require(request, MANAGE)
    user = queries.user_by_username(username)
    services.revoke_token(request.user, token_id, owner=user)
    return Status(204, None)
