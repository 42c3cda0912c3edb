from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from andon.accounts.permissions import requires


@requires("transfer.export")
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "transfer/index.html", {})
