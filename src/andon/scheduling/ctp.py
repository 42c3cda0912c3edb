"""Capable-to-promise: the earliest date the plant can deliver N of an item, and committing it.

The would-be order is inserted into the schedule in force: every operation already placed keeps
its machine and start (they are promises made), and the new order's operations go into the
earliest gaps the calendars, crews and routing allow. Solving that is a small problem for the
engine, because everything but the new order is fixed. Should the schedule in force no longer fit
the plant (the floor ran late, two fixed operations now overlap), the answer falls back to a
stability-weighted reschedule, which may nudge others a little.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from andon.catalog.models import Item
from andon.core.errors import ValidationFailed
from andon.engines.scheduling import Objective, ProblemError, reschedule, solve
from andon.orders import services as orders
from andon.partners.models import Customer
from andon.plant.models import Location
from andon.production import services as production
from andon.production.models import WorkOrder
from andon.scheduling.inputs import Built, build_problem
from andon.scheduling.models import ScheduleRun
from andon.scheduling.services import SOLVER_WORKERS, previous_schedule

PROMISE_JOB = "PROMISE"
TIME_LIMIT = 3.0


@dataclasses.dataclass(frozen=True)
class PromiseStep:
    operation: str
    work_center: str
    start: dt.datetime
    end: dt.datetime


@dataclasses.dataclass(frozen=True)
class Promise:
    """The answer: when the last operation of the would-be order ends, and the plan for it."""

    item: str
    quantity: Decimal
    finish: dt.datetime
    steps: tuple[PromiseStep, ...]
    exact: bool  # True: nothing already scheduled moves

    @property
    def date(self) -> dt.date:
        return timezone.localtime(self.finish).date()


def _fixed(built: Built, run: ScheduleRun | None) -> Built:
    """The problem with every operation of the schedule in force fixed where it is."""
    previous = previous_schedule(built, run)
    if previous is None:
        return built
    placed = previous.by_operation
    ops = tuple(
        dataclasses.replace(
            op, fixed_start=placed[op.name].start, fixed_resource=placed[op.name].resource
        )
        if op.name in placed and not op.locked
        else op
        for op in built.problem.operations
    )
    jobs = tuple(
        j if j.name == PROMISE_JOB else dataclasses.replace(j, weight=0) for j in built.problem.jobs
    )
    problem = dataclasses.replace(
        built.problem, operations=ops, jobs=jobs, objective=Objective(makespan=0, tardiness=1)
    )
    return dataclasses.replace(built, problem=problem)


def capable_to_promise(
    item: Item,
    quantity: Decimal | int | str,
    *,
    origin: dt.datetime | None = None,
    time_limit: float = TIME_LIMIT,
) -> Promise:
    """The earliest finish of `quantity` of `item` given the schedule in force; nothing saved."""
    qty = production.positive_quantity(quantity)
    if item.procurement != Item.Procurement.MAKE:
        raise ValidationFailed(f"{item.sku} is bought, not made.", code="not_made")
    if not item.operations.exists():
        raise ValidationFailed(f"{item.sku} has no routing to schedule.", code="no_routing")
    run = ScheduleRun.current()
    horizon = run.horizon_days if run else 60
    try:
        built = build_problem(
            origin=origin, horizon_days=horizon, extra=(PROMISE_JOB, item.pk, qty)
        )
    except ProblemError as exc:
        raise ValidationFailed(f"Cannot promise {item.sku}: {exc}", code="infeasible") from None
    exact = True
    try:
        fixed = _fixed(built, run)
        result = solve(fixed.problem, time_limit, SOLVER_WORKERS, seed=0)
    except ProblemError:
        fixed, exact = built, False
        weighted = tuple(
            dataclasses.replace(j, weight=max(j.weight, 1) * 100) if j.name == PROMISE_JOB else j
            for j in built.problem.jobs
        )
        problem = dataclasses.replace(built.problem, jobs=weighted)
        fixed = dataclasses.replace(built, problem=problem)
        previous = previous_schedule(built, run)
        result = (
            reschedule(problem, previous, time_limit, SOLVER_WORKERS, seed=0, stability=1)
            if previous is not None
            else solve(problem, time_limit, SOLVER_WORKERS, seed=0)
        )
    if result.schedule is None:
        raise ValidationFailed(
            f"No date found for {qty.normalize():f} {item.sku} within the "
            f"{horizon}-day horizon: {result.message}",
            code="no_date",
        )
    steps = tuple(
        PromiseStep(a.operation, a.resource, fixed.moment(a.start), fixed.moment(a.end))
        for a in sorted(result.schedule.assignments, key=lambda a: a.start)
        if fixed.problem.operation_by_name[a.operation].job == PROMISE_JOB
    )
    return Promise(item.sku, qty, max(s.end for s in steps), steps, exact)


def _first_warehouse() -> Location:
    location = Location.objects.filter(kind=Location.Kind.WAREHOUSE).order_by("code").first()
    if location is None:
        raise ValidationFailed("There is no warehouse to deliver from.", code="no_location")
    return location


@transaction.atomic
def commit_promise(
    user: Any,
    *,
    customer: Customer,
    item: Item,
    quantity: Decimal,
    due_date: dt.date,
    location: Location | None = None,
) -> WorkOrder:
    """Book the promise: a sales order line due on the promised date and its work order."""
    order = orders.create_sales_order(
        user,
        customer=customer,
        order_date=timezone.localdate(),
        lines=[orders.LineInput(item=item, quantity=quantity, due_date=due_date)],
        customer_reference="capable-to-promise",
    )
    where = location or _first_warehouse()
    line = order.lines.get()
    return production.create_from_sales_line(
        user, line, supply_location=where, output_location=where
    )
