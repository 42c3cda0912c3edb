from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from andon.accounts import services
from andon.accounts.models import ApiToken
from andon.core.errors import DomainError


def profile(request: HttpRequest) -> HttpResponse:
    """The user's own page: roles and API tokens for integrations."""
    new_key = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.revoke_token(request.user, int(request.POST["revoke"]))
                messages.success(request, "Token revoked.")
                return redirect("accounts:profile")
            new_key = services.create_token(request.user, request.POST.get("name", "")).raw_key
        except DomainError as exc:
            messages.error(request, exc.detail)
    tokens = ApiToken.objects.filter(user__username=request.user.get_username(), revoked=False)
    return render(request, "accounts/profile.html", {"tokens": tokens, "new_key": new_key})
