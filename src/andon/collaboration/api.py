"""REST endpoints of team communication: comments on records, my mentions, handover notes.

Thin: check the capability, resolve names (record keys, usernames, shift codes), call the
services. A record is named by its key (`sales-order`, `purchase-order`, `work-order`,
`work-center`, `alert`) and id.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts.permissions import require
from andon.collaboration import records, services, shiftdata
from andon.collaboration.models import (
    COMMENT_MAX_LENGTH,
    NOTE_PART_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    Comment,
    HandoverNote,
    Mention,
)
from andon.core.errors import NotFound
from andon.core.pagination import Pagination
from andon.plant.models import Shift

router = Router(tags=["collaboration"])
MAX_ID = 2**53
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
RecordKey = Literal["sales-order", "purchase-order", "work-order", "work-center", "alert"]
COMMENT = "team.comment"
HANDOVER = "team.handover"


# --- comments -----------------------------------------------------------------------------------


class CommentOut(Schema):
    id: int
    on: str
    record_id: int
    url: str = Field(description="The comment on the record's page.")
    author: str
    text: str
    mentions: list[str]
    created_at: dt.datetime
    edited_at: dt.datetime | None
    editable_until: dt.datetime

    @staticmethod
    def resolve_on(obj: Comment) -> str:
        return records.by_model_label(obj.content_type.app_label, obj.content_type.model).key

    @staticmethod
    def resolve_record_id(obj: Comment) -> int:
        return int(obj.object_id)

    @staticmethod
    def resolve_url(obj: Comment) -> str:
        entry = records.by_model_label(obj.content_type.app_label, obj.content_type.model)
        return f"{reverse(entry.url_name, args=[obj.object_id])}#comment-{obj.pk}"

    @staticmethod
    def resolve_author(obj: Comment) -> str:
        return obj.author.get_username()

    @staticmethod
    def resolve_mentions(obj: Comment) -> list[str]:
        return sorted(m.user.get_username() for m in obj.mentions.all())


class CommentFilter(Schema):
    on: RecordKey = Field(description="The kind of record.")
    id: int = Field(ge=1, le=MAX_ID, description="The record's id.")


class CommentIn(Schema):
    on: RecordKey
    id: int = Field(ge=1, le=MAX_ID)
    text: str = Field(max_length=COMMENT_MAX_LENGTH * 2, description="@username tells them.")


class CommentEditIn(Schema):
    text: str = Field(max_length=COMMENT_MAX_LENGTH * 2)


def _comments() -> QuerySet[Comment]:
    return Comment.objects.select_related("author", "content_type").prefetch_related(
        "mentions__user"
    )


@router.get("/comments", response=list[CommentOut], summary="A record's comments, oldest first")
@paginate(Pagination)
def list_comments(request: HttpRequest, filters: Query[CommentFilter]) -> QuerySet[Comment]:
    require(request, "view")
    record = records.find(filters.on, filters.id)
    return (
        _comments()
        .filter(content_type=records.content_type(record), object_id=record.pk)
        .order_by("created_at", "id")
    )


@router.post("/comments", response={201: CommentOut}, summary="Comment on a record")
def create_comment(request: HttpRequest, payload: CommentIn) -> Status[Comment]:
    require(request, COMMENT)
    record = records.find(payload.on, payload.id)
    comment = services.add_comment(request.user, record, payload.text)
    return Status(201, _comments().get(pk=comment.pk))


def _comment(pk: int) -> Comment:
    found = _comments().filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No comment with id {pk}.")
    return found


@router.patch("/comments/{pk}", response=CommentOut, summary="Correct my comment (15 minutes)")
def edit_comment(request: HttpRequest, pk: Id, payload: CommentEditIn) -> Comment:
    require(request, COMMENT)
    services.edit_comment(request.user, _comment(pk), payload.text)
    return _comment(pk)


@router.delete("/comments/{pk}", response={204: None}, summary="Withdraw my comment (15 minutes)")
def delete_comment(request: HttpRequest, pk: Id) -> Status[None]:
    require(request, COMMENT)
    services.delete_comment(request.user, _comment(pk))
    return Status(204, None)


@router.get("/mentions", response=list[CommentOut], summary="Comments that mention me")
@paginate(Pagination)
def my_mentions(request: HttpRequest) -> QuerySet[Comment]:
    require(request, "view")
    mentioned = Mention.objects.filter(user_id=request.user.pk or 0).values("comment_id")
    return _comments().filter(pk__in=mentioned).order_by("-created_at", "-id")


# --- handover notes -----------------------------------------------------------------------------


class OutputRowIO(Schema):
    work_center: str = Field(max_length=20)
    good: Decimal = Field(ge=0, max_digits=15, decimal_places=4)
    scrap: Decimal = Field(Decimal(0), ge=0, max_digits=15, decimal_places=4)
    target: Decimal | None = Field(None, ge=0, max_digits=15, decimal_places=4)


class OutputRowOut(Schema):
    work_center: str
    name: str
    good: str
    scrap: str
    target: str | None


class AlertRef(Schema):
    id: int
    title: str
    severity: str
    state: str


class NoteOut(Schema):
    id: int
    line: str
    shift: str = Field(alias="shift.code")
    shift_date: dt.date
    state: str
    author: str
    written_at: dt.datetime
    safety: str
    quality: str
    output: list[OutputRowOut]
    machines_down: str
    open_alerts: list[AlertRef]
    notes: str
    acknowledge_due_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    reply: str

    @staticmethod
    def resolve_author(obj: HandoverNote) -> str:
        return obj.author.get_username()

    @staticmethod
    def resolve_acknowledged_by(obj: HandoverNote) -> str | None:
        return obj.acknowledged_by.get_username() if obj.acknowledged_by else None


class NoteFilter(Schema):
    line: str | None = Field(None, max_length=40)
    state: HandoverNote.State | None = None


class NoteIn(Schema):
    line: str = Field(min_length=1, max_length=40)
    shift: str = Field(min_length=1, max_length=20, description="Shift code.")
    shift_date: dt.date = Field(description="The date the outgoing shift started.")
    safety: str = Field("", max_length=NOTE_PART_MAX_LENGTH)
    quality: str = Field("", max_length=NOTE_PART_MAX_LENGTH)
    output: list[OutputRowIO] | None = Field(
        None, description="Omitted: good and scrap as reported by the terminals in the shift."
    )
    machines_down: str = Field("", max_length=NOTE_PART_MAX_LENGTH)
    notes: str = Field("", max_length=NOTE_PART_MAX_LENGTH)


class AcknowledgeIn(Schema):
    reply: str = Field("", max_length=REPLY_MAX_LENGTH)


def _notes() -> QuerySet[HandoverNote]:
    return HandoverNote.objects.select_related("shift", "author", "acknowledged_by")


@router.get("/handover-notes", response=list[NoteOut], summary="Handover notes, newest first")
@paginate(Pagination)
def list_notes(request: HttpRequest, filters: Query[NoteFilter]) -> QuerySet[HandoverNote]:
    require(request, "view")
    query = _notes().order_by("-written_at", "-id")
    if filters.line:
        query = query.filter(line=filters.line)
    now = timezone.now()
    if filters.state == HandoverNote.State.ACKNOWLEDGED:
        query = query.filter(acknowledged_at__isnull=False)
    elif filters.state == HandoverNote.State.OPEN:
        query = query.filter(acknowledged_at__isnull=True, acknowledge_due_at__gt=now)
    elif filters.state == HandoverNote.State.OVERDUE:
        query = query.filter(acknowledged_at__isnull=True, acknowledge_due_at__lte=now)
    return query


@router.get("/handover-notes/{pk}", response=NoteOut, summary="One handover note")
def get_note(request: HttpRequest, pk: Id) -> HandoverNote:
    require(request, "view")
    return get_object_or_404(_notes(), pk=pk)


@router.post("/handover-notes", response={201: NoteOut}, summary="Write a handover note")
def create_note(request: HttpRequest, payload: NoteIn) -> Status[HandoverNote]:
    require(request, HANDOVER)
    shift = Shift.objects.filter(code=payload.shift).first()
    if shift is None:
        raise NotFound(f"No shift with code {payload.shift!r}.")
    if payload.output is None:
        now = timezone.now()
        rows = shiftdata.output(payload.line, shift, payload.shift_date, now)
        output = [services.OutputInput(r.code, r.good, r.scrap) for r in rows]
    else:
        output = [
            services.OutputInput(r.work_center, r.good, r.scrap, r.target) for r in payload.output
        ]
    data = services.NoteInput(
        line=payload.line,
        shift=shift,
        shift_date=payload.shift_date,
        safety=payload.safety,
        quality=payload.quality,
        output=output,
        machines_down=payload.machines_down,
        notes=payload.notes,
    )
    note = services.write_note(request.user, data)
    return Status(201, _notes().get(pk=note.pk))


@router.post(
    "/handover-notes/{pk}/acknowledge", response=NoteOut, summary="Acknowledge a handover note"
)
def acknowledge_note(request: HttpRequest, pk: Id, payload: AcknowledgeIn) -> HandoverNote:
    require(request, HANDOVER)
    note = get_object_or_404(HandoverNote, pk=pk)
    services.acknowledge_note(request.user, note, payload.reply)
    return _notes().get(pk=pk)
