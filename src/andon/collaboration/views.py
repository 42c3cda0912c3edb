"""Pages of the comment threads and of "my mentions".

Thin: read, check the capability, hand writes to the services. A thread is changed in place
with htmx (the answer is the re-drawn thread); without JavaScript the same forms post and come
back to the record's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.collaboration import records, services, text, threads
from andon.collaboration.models import Comment, Mention
from andon.core.errors import DomainError


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _record(key: str, pk: Any) -> models.Model:
    try:
        return records.find(key, int(pk))
    except (DomainError, TypeError, ValueError, OverflowError):
        raise Http404("No such record.") from None


def _thread(
    request: HttpRequest, record: models.Model, error: str = "", draft: str = ""
) -> HttpResponse:
    data = threads.context(request.user, record, error=error, draft=draft)
    return render(request, "collaboration/_thread.html", data)


def _back(record: models.Model, anchor: str = "comments") -> HttpResponse:
    return redirect(f"{records.url(record)}#{anchor}")


@require_POST
@requires(threads.COMMENT)
def comment_add(request: HttpRequest) -> HttpResponse:
    record = _record(request.POST.get("on", ""), request.POST.get("id"))
    body = request.POST.get("text", "")
    try:
        comment = services.add_comment(request.user, record, body)
    except DomainError as exc:
        if _is_htmx(request):
            return _thread(request, record, error=exc.detail, draft=body)
        messages.error(request, exc.detail)
        return _back(record)
    if _is_htmx(request):
        return _thread(request, record)
    return _back(record, f"comment-{comment.pk}")


@requires("view")
def comment_thread(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    return _thread(request, _record(key, pk))


def _own_comment(request: HttpRequest, pk: int) -> tuple[Comment, models.Model]:
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    record = comment.record
    if record is None:
        raise Http404("The record of this comment is gone.")
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only the author may change a comment.")
    return comment, record


def _edit_form(
    request: HttpRequest, comment: Comment, record: models.Model, error: str, draft: str
) -> HttpResponse:
    data = {
        "comment": comment,
        "record": record,
        "record_key": records.need(record).key,
        "record_url": records.url(record),
        "about": records.describe(record),
        "error": error,
        "draft": draft,
    }
    template = "_comment_edit.html" if _is_htmx(request) else "comment_edit.html"
    return render(request, f"collaboration/{template}", data)


@requires(threads.COMMENT)
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment, record = _own_comment(request, pk)
    if request.method != "POST":
        if not comment.still_editable():
            messages.error(request, "This comment can no longer be edited.")
            return _back(record, f"comment-{pk}")
        return _edit_form(request, comment, record, "", comment.text)
    body = request.POST.get("text", "")
    try:
        services.edit_comment(request.user, comment, body)
    except DomainError as exc:
        if _is_htmx(request) and exc.code == "edit_window_closed":
            return _thread(request, record, error=exc.detail)
        return _edit_form(request, comment, record, exc.detail, body)
    if _is_htmx(request):
        return _thread(request, record)
    return _back(record, f"comment-{pk}")


@require_POST
@requires(threads.COMMENT)
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment, record = _own_comment(request, pk)
    try:
        services.delete_comment(request.user, comment)
    except DomainError as exc:
        if _is_htmx(request):
            return _thread(request, record, error=exc.detail)
        messages.error(request, exc.detail)
        return _back(record, f"comment-{pk}")
    if _is_htmx(request):
        return _thread(request, record)
    messages.success(request, "Comment deleted.")
    return _back(record)


@require_POST
@requires("view")
def mentions_seen(request: HttpRequest) -> HttpResponse:
    """The record's page was opened: the reader's mentions on it leave the unread count."""
    record = _record(request.POST.get("on", ""), request.POST.get("id"))
    services.mark_mentions_read(request.user, record)
    return HttpResponse(status=204)


@requires("view")
def my_mentions(request: HttpRequest) -> HttpResponse:
    """Every comment that named me, newest first, with the record it is on."""
    mentions = (
        Mention.objects.filter(user_id=request.user.pk or 0)
        .select_related("comment__author", "comment__content_type", "notification")
        .prefetch_related("comment__record")
        .order_by("-created_at", "-id")
    )
    page = Paginator(mentions, 50).get_page(request.GET.get("page"))
    rows = []
    for mention in page.object_list:
        comment = mention.comment
        record = comment.record
        rows.append(
            {
                "mention": mention,
                "comment": comment,
                "author": comment.author.get_full_name() or comment.author.get_username(),
                "about": records.describe(record) if record is not None else "(deleted record)",
                "url": f"{records.url(record)}#comment-{comment.pk}" if record else "",
                "html": text.render(comment.text, [request.user.get_username()]),
                "unread": mention.notification is not None and not mention.notification.read,
            }
        )
    return render(request, "collaboration/mentions.html", {"rows": rows, "page": page})
