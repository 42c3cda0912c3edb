"""Scheduling pages: runs, the Gantt, one operation (lock, move), load, dispatch, late, promise.

Views read through `queries` and `charts` and change through the services; a refused change
comes back as a message on the page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.catalog.models import Item
from andon.core.errors import DomainError
from andon.partners.models import Customer
from andon.plant.models import WorkCenter
from andon.scheduling import changes, charts, ctp, moves, queries, services
from andon.scheduling.forms import DowntimeForm, MoveForm, PromiseForm, RunForm
from andon.scheduling.models import ScheduledOperation, ScheduleRun

RUN = "planning.run"
RECENT_RUNS = 20
GANTT_DAYS = 7
CHANGES_SHOWN = 5


def _current_or_none() -> ScheduleRun | None:
    return ScheduleRun.current()


@requires("view")
def overview(request: HttpRequest) -> HttpResponse:
    services.expire_stale_runs()
    current = _current_or_none()
    runs = list(ScheduleRun.objects.select_related("created_by")[:RECENT_RUNS])
    finishes = queries.order_finishes(current) if current else []
    running = any(r.status == ScheduleRun.Status.RUNNING for r in runs)
    order_changes = changes.since(current)
    return render(
        request,
        "scheduling/overview.html",
        {
            "current": current,
            "runs": runs,
            "running": running,
            "order_changes": order_changes[:CHANGES_SHOWN],
            "more_changes": max(0, len(order_changes) - CHANGES_SHOWN),
            "late": sum(1 for f in finishes if f.state == "late"),
            "at_risk": sum(1 for f in finishes if f.state == "at_risk"),
            "orders": len(finishes),
            "run_form": RunForm(),
            "down_form": DowntimeForm(),
            "may_run": can(request.user, RUN),
        },
    )


@requires("view")
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ScheduleRun, pk=pk)
    moved = [
        r
        for r in ScheduledOperation.objects.filter(run=run, previous_start__isnull=False)
        .select_related("operation__work_order", "work_center", "previous_work_center")
        .order_by("start")
        if r.moved
    ]
    for r in moved:
        assert r.previous_start is not None
        r.shift_hours = (r.start - r.previous_start).total_seconds() / 3600  # type: ignore[attr-defined]
    elapsed = (timezone.now() - run.created_at).total_seconds()
    return render(
        request,
        "scheduling/run_detail.html",
        {
            "run": run,
            "moved": moved[:500],
            "figure": charts.progress_chart(run.progress) if run.progress else None,
            "elapsed_percent": min(99, round(100 * elapsed / max(run.time_limit, 0.1))),
            "poll": run.status == ScheduleRun.Status.RUNNING,
        },
    )


@require_POST
@requires(RUN)
def start(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a time limit and horizon in range.")
        return HttpResponseRedirect(reverse("scheduling:overview"))
    kind = request.POST.get("kind") or ScheduleRun.Kind.SCHEDULE
    if kind not in ScheduleRun.Kind.values:
        kind = ScheduleRun.Kind.SCHEDULE
    try:
        run = services.start_run(
            request.user,
            time_limit=form.cleaned_data["time_limit"],
            horizon_days=form.cleaned_data["horizon_days"],
            kind=kind,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return HttpResponseRedirect(reverse("scheduling:overview"))
    _say(request, run)
    return HttpResponseRedirect(reverse("scheduling:run", args=[run.pk]))


def _say(request: HttpRequest, run: ScheduleRun) -> None:
    if run.status == ScheduleRun.Status.FAILED:
        messages.error(
            request, f"Run {run.pk} failed; the schedule in force is unchanged. {run.message}"
        )
    elif run.status == ScheduleRun.Status.PUBLISHED:
        messages.success(request, f"Run {run.pk} published: {run.message}.")


@require_POST
@requires(RUN)
def reschedule(request: HttpRequest) -> HttpResponse:
    """The one-click reschedule offered when orders changed after the schedule in force."""
    try:
        run = services.reschedule_now(request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return HttpResponseRedirect(reverse("scheduling:overview"))
    _say(request, run)
    return HttpResponseRedirect(reverse("scheduling:run", args=[run.pk]))


@require_POST
@requires(RUN)
def down(request: HttpRequest) -> HttpResponse:
    form = DowntimeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Downtime: " + "; ".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return HttpResponseRedirect(reverse("scheduling:overview"))
    data = form.cleaned_data
    try:
        run = services.work_center_down(
            request.user, data["work_center"], data["start"], data["end"], reason=data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return HttpResponseRedirect(reverse("scheduling:overview"))
    _say(request, run)
    return HttpResponseRedirect(reverse("scheduling:run", args=[run.pk]))


def _day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@requires("view")
def gantt(request: HttpRequest) -> HttpResponse:
    current = _current_or_none()
    by = "order" if request.GET.get("by") == "order" else "center"
    colour = request.GET.get("colour", "order")
    colour = colour if colour in ("order", "state", "lateness") else "order"
    first = _day(request.GET.get("from"), timezone.localdate())
    try:
        days = min(max(int(request.GET.get("days", GANTT_DAYS)), 1), 62)
    except ValueError:
        days = GANTT_DAYS
    center = WorkCenter.objects.filter(code=request.GET.get("center") or "").first()
    figure, count = None, 0
    if current is not None:
        begin = queries.due_end(first - dt.timedelta(days=1))
        rows = list(
            queries.placed(
                current, work_center=center, start=begin, end=begin + dt.timedelta(days=days)
            )
        )
        count = len(rows)
        figure = charts.gantt(rows, by=by, colour=colour) if rows else None
    return render(
        request,
        "scheduling/gantt.html",
        {
            "current": current,
            "figure": figure,
            "count": count,
            "by": by,
            "colour": colour,
            "first": first,
            "days": days,
            "center": center,
            "centers": WorkCenter.objects.filter(active=True).order_by("code"),
        },
    )


@requires("view")
def operation(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        ScheduledOperation.objects.select_related(
            "operation__work_order__item", "work_center", "run", "previous_work_center"
        ),
        pk=pk,
    )
    current = _current_or_none()
    in_force = current is not None and current.pk == row.run_id
    verdict = None
    form = MoveForm(
        request.POST or request.GET or None,
        initial={"work_center": row.work_center, "start": timezone.localtime(row.start)},
    )
    alternatives = sorted(
        {row.operation.work_center.code, row.work_center.code}
        | {
            a.work_center.code
            for a in (
                row.operation.routing_operation.alternatives.select_related("work_center")
                if row.operation.routing_operation
                else []
            )
        }
    )
    if (request.method == "POST" or "start" in request.GET) and form.is_valid():
        if not can(request.user, RUN):
            return HttpResponse("Your role does not allow planning.run.", status=403)
        try:
            if request.method == "POST":
                moves.move_operation(
                    request.user,
                    row.pk,
                    form.cleaned_data["work_center"],
                    form.cleaned_data["start"],
                )
                messages.success(request, "Moved and locked there.")
                return HttpResponseRedirect(reverse("scheduling:operation", args=[row.pk]))
            verdict = moves.check_move(
                row, form.cleaned_data["work_center"], form.cleaned_data["start"]
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
    return render(
        request,
        "scheduling/operation.html",
        {
            "row": row,
            "in_force": in_force,
            "form": form,
            "verdict": verdict,
            "alternatives": alternatives,
            "may_run": can(request.user, RUN),
        },
    )


@require_POST
@requires(RUN)
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    locked = request.POST.get("locked", "1") == "1"
    try:
        services.set_lock(request.user, pk, locked)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Locked: the next run keeps it there." if locked else "Unlocked.")
    target = request.POST.get("next") or reverse("scheduling:operation", args=[pk])
    if not target.startswith("/"):
        target = reverse("scheduling:operation", args=[pk])
    return HttpResponseRedirect(target)


@requires("view")
def load(request: HttpRequest) -> HttpResponse:
    current = _current_or_none()
    weeks = queries.weekly_load(current) if current else []
    codes = sorted({w.work_center for w in weeks})
    chosen = request.GET.get("center") or (
        max(weeks, key=lambda w: w.percent or 0).work_center if weeks else ""
    )
    table: dict[str, list[queries.WeekLoad]] = {}
    for w in weeks:
        table.setdefault(w.work_center, []).append(w)
    return render(
        request,
        "scheduling/load.html",
        {
            "current": current,
            "codes": codes,
            "chosen": chosen,
            "figure": charts.load_chart(weeks, chosen) if chosen in codes else None,
            "table": table,
            "weeks": [w.week for w in table[codes[0]]] if codes else [],
        },
    )


@requires("view")
def dispatch(request: HttpRequest, code: str = "") -> HttpResponse:
    current = _current_or_none()
    center = WorkCenter.objects.filter(code=code).first() if code else None
    rows = queries.dispatch_list(current, center) if current and center else []
    return render(
        request,
        "scheduling/dispatch.html",
        {
            "current": current,
            "center": center,
            "rows": rows,
            "centers": WorkCenter.objects.filter(active=True).order_by("code"),
            "now": timezone.localtime(),
        },
    )


@requires("view")
def late(request: HttpRequest) -> HttpResponse:
    current = _current_or_none()
    finishes = queries.order_finishes(current) if current else []
    return render(
        request,
        "scheduling/late.html",
        {"current": current, "orders": [f for f in finishes if f.state != "on_time"]},
    )


@requires("view")
def promise(request: HttpRequest) -> HttpResponse:
    form = PromiseForm(request.POST or request.GET or None)
    answer: ctp.Promise | None = None
    if request.method == "POST" and request.POST.get("action") == "commit":
        return _commit(request)
    if form.is_bound and form.is_valid():
        try:
            answer = ctp.capable_to_promise(
                form.cleaned_data["item"], form.cleaned_data["quantity"]
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
    return render(
        request,
        "scheduling/promise.html",
        {
            "form": form,
            "answer": answer,
            "customer": form.cleaned_data.get("customer")
            if form.is_bound and form.is_valid()
            else None,
            "may_commit": can(request.user, RUN) and can(request.user, "orders.change"),
        },
    )


def _commit(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, RUN) and can(request.user, "orders.change")):
        return HttpResponse("Your role does not allow committing promises.", status=403)
    try:
        item = Item.objects.get(pk=request.POST.get("item") or 0)
        customer = Customer.objects.get(pk=request.POST.get("customer") or 0)
        order = ctp.commit_promise(
            request.user,
            customer=customer,
            item=item,
            quantity=Decimal(request.POST.get("quantity", "0")),
            due_date=dt.date.fromisoformat(request.POST.get("due_date", "")),
        )
    except (Item.DoesNotExist, Customer.DoesNotExist, ValueError, ArithmeticError):
        messages.error(request, "Choose an item, a customer, a quantity and a date.")
        return HttpResponseRedirect(reverse("scheduling:promise"))
    except DomainError as exc:
        messages.error(request, exc.detail)
        return HttpResponseRedirect(reverse("scheduling:promise"))
    messages.success(
        request, f"Committed: {order} for {order.sales_order_line}, due {order.due_date:%d %b %Y}."
    )
    return HttpResponseRedirect(reverse("production:workorder-detail", args=[order.pk]))
