from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from andon.overview import queries


def home(request: HttpRequest) -> HttpResponse:
    """The plant at a glance, from data that exists."""
    return render(request, "overview/home.html", queries.overview())
