"""Production pages: work order list and document, entry, actions, lot trace and the board.

Views read and present; every change goes through the production services, and a refused
change comes back as a message on the page instead of a broken one.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.core.crud import RecordPages
from andon.core.errors import DomainError
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.inventory.models import Lot
from andon.plant.models import WorkCenter
from andon.production import board, genealogy, reasons, services
from andon.production.forms import ReasonCodeForm, SplitForm, WorkOrderForm
from andon.production.models import OPEN_STATUSES, ProductionEvent, ReasonCode, WorkOrder
from andon.production.roles import MANAGE
from andon.production.traveller import traveller_pdf

RECENT_EVENTS = 100
# An event recorded this long after it happened is marked as having arrived late.
LATE_AFTER = dt.timedelta(minutes=5)


def _annotated() -> QuerySet[WorkOrder]:
    today = timezone.localdate()
    late = Case(
        When(
            Q(due_date__lt=today) & Q(status__in=[*OPEN_STATUSES, WorkOrder.Status.PLANNED]),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    return WorkOrder.objects.select_related("item__uom").annotate(is_late=late)


def _centers() -> list[tuple[str, str]]:
    return [(str(pk), code) for pk, code in WorkCenter.objects.values_list("pk", "code")]


def _make_items() -> list[tuple[str, str]]:
    rows = WorkOrder.objects.values_list("item_id", "item__sku").distinct().order_by("item__sku")
    return [(str(pk), sku) for pk, sku in rows]


def _due(order: WorkOrder) -> str:
    text = order.due_date.strftime("%d %b %Y")
    return f"{text} · late" if getattr(order, "is_late", False) else text


WORK_ORDERS = ListPage(
    title="Work orders",
    subtitle="What the floor is to make, by due date.",
    queryset=_annotated,
    columns=[
        Column("Number", "number", sort="number", link=True),
        Column("Item", "item.sku", sort="item__sku"),
        Column("Name", "item.name"),
        Column("Quantity", "quantity", sort="quantity", numeric=True),
        Column("Good", "good_quantity", numeric=True),
        Column("Due", _due, sort="due_date"),
        Column("Status", "get_status_display", sort="status", badge=True),
        Column("Source", "get_source_display"),
    ],
    search_fields=["number", "item__sku", "item__name", "lot_code"],
    filters=[
        Filter("status", "Status", "status", WorkOrder.Status.choices),
        Filter("center", "Work center", "operations__work_center_id", _centers),
        Filter("item", "Item", "item_id", _make_items),
        Filter("late", "Late", "is_late", [("1", "Late only")]),
    ],
    default_sort="due_date",
    detail_url=lambda order: reverse("production:workorder-detail", args=[order.pk]),
    create_url_name="production:workorder-create",
    create_capability=MANAGE,
)


@requires("view")
def workorder_list(request: HttpRequest) -> HttpResponse:
    page = WORK_ORDERS
    page.extra_actions = (
        ("Supervisor board", reverse("production:supervisor")),
        ("Trace a lot", reverse("production:lot-trace")),
    )
    return render_list(request, page)


@requires("view")
def workorder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        _annotated().select_related(
            "supply_location", "output_location", "sales_order_line__order__customer"
        ),
        pk=pk,
    )
    operations = list(order.operations.select_related("work_center"))
    for op in operations:
        op.progress = min(int(op.good_quantity / order.quantity * 100), 100)  # type: ignore[attr-defined]
    materials = list(order.materials.select_related("component__uom"))
    for m in materials:
        done = m.issued_quantity / m.required_quantity * 100 if m.required_quantity else 100
        m.progress = min(int(done), 100)  # type: ignore[attr-defined]
    events = list(
        ProductionEvent.objects.filter(operation__work_order=order)
        .select_related("operation", "worker", "work_center", "lot", "item")
        .order_by("-at", "-id")[:RECENT_EVENTS]
    )
    for event in events:
        event.late = event.recorded_at - event.at > LATE_AFTER  # type: ignore[attr-defined]
    lot = Lot.objects.filter(item=order.item, code=order.lot_code).first()
    may = can(request.user, MANAGE)
    status = order.status
    actions = []
    if may:
        S = WorkOrder.Status
        if status == S.PLANNED:
            actions += [("release", "Release", "primary"), ("cancel", "Cancel", "danger")]
        if status == S.RELEASED:
            actions += [("unrelease", "Back to planned", ""), ("cancel", "Cancel", "danger")]
        if status == S.IN_PROGRESS:
            actions += [("complete", "Complete", "primary"), ("cancel", "Cancel", "danger")]
        if status == S.COMPLETED:
            actions += [("close", "Close", "primary")]
    context: dict[str, Any] = {
        "order": order,
        "operations": operations,
        "materials": materials,
        "events": events,
        "lot": lot,
        "actions": actions,
        "may_split": may and status in (WorkOrder.Status.PLANNED, WorkOrder.Status.RELEASED),
        "split_form": SplitForm(),
        "shortages": services.shortages(order) if status == WorkOrder.Status.PLANNED else [],
        "progress": min(int(order.good_quantity / order.quantity * 100), 100),
    }
    return render(request, "production/workorder_detail.html", context)


@requires(MANAGE)
def workorder_create(request: HttpRequest) -> HttpResponse:
    form = WorkOrderForm(request.POST or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line = data.get("sales_order_line")
            if line is not None:
                order = services.create_from_sales_line(
                    request.user, line,
                    supply_location=data["supply_location"],
                    output_location=data["output_location"],
                    quantity=data.get("quantity") or None,
                )  # fmt: skip
            else:
                order = services.create_work_order(
                    request.user, item=data["item"], quantity=data["quantity"],
                    due_date=data["due_date"], supply_location=data["supply_location"],
                    output_location=data["output_location"], notes=data["notes"],
                )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"Work order {order} created.")
            return HttpResponseRedirect(reverse("production:workorder-detail", args=[order.pk]))
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": "New work order",
            "cancel_url": reverse("production:workorder-list"),
        },
    )


def _initial(request: HttpRequest) -> dict[str, Any]:
    line = request.GET.get("sales_order_line")
    return {"sales_order_line": line} if line else {}


ACTIONS = {
    "release": lambda user, order, post: services.release(
        user, order, allow_shortage=post.get("allow_shortage") == "1"
    ),
    "unrelease": lambda user, order, post: services.unrelease(user, order),
    "complete": lambda user, order, post: services.complete(user, order),
    "close": lambda user, order, post: services.close(user, order),
    "cancel": lambda user, order, post: services.cancel(user, order, reason=post.get("reason", "")),
}


@require_POST
@requires(MANAGE)
def workorder_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = get_object_or_404(WorkOrder, pk=pk)
    target = reverse("production:workorder-detail", args=[pk])
    try:
        if action == "split":
            form = SplitForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Give the quantity to split off.")
                return HttpResponseRedirect(target)
            new = services.split(
                request.user, order, form.cleaned_data["quantity"],
                due_date=form.cleaned_data.get("due_date"),
            )  # fmt: skip
            messages.success(request, f"Split {new.quantity.normalize():f} off into {new}.")
            return HttpResponseRedirect(reverse("production:workorder-detail", args=[new.pk]))
        handler = ACTIONS.get(action)
        if handler is None:
            messages.error(request, f"Unknown action {action!r}.")
            return HttpResponseRedirect(target)
        handler(request.user, order, request.POST)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, f"{order}: {action.replace('unrelease', 'back to planned')} done."
        )
    return HttpResponseRedirect(target)


@requires("view")
def workorder_traveller(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        WorkOrder.objects.select_related("item__uom", "supply_location", "output_location"), pk=pk
    )
    response = HttpResponse(traveller_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="traveller-{order.number}.pdf"'
    return response


@requires("view")
def lot_trace(request: HttpRequest) -> HttpResponse:
    sku = (request.GET.get("item") or "").strip()
    code = (request.GET.get("lot") or "").strip()
    direction = request.GET.get("direction") or "backward"
    context: dict[str, Any] = {"sku": sku, "code": code, "direction": direction}
    if sku and code:
        lot = Lot.objects.select_related("item").filter(item__sku=sku, code=code).first()
        if lot is None:
            context["error"] = f"There is no lot {code} of {sku}."
        else:
            try:
                result = genealogy.trace(lot, direction)
            except DomainError as exc:
                context["error"] = exc.detail
            else:
                context["trace"] = result
                context["rows"] = genealogy.flatten(result.root)
    return render(request, "production/lot_trace.html", context)


@requires("view")
def supervisor(request: HttpRequest) -> HttpResponse:
    centers = board.board()
    counts = {
        s: sum(1 for c in centers if c.state == s)
        for s in ("running", "setup", "down", "idle", "paused")
    }
    return render(
        request,
        "production/supervisor.html",
        {
            "centers": centers,
            "counts": counts,
            "now": timezone.localtime(),
            "today": dt.date.today(),
        },
    )


# --- reason codes -------------------------------------------------------------------------------

REASONS = ListPage(
    title="Reason codes",
    subtitle="What operators tap to say why they paused, scrapped or stood still; the downtime "
    "Pareto groups on them. Codes a machine sends that are not listed here are kept as sent.",
    queryset=lambda: ReasonCode.objects.all(),
    columns=[
        Column("Kind", lambda r: r.get_kind_display(), sort="kind"),
        Column("Code", "code", sort="code", link=True),
        Column("Label", "label", sort="label"),
        Column("Class", lambda r: r.get_downtime_class_display(), sort="downtime_class"),
        Column("Loss", lambda r: r.get_loss_display() if r.loss else "", sort="loss"),
        Column("Order", "sequence", sort="sequence", numeric=True),
        Column("On terminal", lambda r: "yes" if r.active else "no", sort="active"),
    ],
    search_fields=["code", "label"],
    filters=[Filter("kind", "Kind", "kind", ReasonCode.Kind.choices)],
    default_sort="kind",
    detail_url=lambda r: reverse("production:reason-edit", args=[r.pk]),
    create_url_name="production:reason-create",
    create_capability=MANAGE,
)


REASON_PAGES = RecordPages(
    ReasonCode, "production:reason", MANAGE, can, "reason code", form=ReasonCodeForm,
    list_page=REASONS, detail=False, edit_title="Reason code {}",
    create=reasons.create_reason, update=reasons.update_reason, delete=reasons.delete_reason,
    initial=lambda request: {key: request.GET.get(key, "") for key in ("kind", "code")},
    cascades="nothing: events keep the code they were sent with, without its label",
)  # fmt: skip
