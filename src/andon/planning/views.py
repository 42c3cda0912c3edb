"""Pages of the plan: planned orders (filter, firm, edit, convert), an item's time-phased record,
pegging trees, exceptions, runs with live progress, and the comparison of two runs.

Thin: they read through `queries` and `services` and write only through `actions` and
`services`; a refused action comes back as a message naming the order and the item.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.catalog.models import Item
from andon.core.errors import DomainError
from andon.planning import actions, queries, services
from andon.planning.inputs import BAD_INPUT
from andon.planning.models import PlanException, PlannedOrder, PlanRun

RUN = "planning.run"
FILTERS = ("kind", "item", "supplier", "work_center", "start", "end", "exception", "firm", "q")


def _params(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {n: request.GET.get(n, "").strip() for n in names if request.GET.get(n, "").strip()}


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@requires("view")
def planned_order_list(request: HttpRequest) -> HttpResponse:
    run = services.current_run()
    params = _params(request, FILTERS)
    for name in ("start", "end"):
        if name in params and _date(params[name]) is None:
            messages.error(request, f"{params.pop(name)!r} is not a date (YYYY-MM-DD).")
    orders = queries.filter_orders(run, params).order_by("release_date", "number")
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in params.items())
    context = {
        "run": run,
        "page": page,
        "params": params,
        "query": query,
        "kinds": PlannedOrder.Kind.choices,
        "exception_kinds": PlanException.Kind.choices,
        "can_act": can(request.user, RUN),
    }
    return render(request, "planning/order_list.html", context)


@requires(RUN)
@require_POST
def order_action(request: HttpRequest) -> HttpResponse:
    """Firm or convert the ticked orders; one batch, all or nothing."""
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    back = request.POST.get("next") or reverse("planning:order-list")
    if not back.startswith("/"):
        back = reverse("planning:order-list")
    try:
        if request.POST.get("action") == "convert":
            made = actions.convert_orders(request.user, ids)
            split = f" Split into lots: {'; '.join(made['split'])}." if made["split"] else ""
            messages.success(
                request,
                f"Converted {len(ids)} planned order(s): "
                f"{len(made['work_orders'])} work order(s), "
                f"{len(made['purchase_orders'])} purchase order(s) "
                f"{', '.join(made['purchase_orders'])}.{split}",
            )
        else:
            actions.firm_orders(request.user, ids)
            messages.success(request, f"Firmed {len(ids)} planned order(s).")
    except DomainError as exc:
        messages.error(request, f"Nothing changed: {exc.detail}")
    return HttpResponseRedirect(back)


@requires(RUN)
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PlannedOrder.objects.select_related("item", "run"), pk=pk)
    error = ""
    if request.method == "POST":
        release = _date(request.POST.get("release_date", ""))
        due = _date(request.POST.get("due_date", ""))
        try:
            quantity = Decimal(request.POST.get("quantity", ""))
        except InvalidOperation:
            quantity = Decimal(-1)
        if release is None or due is None:
            error = "Give both dates as YYYY-MM-DD."
        else:
            try:
                actions.edit_order(
                    request.user, pk, quantity=quantity, release_date=release, due_date=due
                )
                messages.success(request, f"Planned order #{order.number} changed and firmed.")
                return redirect("planning:order-list")
            except DomainError as exc:
                error = exc.detail
    return render(request, "planning/order_edit.html", {"order": order, "error": error})


@requires("view")
def order_pegging(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PlannedOrder.objects.select_related("item__uom", "run"), pk=pk)
    tree = queries.flatten([queries.pegging_up(order)])
    return render(
        request,
        "planning/pegging.html",
        {
            "title": f"Pegging of planned order #{order.number}",
            "tree": tree,
            "run": order.run,
            "up": True,
        },
    )


@requires("view")
def sales_pegging(request: HttpRequest) -> HttpResponse:
    run = services.current_run()
    number = request.GET.get("number", "").strip()
    if "/" in number:  # a line reference such as SO-1/2 shows the whole order
        number = number.rsplit("/", 1)[0]
    tree = queries.flatten(queries.pegging_down(run, number)) if run and number else []
    # Without a number, the customer orders the plan says will be late are the ones to look at.
    late = (
        PlanException.objects.filter(run=run, kind=PlanException.Kind.SHORTAGE)
        .select_related("item")
        .order_by("-days_late", "date")[:12]
        if run and not number
        else []
    )
    return render(
        request,
        "planning/pegging.html",
        {
            "title": f"Planned orders serving {number or 'a sales order'}",
            "tree": tree,
            "run": run,
            "number": number,
            "up": False,
            "late": late,
            "can_run": can(request.user, RUN),
        },
    )


@requires("view")
def exception_list(request: HttpRequest) -> HttpResponse:
    run = services.current_run()
    params = _params(request, ("kind", "item", "start", "end", "late"))
    rows = queries.filter_exceptions(run, params).order_by("-days_late", "date", "kind")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/exception_list.html",
        {
            "run": run,
            "page": page,
            "params": params,
            "kinds": PlanException.Kind.choices,
            "query": "&".join(f"{k}={v}" for k, v in params.items()),
            "can_run": can(request.user, RUN),
        },
    )


# --- runs ------------------------------------------------------------------------------------


@requires("view")
def run_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not can(request.user, RUN):
            return HttpResponse(status=403)
        run = services.start_plan(request.user)
        return redirect("planning:run-detail", run.pk)
    services.expire_stale_runs()
    runs = PlanRun.objects.select_related("user").defer("log").order_by("-version")
    page = Paginator(runs, 30).get_page(request.GET.get("page"))
    current = services.current_run()
    return render(
        request,
        "planning/run_list.html",
        {"page": page, "current": current, "can_run": can(request.user, RUN)},
    )


@requires("view")
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(PlanRun.objects.select_related("user"), pk=pk)
    template = (
        "planning/_run_progress.html"
        if request.headers.get("HX-Request")
        else ("planning/run_detail.html")
    )
    current = services.current_run()
    previous = PlanRun.objects.filter(
        status=PlanRun.Status.PUBLISHED, version__lt=run.version
    ).first()
    return render(request, template, {"run": run, "current": current, "previous": previous})


@requires("view")
def compare(request: HttpRequest) -> HttpResponse:
    published = list(PlanRun.objects.filter(status=PlanRun.Status.PUBLISHED).order_by("-version"))
    a = request.GET.get("a", "")
    b = request.GET.get("b", "")
    if not (a or b) and len(published) >= 2:
        # Opened without a choice: what the latest run changed against the one before.
        a, b = str(published[1].pk), str(published[0].pk)
    context: dict[str, Any] = {
        "runs": published,
        "a": a,
        "b": b,
        "can_run": can(request.user, RUN),
    }
    if a.isdigit() and b.isdigit():
        before = get_object_or_404(PlanRun, pk=int(a))
        after = get_object_or_404(PlanRun, pk=int(b))
        result = queries.compare_runs(before, after)
        context.update(before=before, after=after, result=result, limit=200)
    return render(request, "planning/compare.html", context)


# --- the time-phased record --------------------------------------------------------------------


def _buckets(record: Any, by: str) -> list[dict[str, Any]]:
    """Daily record columns, or summed per ISO week; projected on hand is the bucket's last."""
    out: list[dict[str, Any]] = []
    for k, day in enumerate(record.dates):
        key = day if by == "day" else day.isocalendar()[:2]
        if not out or out[-1]["key"] != key:
            out.append(
                {
                    "key": key,
                    "start": day,
                    "gross": 0.0,
                    "receipts": 0.0,
                    "net": 0.0,
                    "planned": 0.0,
                    "releases": 0.0,
                    "on_hand": 0.0,
                }
            )
        bucket = out[-1]
        bucket["gross"] += record.gross_requirements[k]
        bucket["receipts"] += record.scheduled_receipts[k]
        bucket["net"] += record.net_requirements[k]
        bucket["planned"] += record.planned_receipts[k]
        bucket["releases"] += record.planned_releases[k]
        bucket["on_hand"] = record.projected_on_hand[k]
    for bucket in out:
        bucket["short"] = bucket["on_hand"] < record.safety_stock - 1e-9
    return out


@requires("view")
def item_record(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item.objects.select_related("uom"), pk=pk)
    run = services.current_run()
    by = "day" if request.GET.get("by") == "day" else "week"
    context: dict[str, Any] = {
        "item": item,
        "run": run,
        "by": by,
        "can_run": can(request.user, RUN),
    }
    if run is not None:
        try:
            record = services.item_record(run, item)
        except BAD_INPUT as exc:
            # Master data changed since the run and the record cannot be worked out: say what
            # to correct; the stored plan (its orders and exceptions) is still shown below.
            context["problem"] = str(exc)
        else:
            context["record"] = record
            context["weeks"] = _buckets(record, by)
        context["exceptions"] = PlanException.objects.filter(run=run, item=item)
        context["orders"] = PlannedOrder.objects.filter(run=run, item=item).order_by("due_date")
    return render(request, "planning/item_record.html", context)
