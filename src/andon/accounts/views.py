"""Pages of accounts: the user's own profile and tokens, and the users pages for admins.

Thin: forms check the input, `andon.accounts.services` writes and audits. A new token's key and
a generated password are in the answer to the POST that made them, never in a redirect or a
message stored in the session: they are shown once.
"""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from andon.accounts import queries, services
from andon.accounts.forms import (
    PasswordResetForm,
    RolesForm,
    TokenForm,
    UserCreateForm,
    UserProfileForm,
    default_expiry,
    role_options,
)
from andon.accounts.models import ApiToken
from andon.accounts.permissions import requires
from andon.accounts.roles import ROLES
from andon.core.errors import DomainError, NotFound
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.core.pages import form_page, posted_form, show_problems

MANAGE = "accounts.manage"


def profile(request: HttpRequest) -> HttpResponse:
    """The user's own page: roles, password and API tokens for integrations."""
    new_key = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                token_id = request.POST["revoke"]
                if not token_id.isdigit():
                    raise NotFound("No such token.")
                services.revoke_token(request.user, int(token_id))
                messages.success(request, "Token revoked.")
                return redirect("accounts:profile")
            form = TokenForm(request.POST)
            if form.is_valid():
                new_key = services.create_token(
                    request.user,
                    form.cleaned_data["name"],
                    expires_on=form.cleaned_data["expires_on"] or default_expiry(),
                ).raw_key
            else:
                messages.error(request, _first_error(form))
        except DomainError as exc:
            messages.error(request, exc.detail)
    tokens = ApiToken.objects.filter(user__username=request.user.get_username(), revoked=False)
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": tokens,
            "new_key": new_key,
            "token_form": TokenForm(),
            "today": timezone.localdate(),
        },
    )


def password_change(request: HttpRequest) -> HttpResponse:
    """Any user changes their own password, e.g. the one an administrator handed over."""
    form = PasswordChangeForm(cast(Any, request.user), request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The form checks the old password; the service writes and audits the new one.
        services.reset_password(request.user, form.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, form.user)
        messages.success(request, "Password changed.")
        return redirect("accounts:profile")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": "Change your password", "cancel_url": reverse("accounts:profile")},
    )


def _first_error(form: Any) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


# --- users (admin) ------------------------------------------------------------------------------


def _last_login(user: Any) -> str:
    if user.last_login is None:
        return "never"
    return f"{timezone.localtime(user.last_login):%Y-%m-%d %H:%M}"


USERS = ListPage(
    title="Users",
    subtitle="Who may log in, with which roles. Users are deactivated, never deleted.",
    queryset=queries.users,
    columns=[
        Column("Username", "username", sort="username", link=True),
        Column("Name", lambda u: u.get_full_name(), sort="last_name"),
        Column("Roles", lambda u: ", ".join(queries.role_names(u)) or "—"),
        Column("Status", lambda u: "active" if u.is_active else "inactive", badge=True),
        Column("Last login", _last_login, sort="last_login"),
        Column("Tokens", "live_token_count", sort="live_token_count", numeric=True),
    ],
    search_fields=["username", "first_name", "last_name", "email"],
    filters=[
        Filter("role", "Role", "groups__name", [(r, r) for r in ROLES]),
        Filter("active", "Status", "is_active", [("True", "active"), ("False", "inactive")]),
    ],
    default_sort="username",
    detail_url=lambda u: reverse("accounts:user-detail", args=[u.pk]),
    create_url_name="accounts:user-create",
    create_capability=MANAGE,
)


@requires(MANAGE)
def user_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, USERS)


@requires(MANAGE)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                request.user,
                username=data["username"],
                password=data["password"],
                roles=data["roles"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except DomainError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, f"Created user {user.username}.")
            return redirect("accounts:user-detail", pk=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "roles": role_options(form),
            "title": "New user",
            "cancel_url": reverse("accounts:user-list"),
        },
    )


def _user_page(
    request: HttpRequest,
    user: Any,
    *,
    roles_form: RolesForm | None = None,
    password_form: PasswordResetForm | None = None,
    token_form: TokenForm | None = None,
    new_key: str = "",
    new_password: str = "",
    status: int = 200,
) -> HttpResponse:
    roles_form = roles_form or RolesForm(initial={"roles": queries.role_names(user)})
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "subject_roles": queries.role_names(user),
            "roles": role_options(roles_form),
            "roles_form": roles_form,
            "password_form": password_form or PasswordResetForm(),
            "token_form": token_form or TokenForm(),
            "tokens": queries.tokens_of(user),
            "history": queries.history_of(user),
            "today": timezone.localdate(),
            "new_key": new_key,
            "new_password": new_password,
            "is_self": user.pk == request.user.pk,
        },
        status=status,
    )


def _subject(pk: int) -> Any:
    return get_object_or_404(queries.users(), pk=pk)


@requires(MANAGE)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_page(request, _subject(pk))


@requires(MANAGE)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _subject(pk)
    return form_page(
        request,
        UserProfileForm(request.POST or None, instance=get_user_model().objects.get(pk=pk)),
        title=f"Edit {user.username}",
        cancel_url=reverse("accounts:user-detail", args=[pk]),
        save=lambda form: services.update_user(
            request.user, user, {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        ),
        done=lambda u: reverse("accounts:user-detail", args=[u.pk]),
    )


@require_POST
@requires(MANAGE)
def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    user = _subject(pk)
    return posted_form(
        request,
        RolesForm(request.POST),
        save=lambda form: services.set_roles(request.user, user, form.cleaned_data["roles"]),
        done=reverse("accounts:user-detail", args=[pk]),
        page=lambda form: _user_page(request, user, roles_form=form, status=400),
        said=f"Saved the roles of {user.username}.",
    )


@require_POST
@requires(MANAGE)
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _subject(pk)
    try:
        services.deactivate_user(request.user, user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Deactivated {user.username}: they can no longer log in.")
    return redirect("accounts:user-detail", pk=pk)


@require_POST
@requires(MANAGE)
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _subject(pk)
    services.reactivate_user(request.user, user)
    messages.success(request, f"Reactivated {user.username}.")
    return redirect("accounts:user-detail", pk=pk)


@require_POST
@requires(MANAGE)
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = _subject(pk)
    generate = "generate" in request.POST
    form = PasswordResetForm(None if generate else request.POST)
    if generate or form.is_valid():
        try:
            new = services.reset_password(
                request.user, user, None if generate else form.cleaned_data["password"]
            )
        except DomainError as exc:
            show_problems(form, exc)
        else:
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)
            if new.generated:
                return _user_page(request, user, new_password=new.password)
            messages.success(request, f"Set a new password for {user.username}.")
            return redirect("accounts:user-detail", pk=pk)
    return _user_page(request, user, password_form=form, status=400)


@require_POST
@requires(MANAGE)
def user_token_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _subject(pk)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            issued = services.create_token(
                user,
                form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"] or default_expiry(),
                actor=request.user,
            )
        except DomainError as exc:
            show_problems(form, exc)
        else:
            return _user_page(request, _subject(pk), new_key=issued.raw_key)
    return _user_page(request, user, token_form=form, status=400)


@require_POST
@requires(MANAGE)
def user_token_revoke(request: HttpRequest, pk: int, token_id: int) -> HttpResponse:
    user = _subject(pk)
    try:
        token = services.revoke_token(request.user, token_id, owner=user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Revoked the token {token.name}.")
    return redirect("accounts:user-detail", pk=pk)
