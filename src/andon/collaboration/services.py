"""Use cases of team communication: comment, correct or withdraw a comment, be told of a
mention, write and acknowledge a shift handover note.

Each function that writes is one transaction, audited, and refuses bad input with a
`DomainError` before anything is written. A mention writes the inbox entry in the comment's
transaction; its email is handed to the background path only after commit, and a mail server
that is down is logged there, so it never fails or slows down the comment.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from andon.alerts import inbox
from andon.collaboration import records, shiftdata, text
from andon.collaboration.models import (
    COMMENT_MAX_LENGTH,
    EDIT_WINDOW,
    NOTE_PART_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    Comment,
    HandoverNote,
    Mention,
)
from andon.core import audit
from andon.core import services as core
from andon.core.errors import Conflict, Forbidden, Problem, ValidationFailed
from andon.plant.models import Shift

DEFAULT_ACK_MINUTES = 30


# --- comments -----------------------------------------------------------------------------------


def _clean_text(value: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationFailed("A comment needs some text.", code="empty_comment")
    if len(cleaned) > COMMENT_MAX_LENGTH:
        raise ValidationFailed(
            f"A comment is at most {COMMENT_MAX_LENGTH} characters; this one has {len(cleaned)}.",
            code="comment_too_long",
        )
    return cleaned


def add_comment(user: Any, record: models.Model, body: str) -> Comment:
    """A new comment on an allow-listed record; the people it @mentions are told once each."""
    records.need(record)
    cleaned = _clean_text(body)
    with transaction.atomic():
        comment = core.create(
            user,
            Comment(
                content_type=records.content_type(record),
                object_id=record.pk,
                author=user,
                text=cleaned,
                created_at=timezone.now(),
            ),
        )
        _mention(comment, record, text.mentioned_names(cleaned))
    return comment


def _own_and_recent(user: Any, comment: Comment, doing: str) -> None:
    if comment.author_id != getattr(user, "pk", None):
        raise Forbidden(f"Only the author may {doing} a comment.", code="not_author")
    if not comment.still_editable():
        minutes = int(EDIT_WINDOW.total_seconds() // 60)
        raise Conflict(
            f"A comment can be changed for {minutes} minutes after it was written; "
            "this one is kept as it is. Add a new comment instead.",
            code="edit_window_closed",
        )


def edit_comment(user: Any, comment: Comment, body: str) -> Comment:
    """The author corrects a fresh comment; newly named people are told, dropped names are not."""
    cleaned = _clean_text(body)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        _own_and_recent(user, comment, "edit")
        if cleaned == comment.text:
            return comment
        core.update(user, comment, {"text": cleaned, "edited_at": timezone.now()})
        names = text.mentioned_names(cleaned)
        wanted = {u.pk for u in _users_named(names)}
        dropped = comment.mentions.exclude(user_id__in=wanted)
        inbox.withdraw(dropped.values_list("notification_id", flat=True), unread_only=True)
        dropped.delete()
        _mention(comment, comment.record, names)
    return comment


def delete_comment(user: Any, comment: Comment) -> None:
    """The author withdraws a fresh comment; its unread inbox entries go with it."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        _own_and_recent(user, comment, "delete")
        inbox.withdraw(comment.mentions.values_list("notification_id", flat=True))
        core.delete(user, comment)


def _users_named(names: Sequence[str]) -> list[Any]:
    """Active users for the names, exact spelling first, else the one name matching any case."""
    if not names:
        return []
    query = models.Q()
    for name in names:
        query |= models.Q(username__iexact=name)
    candidates = list(get_user_model().objects.filter(query, is_active=True))
    found = []
    for name in names:
        exact = [u for u in candidates if u.get_username() == name]
        loose = [u for u in candidates if u.get_username().lower() == name.lower()]
        chosen = exact or (loose if len(loose) == 1 else [])
        found.extend(chosen)
    return list({u.pk: u for u in found}.values())


