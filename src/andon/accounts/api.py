from django.http import HttpRequest
from ninja import Router, Schema

from andon.accounts.roles import roles_of

router = Router(tags=["accounts"])


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
