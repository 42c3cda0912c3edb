"""REST endpoints of the alerts context: alerts and responding to them, rules, notifications.

`GET /notifications/count` is what a top-bar badge polls: one indexed count, nothing else.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts.permissions import require
from andon.alerts import services
from andon.alerts.models import Alert, AlertRule, Notification, Severity
from andon.alerts.permissions import can_manage, can_respond, need_api
from andon.core.errors import ValidationFailed
from andon.core.pagination import Pagination
from andon.core.schemas import related

router = Router(tags=["alerts"])
# Ids beyond what the databases store answer 422, not a server error.
MAX_ID = 2**53
AlertId = Annotated[int, Path(ge=1, le=MAX_ID)]


class AlertOut(Schema):
    id: int
    rule: str = Field(alias="rule.name")
    kind: str = Field(alias="rule.kind")
    subject_key: str
    severity: str
    state: str
    title: str
    detail: str
    evidence_url: str
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    assigned_to: str | None
    resolved_at: dt.datetime | None
    cause: str
    escalated: bool

    resolve_assigned_to = related("assigned_to.username")


class AlertFilter(Schema):
    severity: Severity | None = None
    state: Alert.State | None = None
    rule: str | None = Field(None, description="Rule name.")


@router.get("/alerts", response=list[AlertOut], summary="List alerts, newest first")
@paginate(Pagination)
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]) -> QuerySet[Alert]:
    require(request, "view")
    query = Alert.objects.select_related("rule", "assigned_to").order_by("-raised_at", "-id")
    if filters.severity:
        query = query.filter(severity=filters.severity)
    if filters.state:
        query = query.filter(state=filters.state)
    if filters.rule:
        query = query.filter(rule__name=filters.rule)
    return query


def _alert(pk: int) -> Alert:
    return get_object_or_404(Alert.objects.select_related("rule", "assigned_to"), pk=pk)


@router.get("/alerts/{pk}", response=AlertOut, summary="One alert")
def get_alert(request: HttpRequest, pk: AlertId) -> Alert:
    require(request, "view")
    return _alert(pk)


@router.post("/alerts/{pk}/acknowledge", response=AlertOut, summary="Acknowledge an alert")
def acknowledge(request: HttpRequest, pk: AlertId) -> Alert:
    need_api(can_respond(request.user))
    return services.acknowledge(request.user, _alert(pk))


class AssignIn(Schema):
    username: str = Field(min_length=1, max_length=150)


@router.post("/alerts/{pk}/assign", response=AlertOut, summary="Assign an alert to a user")
def assign(request: HttpRequest, pk: AlertId, payload: AssignIn) -> Alert:
    need_api(can_respond(request.user))
    alert = _alert(pk)
    assignee = get_user_model().objects.filter(username=payload.username).first()
    return services.assign(request.user, alert, assignee)


class ResolveIn(Schema):
    cause: str = Field(min_length=1, max_length=300)


@router.post("/alerts/{pk}/resolve", response=AlertOut, summary="Resolve an alert with its cause")
def resolve(request: HttpRequest, pk: AlertId, payload: ResolveIn) -> Alert:
    need_api(can_respond(request.user))
    return services.resolve(request.user, _alert(pk), payload.cause)


# --- rules --------------------------------------------------------------------------------------


class RuleOut(Schema):
    id: int
    name: str
    kind: str
    parameters: dict[str, Any]
    severity: str
    owner_role: str
    owner_user: str | None
    enabled: bool
    escalate_after_minutes: int | None
    escalate_to_role: str
    escalate_to_user: str | None
    last_evaluated_at: dt.datetime | None
    last_error: str

    resolve_owner_user = related("owner_user.username")

    resolve_escalate_to_user = related("escalate_to_user.username")


class RuleIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    kind: str = Field(min_length=1, max_length=40)
    parameters: dict[str, Any] = {}
    severity: Severity = Severity.WARNING
    owner_role: str = ""
    owner_user: str | None = None
    enabled: bool = True
    escalate_after_minutes: int | None = Field(None, ge=1, le=100000)
    escalate_to_role: str = ""
    escalate_to_user: str | None = None


def _user(name: str | None, column: str) -> Any:
    if not name:
        return None
    found = get_user_model().objects.filter(username=name).first()
    if found is None:
        raise ValidationFailed(f"No user {name!r}.", code="unknown_user")
    return found


@router.get("/alert-rules", response=list[RuleOut], summary="List alert rules")
@paginate(Pagination)
def list_rules(request: HttpRequest) -> QuerySet[AlertRule]:
    require(request, "view")
    return AlertRule.objects.select_related("owner_user", "escalate_to_user").order_by("name")


@router.post("/alert-rules", response={201: RuleOut}, summary="Create an alert rule")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status[AlertRule]:
    need_api(can_manage(request.user))
    data = payload.model_dump()
    data["owner_user"] = _user(payload.owner_user, "owner_user")
    data["escalate_to_user"] = _user(payload.escalate_to_user, "escalate_to_user")
    return Status(201, services.create_rule(request.user, data))


# --- notifications ------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str
    alert_id: int | None
    url: str = Field(description="Where the entry leads: the alert's page or the record.")
    event: str
    message: str
    created_at: dt.datetime
    read: bool

    @staticmethod
    def resolve_url(obj: Notification) -> str:
        return obj.link


class NotificationFilter(Schema):
    # A literal, not the model's enum: enums named `Kind` from several apps would share one name
    # in the OpenAPI document.
    kind: Literal["alert", "mention"] | None = Field(
        None, description="Only alerts, or only mentions."
    )


class CountOut(Schema):
    unread: int


class ReadIn(Schema):
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        None, description="Notifications to mark read; omitted: all."
    )


@router.get("/notifications", response=list[NotificationOut], summary="My inbox")
@paginate(Pagination)
def list_notifications(
    request: HttpRequest, filters: Query[NotificationFilter]
) -> QuerySet[Notification]:
    require(request, "view")
    query = Notification.objects.filter(user_id=request.user.pk or 0)
    if filters.kind:
        query = query.filter(kind=filters.kind)
    return query.order_by("-created_at", "-id")


@router.get("/notifications/count", response=CountOut, summary="Unread count (top-bar badge)")
def notification_count(request: HttpRequest) -> dict[str, int]:
    require(request, "view")
    return {"unread": services.unread_count(request.user)}


@router.post("/notifications/read", response=CountOut, summary="Mark notifications read")
def read_notifications(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    require(request, "view")
    services.mark_read(request.user, payload.ids)
    return {"unread": services.unread_count(request.user)}