def _mention(comment: Comment, record: Any, names: Sequence[str]) -> list[Mention]:
    """Tell each newly named person (never the author) in the inbox and, after commit, by mail."""
    already = set(comment.mentions.values_list("user_id", flat=True))
    people = [u for u in _users_named(names) if u.pk != comment.author_id and u.pk not in already]
    if not people:
        return []
    now = timezone.now()
    author = comment.author.get_full_name() or comment.author.get_username()
    about = records.describe(record)
    link = f"{records.url(record)}#comment-{comment.pk}"
    message = f"{author} mentioned you on {about}: {text.excerpt(comment.text)}"[:300]
    told = inbox.tell(
        people, kind=inbox.Kind.MENTION, event="mentioned", message=message, url=link[:300], at=now
    )
    made = [
        Mention.objects.create(
            comment=comment, user=person, notification=told[person.pk], created_at=now
        )
        for person in people
    ]
    emails = sorted(u.pk for u in people if u.email)
    if emails:
        from andon.collaboration.tasks import send_mention_email

        comment_id = comment.pk
        transaction.on_commit(
            lambda: send_mention_email.enqueue(comment_id=comment_id, user_ids=emails)
        )
    return made


def mark_mentions_read(user: Any, record: models.Model) -> int:
    """The person opened the record: the mentions of them on it are read. Personal, not audited."""
    if not getattr(user, "is_authenticated", False) or records.of(record) is None:
        return 0
    with transaction.atomic():
        mentions = Mention.objects.filter(
            user=user,
            comment__content_type=records.content_type(record),
            comment__object_id=record.pk,
        )
        return inbox.mark_read(user, mentions.values_list("notification_id", flat=True))


# --- shift handover -----------------------------------------------------------------------------


def acknowledge_minutes() -> int:
    """How long the incoming shift has to acknowledge (`ANDON_HANDOVER_ACK_MINUTES`, 30)."""
    value = getattr(settings, "ANDON_HANDOVER_ACK_MINUTES", None) or os.environ.get(
        "ANDON_HANDOVER_ACK_MINUTES", ""
    )
    try:
        minutes = int(value) if value else DEFAULT_ACK_MINUTES
    except ValueError:
        raise ValueError(f"ANDON_HANDOVER_ACK_MINUTES must be minutes, not {value!r}") from None
    return max(minutes, 1)


@dataclass(frozen=True)
class OutputInput:
    """One work center's figures as the writer confirmed them; target is optional."""

    work_center: str
    good: Any
    scrap: Any
    target: Any = None


@dataclass(frozen=True)
class NoteInput:
    line: str
    shift: Shift | None
    shift_date: dt.date | None
    safety: str = ""
    quality: str = ""
    output: Sequence[OutputInput] = ()
    machines_down: str = ""
    notes: str = ""


PARTS = ("safety", "quality", "machines_down", "notes")


