"""Pages of the shift handover: the lines waiting for an acknowledgement, one line's notes, the
note form prefilled from the shift's data, and the acknowledgement.

Thin: read, check `team.handover` for writing, hand writes to the services, show what they
refuse next to the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.collaboration import services, shiftdata
from andon.collaboration.models import HandoverNote
from andon.core.errors import DomainError
from andon.plant.models import Shift

HANDOVER = "team.handover"


def _line_url(line: str) -> str:
    return reverse("collaboration:handover-line", args=[line])


@requires("view")
def overview(request: HttpRequest) -> HttpResponse:
    """Lines first where a note waits for the incoming shift; then every line's last note."""
    now = timezone.now()
    waiting = list(
        HandoverNote.objects.filter(acknowledged_at__isnull=True)
        .select_related("shift", "author")
        .order_by("acknowledge_due_at", "id")
    )
    lines = shiftdata.lines()
    latest: dict[str, HandoverNote] = {}
    for note in HandoverNote.objects.filter(line__in=lines).select_related("shift", "author"):
        latest.setdefault(note.line, note)  # newest first by the model's ordering
    counts: dict[str, int] = {}
    for note in waiting:
        counts[note.line] = counts.get(note.line, 0) + 1
    rows = [
        {"line": line, "latest": latest.get(line), "waiting": counts.get(line, 0)} for line in lines
    ]
    overdue = sum(1 for n in waiting if n.state_at(now) == HandoverNote.State.OVERDUE)
    return render(
        request,
        "collaboration/handover_overview.html",
        {
            "waiting": waiting,
            "overdue": overdue,
            "rows": rows,
            "may_write": can(request.user, HANDOVER),
            "ack_minutes": services.acknowledge_minutes(),
        },
    )


@requires("view")
def line_notes(request: HttpRequest, line: str) -> HttpResponse:
    known = line in shiftdata.lines() or HandoverNote.objects.filter(line=line).exists()
    if not known:
        raise Http404(f"No production line {line!r}.")
    notes = (
        HandoverNote.objects.filter(line=line)
        .select_related("shift", "author", "acknowledged_by")
        .order_by("-written_at", "-id")
    )
    page = Paginator(notes, 20).get_page(request.GET.get("page"))
    user_id = request.user.pk
    may = can(request.user, HANDOVER)
    shown = [
        {"note": n, "may_acknowledge": may and n.acknowledged_at is None and n.author_id != user_id}
        for n in page.object_list
    ]
    return render(
        request,
        "collaboration/handover_line.html",
        {
            "line": line,
            "notes": shown,
            "page": page,
            "may_write": may and line in shiftdata.lines(),
            "open_note": next((n for n in page.object_list if n.acknowledged_at is None), None),
            "centers": shiftdata.centers(line),
        },
    )


def _chosen(
    request: HttpRequest, line: str, now: dt.datetime
) -> tuple[Shift | None, dt.date | None]:
    """The shift and date the form is for: as given, else the line's shift handing over now.

    A date or shift given but not understood is None, for the service to refuse clearly."""
    shift: Shift | None
    day: dt.date | None
    shift, day = shiftdata.current(line, now)
    asked = request.POST if request.method == "POST" else request.GET
    if "shift" in asked:
        value = asked["shift"]
        shift = Shift.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if "date" in asked:
        try:
            day = dt.date.fromisoformat(asked["date"])
        except ValueError:
            day = None
    return shift, day


def _posted_output(request: HttpRequest) -> list[services.OutputInput]:
    return [
        services.OutputInput(
            work_center=code,
            good=request.POST.get(f"good:{code}", ""),
            scrap=request.POST.get(f"scrap:{code}", ""),
            target=request.POST.get(f"target:{code}", ""),
        )
        for code in request.POST.getlist("work_center")
    ]


def _prefill(
    line: str, shift: Shift | None, day: dt.date | None, now: dt.datetime
) -> dict[str, Any]:
    rows = shiftdata.output(line, shift, day, now) if shift and day else []
    return {
        "output": [
            {
                "work_center": r.code,
                "name": r.name,
                "good": shiftdata.plain(r.good),
                "scrap": shiftdata.plain(r.scrap),
                "target": "",
            }
            for r in rows
        ],
        "machines_down": shiftdata.machines_down(line, now),
        "safety": "",
        "quality": "",
        "notes": "",
    }


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {
        "output": [
            {
                "work_center": r.work_center,
                "name": request.POST.get(f"name:{r.work_center}", ""),
                "good": r.good,
                "scrap": r.scrap,
                "target": r.target,
            }
            for r in _posted_output(request)
        ],
        **{part: request.POST.get(part, "") for part in services.PARTS},
    }


def _open_note(line: str, day: dt.date | None) -> HandoverNote | None:
    if day is None:
        return None
    found = HandoverNote.objects.filter(line=line, shift_date=day, acknowledged_at__isnull=True)
    return found.select_related("author", "shift").first()


@requires(HANDOVER)
def write(request: HttpRequest, line: str) -> HttpResponse:
    if line not in shiftdata.lines():
        raise Http404(f"No production line {line!r}.")
    now = timezone.now()
    shift, day = _chosen(request, line, now)
    error: DomainError | None = None
    if request.method == "POST":
        data = services.NoteInput(
            line=line,
            shift=shift,
            shift_date=day,
            output=_posted_output(request),
            **{part: request.POST.get(part, "") for part in services.PARTS},
        )
        try:
            note = services.write_note(request.user, data, now)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request, "Handover note written; the incoming shift will acknowledge it."
            )
            return redirect(f"{_line_url(line)}#note-{note.pk}")
    values = _posted(request) if request.method == "POST" else _prefill(line, shift, day, now)
    window = shiftdata.window(shift, day) if shift and day else None
    return render(
        request,
        "collaboration/handover_form.html",
        {
            "line": line,
            "shift": shift,
            "day": day,
            "shifts": shiftdata.shifts(line),
            "window": window,
            "values": values,
            "alerts": shiftdata.open_alerts(line),
            "open_note": _open_note(line, day),
            "error": error,
            "problem_columns": {p.column for p in error.problems} if error else set(),
        },
        status=400 if error else 200,
    )


@require_POST
@requires(HANDOVER)
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(HandoverNote, pk=pk)
    try:
        services.acknowledge_note(request.user, note, request.POST.get("reply", ""))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Handover note of {note.shift_date} acknowledged.")
    return redirect(f"{_line_url(note.line)}#note-{note.pk}")
