"""Pages of the alerts context: alerts and the inbox, rules, subscriptions, webhooks.

Thin: read, check who may do what (`andon.alerts.permissions`), hand writes to the services and
show what they refuse on the page.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.alerts import rules, services
from andon.alerts.forms import RuleForm, SubscriptionForm, WebhookForm
from andon.alerts.models import (
    Alert,
    AlertRule,
    Notification,
    Severity,
    Subscription,
    WebhookDelivery,
    WebhookEndpoint,
)
from andon.alerts.permissions import MANAGE, can_manage, can_respond, need
from andon.core.crud import RecordPages
from andon.core.errors import DomainError
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.core.pages import form_page

# --- alerts -------------------------------------------------------------------------------------


def _rules() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in AlertRule.objects.values_list("pk", "name")]


ALERTS = ListPage(
    title="Alerts",
    queryset=lambda: Alert.objects.select_related("rule", "assigned_to"),
    columns=[
        Column("Alert", "title", sort="title", link=True),
        Column("Severity", "severity", sort="severity", badge=True),
        # "open" is green in andon.css (an open order is fine); an open alert is not.
        Column(
            "State",
            lambda a: "unacknowledged" if a.state == "open" else a.state,
            sort="state",
            badge=True,
        ),
        Column("Rule", "rule.name", sort="rule__name"),
        Column("Raised", lambda a: a.raised_at.strftime("%Y-%m-%d %H:%M"), sort="raised_at"),
        Column("Assigned", lambda a: a.assigned_to.get_username() if a.assigned_to else ""),
        Column("Escalated", lambda a: "escalated" if a.escalated else ""),
    ],
    search_fields=["title", "detail", "subject_key"],
    filters=[
        Filter("severity", "Severity", "severity", Severity.choices),
        Filter("state", "State", "state", Alert.State.choices),
        Filter("rule", "Rule", "rule_id", _rules),
    ],
    default_sort="-raised_at",
    detail_url=lambda a: reverse("alerts:alert-detail", args=[a.pk]),
)


@requires("view")
def alert_list(request: HttpRequest) -> HttpResponse:
    links = [("Inbox", "alerts:inbox"), ("Rules", "alerts:rule-list")]
    page = replace(ALERTS, extra_actions=tuple((label, reverse(name)) for label, name in links))
    return render_list(request, page)


def _alert_page(request: HttpRequest, alert: Alert, error: str = "") -> HttpResponse:
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return render(
        request,
        "alerts/alert_detail.html",
        {
            "alert": alert,
            "can_respond": can_respond(request.user) and alert.state != Alert.State.RESOLVED,
            "users": users,
            "error": error,
            "deliveries": alert.deliveries.select_related("endpoint")[:20],
        },
    )


@requires("view")
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.select_related("rule", "assigned_to", "acknowledged_by", "resolved_by"),
        pk=pk,
    )
    if request.user.is_authenticated:
        services.mark_read(request.user, alert=alert)
    return _alert_page(request, alert)


@require_POST
@requires("view")
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    need(can_respond(request.user))
    alert = get_object_or_404(Alert.objects.select_related("rule"), pk=pk)
    try:
        if action == "acknowledge":
            services.acknowledge(request.user, alert)
        elif action == "assign":
            assignee = get_user_model().objects.filter(pk=request.POST.get("assignee") or 0).first()
            services.assign(request.user, alert, assignee)
        elif action == "resolve":
            services.resolve(request.user, alert, request.POST.get("cause", ""))
        else:
            return HttpResponse(status=404)
    except DomainError as exc:
        alert.refresh_from_db()
        return _alert_page(request, alert, exc.detail)
    messages.success(request, f"Alert {action}d." if action != "assign" else "Alert assigned.")
    return redirect("alerts:alert-detail", pk=pk)


# --- inbox --------------------------------------------------------------------------------------


INBOX_TABS = (("", "All"), ("alert", "Alerts"), ("mention", "Mentions"))


@requires("view")
def inbox(request: HttpRequest) -> HttpResponse:
    """Alert events and @mentions together, newest first; `?kind=` shows one kind only."""
    kind = request.GET.get("kind", "")
    if kind not in Notification.Kind.values:
        kind = ""
    entries = Notification.objects.filter(user_id=request.user.pk or 0).select_related("alert")
    if kind:
        entries = entries.filter(kind=kind)
    return render(
        request,
        "alerts/inbox.html",
        {
            "entries": entries[:100],
            "unread": services.unread_count(request.user),
            "kind": kind,
            "tabs": INBOX_TABS,
        },
    )


@require_POST
@requires("view")
def inbox_read(request: HttpRequest) -> HttpResponse:
    services.mark_read(request.user)
    return redirect("alerts:inbox")


# --- rules --------------------------------------------------------------------------------------

RULES = ListPage(
    title="Alert rules",
    queryset=lambda: AlertRule.objects.select_related("owner_user"),
    columns=[
        Column("Rule", "name", sort="name", link=True),
        Column("Kind", "kind", sort="kind"),
        Column("Severity", "severity", sort="severity", badge=True),
        Column(
            "Owner", lambda r: r.owner_role or (r.owner_user.get_username() if r.owner_user else "")
        ),
        Column(
            "Escalate after",
            lambda r: f"{r.escalate_after_minutes} min" if r.escalate_after_minutes else "",
        ),
        Column("Enabled", lambda r: "enabled" if r.enabled else "disabled", badge=True),
        Column("Last error", "last_error"),
    ],
    search_fields=["name", "kind"],
    filters=[Filter("kind", "Kind", "kind", rules.choices)],
    default_sort="name",
    detail_url=lambda r: reverse("alerts:rule-edit", args=[r.pk]),
    create_url_name="alerts:rule-create",
    create_capability="",
)


@requires("view")
def rule_list(request: HttpRequest) -> HttpResponse:
    links = [("Subscriptions", "alerts:subscriptions")]
    if can_manage(request.user):
        links.append(("Webhooks", "alerts:webhook-list"))
    page = replace(
        RULES,
        create_capability=MANAGE,
        extra_actions=tuple((label, reverse(name)) for label, name in links),
    )
    return render_list(request, page)


@requires("view")
def rule_create(request: HttpRequest) -> HttpResponse:
    need(can_manage(request.user))
    kind = request.GET.get("kind", "")
    if kind not in dict(rules.choices()):
        return render(request, "alerts/rule_kinds.html", {"kinds": _kinds()})
    form = RuleForm(request.POST or None, kind=kind)
    return form_page(
        request,
        form,
        title=f"New rule: {form.kind.label}",
        cancel_url=reverse("alerts:rule-list"),
        save=lambda f: services.create_rule(request.user, f.values()),
        done=lambda r: reverse("alerts:rule-list"),
    )


def _kinds() -> list[dict[str, Any]]:
    out = []
    for kind, _ in rules.choices():
        spec = rules.get(kind)
        out.append({"kind": kind, "label": spec.label, "description": spec.description})
    return out


RULE_PAGES = RecordPages(
    AlertRule, "alerts:rule", MANAGE, can, "rule",
    form=lambda data=None, instance=None: RuleForm(data, instance=instance, kind=instance.kind),
    update=services.update_rule, delete=services.delete_rule, values=lambda form: form.values(),
    edit_title=lambda rule: f"Rule {rule.name} ({rules.get(rule.kind).label})", detail=False,
    cascades="Its alerts, open and resolved, are deleted with it; disable it to keep them.",
)  # fmt: skip


# --- subscriptions ------------------------------------------------------------------------------


@requires("view")
def subscriptions(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target, _, value = form.cleaned_data["target"].partition(":")
        try:
            services.subscribe(
                request.user,
                rule=AlertRule.objects.filter(pk=value).first() if target == "rule" else None,
                kind=value if target == "kind" else "",
                inbox=form.cleaned_data["inbox"],
                email=form.cleaned_data["email"],
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Subscribed.")
            return redirect("alerts:subscriptions")
    mine = Subscription.objects.filter(user_id=request.user.pk or 0).select_related("rule")
    return render(request, "alerts/subscriptions.html", {"form": form, "subscriptions": mine})


@require_POST
@requires("view")
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(Subscription, pk=pk, user_id=request.user.pk or 0)
    services.unsubscribe(request.user, sub)
    messages.success(request, "Unsubscribed.")
    return redirect("alerts:subscriptions")


# --- webhooks -----------------------------------------------------------------------------------


@requires("view")
def webhook_list(request: HttpRequest) -> HttpResponse:
    need(can_manage(request.user))
    endpoints = WebhookEndpoint.objects.order_by("name")
    return render(request, "alerts/webhook_list.html", {"endpoints": endpoints})


WEBHOOK_PAGES = RecordPages(
    WebhookEndpoint, "alerts:webhook", MANAGE, can, "webhook endpoint", form=WebhookForm,
    create=services.create_endpoint, update=services.update_endpoint,
    values=lambda form: form.values(), edit_title="Webhook {0.name}",
    # The secret is shown once, on the page a new endpoint opens on.
    created=lambda endpoint: reverse("alerts:webhook-detail", args=[endpoint.pk]) + "?secret=1",
)  # fmt: skip


@requires("view")
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(can_manage(request.user))
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    deliveries = endpoint.deliveries.select_related("alert")[:100]
    return render(
        request,
        "alerts/webhook_detail.html",
        {
            "endpoint": endpoint,
            "deliveries": deliveries,
            "show_secret": request.GET.get("secret") == "1",
        },
    )


@require_POST
@requires("view")
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    need(can_manage(request.user))
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        services.retry_delivery(request.user, delivery)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "The delivery will be sent again shortly.")
    return redirect("alerts:webhook-detail", pk=delivery.endpoint_id)