def _quantity(value: Any, row: int, column: str, problems: list[Problem]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        problems.append(Problem(f"{value!r} is not a number.", row=row, column=column))
        return None
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        problems.append(Problem("Use a number of zero or more.", row=row, column=column))
        return None
    return number


def _output(
    line: str, rows: Sequence[OutputInput], problems: list[Problem]
) -> list[dict[str, Any]]:
    names = {c.code: c.name for c in shiftdata.centers(line)}
    out = []
    for number, row in enumerate(rows, start=1):
        if row.work_center not in names:
            problems.append(
                Problem(
                    f"{row.work_center!r} is not a work center of line {line}.",
                    row=number,
                    column="work_center",
                )
            )
            continue
        good = _quantity(row.good, number, "good", problems)
        scrap = _quantity(row.scrap, number, "scrap", problems)
        target = _quantity(row.target, number, "target", problems)
        out.append(
            {
                "work_center": row.work_center,
                "name": names[row.work_center],
                "good": shiftdata.plain(good or Decimal(0)),
                "scrap": shiftdata.plain(scrap or Decimal(0)),
                "target": None if target is None else shiftdata.plain(target),
            }
        )
    return out


def _check_note(data: NoteInput, now: dt.datetime) -> tuple[dict[str, str], list[dict[str, Any]]]:
    problems: list[Problem] = []
    if data.line not in shiftdata.lines():
        raise ValidationFailed(f"There is no production line {data.line!r}.", code="unknown_line")
    if data.shift is None:
        problems.append(Problem("Choose the shift that is handing over.", column="shift"))
    elif data.shift.pk not in {s.pk for s in shiftdata.shifts(data.line)}:
        problems.append(
            Problem(f"Line {data.line} does not work the {data.shift.name} shift.", column="shift")
        )
    today = timezone.localtime(now).date()
    if data.shift_date is None:
        problems.append(Problem("Give the date the shift started.", column="shift_date"))
    elif data.shift_date > today:
        problems.append(
            Problem(
                f"{data.shift_date} is in the future; a handover follows a shift.",
                column="shift_date",
            )
        )
    parts = {name: (getattr(data, name) or "").strip() for name in PARTS}
    for name, value in parts.items():
        if len(value) > NOTE_PART_MAX_LENGTH:
            problems.append(Problem(f"At most {NOTE_PART_MAX_LENGTH} characters.", column=name))
    output = _output(data.line, data.output, problems)
    if not any(parts.values()) and not any(
        Decimal(r["good"]) or Decimal(r["scrap"]) or r["target"] for r in output
    ):
        problems.append(Problem("Write at least one part of the note."))
    if problems:
        raise ValidationFailed(
            "The handover note is not complete: " + "; ".join(str(p) for p in problems), problems
        )
    return parts, output


def _open_note_conflict(note: HandoverNote) -> Conflict:
    writer = note.author.get_full_name() or note.author.get_username()
    return Conflict(
        f"Line {note.line} already has an unacknowledged handover note for {note.shift_date} "
        f"({note.shift.name}, by {writer}); it must be acknowledged before another is written.",
        code="open_note_exists",
    )


def _open_note(line: str, day: dt.date) -> HandoverNote | None:
    found = HandoverNote.objects.filter(line=line, shift_date=day, acknowledged_at__isnull=True)
    return found.select_related("author", "shift").first()


def write_note(user: Any, data: NoteInput, now: dt.datetime | None = None) -> HandoverNote:
    """The outgoing shift's note; the line's open alerts are copied in as they stand now."""
    now = now or timezone.now()
    parts, output = _check_note(data, now)
    shift, day = data.shift, data.shift_date
    if shift is None or day is None:  # refused by the checks above; narrows the types
        raise ValidationFailed("Choose the shift and its date.")
    with transaction.atomic():
        existing = _open_note(data.line, day)
        if existing is not None:
            raise _open_note_conflict(existing)
        note = HandoverNote(
            line=data.line,
            shift=shift,
            shift_date=day,
            author=user,
            written_at=now,
            output=output,
            open_alerts=shiftdata.open_alerts(data.line),
            acknowledge_due_at=max(now, shiftdata.window(shift, day)[1])
            + dt.timedelta(minutes=acknowledge_minutes()),
            **parts,
        )
        try:
            with transaction.atomic():
                return core.create(user, note)
        except IntegrityError:
            # Another writer's note for the line committed between our check and our insert.
            other = _open_note(data.line, day)
            if other is None:
                raise
            raise _open_note_conflict(other) from None


def acknowledge_note(
    user: Any, note: HandoverNote, reply: str = "", now: dt.datetime | None = None
) -> HandoverNote:
    """Someone of the incoming shift confirms they read the note, with an optional answer."""
    reply = (reply or "").strip()
    if len(reply) > REPLY_MAX_LENGTH:
        raise ValidationFailed(
            f"A reply is at most {REPLY_MAX_LENGTH} characters; this one has {len(reply)}.",
            code="reply_too_long",
        )
    with transaction.atomic():
        note = HandoverNote.objects.select_for_update().get(pk=note.pk)
        if note.author_id == getattr(user, "pk", None):
            raise Conflict(
                "You wrote this note: someone of the incoming shift acknowledges it.",
                code="own_note",
            )
        if note.acknowledged_at is not None:
            raise Conflict(
                f"This note was already acknowledged on "
                f"{timezone.localtime(note.acknowledged_at):%Y-%m-%d %H:%M}.",
                code="already_acknowledged",
            )
        before = audit.snapshot(note)
        note.acknowledged_at = now or timezone.now()
        note.acknowledged_by = user
        note.reply = reply
        note.save(update_fields=["acknowledged_at", "acknowledged_by", "reply"])
        audit.record(user, "update", note, audit.diff(before, audit.snapshot(note)))
    return note
