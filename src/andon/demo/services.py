"""Write a generated demo plant into the database, and create the demo users.

The whole plant is written in one transaction: if anything fails, the database is left as it was.
Rows go in with `bulk_create` in batches, phase by phase, so that the large benchmark plant loads
in minutes; records are linked through the instances created earlier (their ids come back from
the insert), never through per-row look-ups. Opening stock is posted through the stock ledger,
one OPENING move per balance in one batch, like any other stock.
"""

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import models, transaction
from django.utils import timezone

from andon.accounts.roles import ADMIN, ROLES
from andon.accounts.services import ensure_roles
from andon.catalog.models import AlternativeWorkCenter, BomLine, Item, Operation, UnitOfMeasure
from andon.core import audit
from andon.demo import history
from andon.demo.spec import DemoPlant
from andon.inventory import ledger
from andon.inventory.models import Lot, StockMove
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)
from andon.partners.models import Customer, Supplier, SupplierItem
from andon.people.models import Certification, Skill, Worker, WorkerCertification, WorkerSkill
from andon.plant.models import Calendar, CalendarException, Location, Shift, WorkCenter
from andon.production import reasons, timeline
from andon.production.batch import store_state
from andon.production.models import ProductionEvent, ReasonCode, WorkOrder, WorkOrderOperation

BATCH = 2000
M = TypeVar("M", bound=models.Model)


class Progress(Protocol):
    """What the loader needs from a progress bar (tqdm fits)."""

    def update(self, n: int = 1) -> Any: ...

    def close(self) -> Any: ...


ProgressFactory = Callable[[str, int], Progress]


class _Quiet:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


# The models a database "has data" in; the demo refuses to write into such a database.
DATA_MODELS: tuple[type[models.Model], ...] = (
    Item,
    WorkCenter,
    Location,
    Worker,
    Customer,
    Supplier,
    SalesOrder,
    PurchaseOrder,
    StockMove,
    User,
)


def existing_data() -> dict[str, int]:
    """Rows already in the database, by model, for the models a demo would write (0s left out)."""
    counts = {str(m._meta.verbose_name_plural): m._default_manager.count() for m in DATA_MODELS}
    return {name: count for name, count in counts.items() if count}


class _Loader:
    """Writes one plant; keeps the created instances by natural key to link later rows."""

    def __init__(self, plant: DemoPlant, progress: ProgressFactory) -> None:
        self.plant = plant
        self.progress = progress
        self.bar: Progress = _Quiet()

    def insert(self, model: type[M], rows: Sequence[M]) -> list[M]:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            model._default_manager.bulk_create(chunk, batch_size=BATCH)
            self.bar.update(len(chunk))
        return list(rows)

    def phase(self, label: str, total: int) -> None:
        self.bar.close()
        self.bar = self.progress(label, total)

    def plant_phase(self) -> None:
        p = self.plant
        self.phase(
            "Plant",
            len(p.units)
            + len(p.shifts)
            + sum(1 + len(c.shifts) for c in p.calendars)
            + sum(len(c.closed) for c in p.calendars)
            + len(p.work_centers)
            + len(p.locations),
        )
        self.units = {
            u.code: u
            for u in self.insert(
                UnitOfMeasure,
                [
                    UnitOfMeasure(
                        code=u.code,
                        name=u.name,
                        dimension=u.dimension,
                        ratio_to_base=u.ratio_to_base,
                        whole_numbers=u.whole_numbers,
                    )
                    for u in p.units
                ],
            )
        }
        self.shifts = {
            s.code: s
            for s in self.insert(
                Shift,
                [
                    Shift(
                        code=s.code,
                        name=s.name,
                        start_time=s.start,
                        end_time=s.end,
                        weekdays=s.weekdays,
                        break_minutes=s.break_minutes,
                    )
                    for s in p.shifts
                ],
            )
        }
        calendars = {
            c.code: c
            for c in self.insert(
                Calendar, [Calendar(code=c.code, name=c.name) for c in p.calendars]
            )
        }
        through = Calendar.shifts.through
        self.insert(
            through,
            [
                through(calendar=calendars[c.code], shift=self.shifts[s])
                for c in p.calendars
                for s in c.shifts
            ],
        )
        self.insert(
            CalendarException,
            [
                CalendarException(
                    calendar=calendars[c.code], date=day, kind="closed", reason=reason
                )
                for c in p.calendars
                for day, reason in c.closed
            ],
        )
        self.work_centers = {
            w.code: w
            for w in self.insert(
                WorkCenter,
                [
                    WorkCenter(
                        code=w.code,
                        name=w.name,
                        line=w.line,
                        capacity=w.capacity,
                        calendar=calendars[w.calendar],
                        cost_rate=w.cost_rate,
                        efficiency_percent=w.efficiency_percent,
                    )
                    for w in p.work_centers
                ],
            )
        }
        # Parents come before their children in the list, so one pass links them.
        self.locations: dict[str, Location] = {}
        for spec in p.locations:
            self.locations[spec.code] = Location(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                nettable=spec.nettable,
                parent=self.locations[spec.parent] if spec.parent else None,
            )
        parent_of = {spec.code: spec.parent for spec in p.locations}
        by_depth: dict[int, list[Location]] = {}
        for spec in p.locations:
            depth, node = 0, spec.parent
            while node:
                depth, node = depth + 1, parent_of[node]
            by_depth.setdefault(depth, []).append(self.locations[spec.code])
        for depth in sorted(by_depth):
            self.insert(Location, by_depth[depth])

    def people_phase(self) -> None:
        p = self.plant
        self.phase(
            "People",
            len(p.skills)
            + len(p.certifications)
            + len(p.workers)
            + sum(len(w.skills) + len(w.certificates) for w in p.workers),
        )
        self.skills = {
            s.code: s
            for s in self.insert(Skill, [Skill(code=code, name=name) for code, name in p.skills])
        }
        self.certifications = {
            c.code: c
            for c in self.insert(
                Certification,
                [
                    Certification(code=code, name=name, validity_months=months)
                    for code, name, months in p.certifications
                ],
            )
        }
        workers = self.insert(
            Worker,
            [
                Worker(
                    code=w.code,
                    name=w.name,
                    shift=self.shifts[w.shift],
                    hourly_rate=w.hourly_rate,
                    badge=w.badge,
                )
                for w in p.workers
            ],
        )
        self.insert(
            WorkerSkill,
            [
                WorkerSkill(worker=worker, skill=self.skills[code], level=level)
                for worker, spec in zip(workers, p.workers, strict=True)
                for code, level in spec.skills
            ],
        )
        self.insert(
            WorkerCertification,
            [
                WorkerCertification(
                    worker=worker,
                    certification=self.certifications[code],
                    issued_on=issued,
                    expires_on=expires,
                )
                for worker, spec in zip(workers, p.workers, strict=True)
                for code, issued, expires in spec.certificates
            ],
        )

    def partners_phase(self) -> None:
        p = self.plant
        self.phase("Partners", len(p.customers) + len(p.suppliers))
        fields = ("code", "name", "email", "phone", "address", "country")
        self.customers = {
            c.code: c
            for c in self.insert(
                Customer,
                [
                    Customer(priority=c.priority, **{f: getattr(c, f) for f in fields})
                    for c in p.customers
                ],
            )
        }
        self.suppliers = {
            s.code: s
            for s in self.insert(
                Supplier, [Supplier(**{f: getattr(s, f) for f in fields}) for s in p.suppliers]
            )
        }

    def catalog_phase(self) -> None:
        p = self.plant
        alternatives = sum(len(op.alternatives) for op in p.operations)
        self.phase("Catalog", len(p.items) + len(p.bom_lines) + len(p.operations) + alternatives)
        self.items = {
            i.sku: i
            for i in self.insert(
                Item,
                [
                    Item(
                        sku=i.sku,
                        name=i.name,
                        category=i.category,
                        uom=self.units[i.uom],
                        procurement=i.procurement,
                        lead_time_days=i.lead_time_days,
                        lot_size_rule=i.lot_size_rule,
                        lot_size=i.lot_size,
                        min_qty=i.min_qty,
                        max_qty=i.max_qty,
                        multiple=i.multiple,
                        order_cost=i.order_cost,
                        safety_stock=i.safety_stock,
                        standard_cost=i.standard_cost,
                        lot_tracked=i.lot_tracked,
                    )
                    for i in p.items
                ],
            )
        }
        self.insert(
            BomLine,
            [
                BomLine(
                    parent=self.items[b.parent],
                    component=self.items[b.component],
                    position=b.position,
                    quantity=b.quantity,
                    scrap_percent=b.scrap_percent,
                    operation_sequence=b.operation_sequence,
                )
                for b in p.bom_lines
            ],
        )
        operations = self.insert(
            Operation,
            [
                Operation(
                    item=self.items[o.item],
                    sequence=o.sequence,
                    name=o.name,
                    work_center=self.work_centers[o.work_center],
                    setup_minutes=o.setup_minutes,
                    run_minutes_per_unit=o.run_minutes_per_unit,
                    setup_family=o.setup_family,
                    skill=self.skills[o.skill] if o.skill else None,
                    skill_level=o.skill_level,
                    crew_size=o.crew_size,
                    certification=self.certifications[o.certification] if o.certification else None,
                )
                for o in p.operations
            ],
        )
        self.routing = {
            (spec.item, spec.sequence): op
            for op, spec in zip(operations, p.operations, strict=True)
        }
        self.insert(
            AlternativeWorkCenter,
            [
                AlternativeWorkCenter(
                    operation=op, work_center=self.work_centers[code], run_minutes_per_unit=run
                )
                for op, spec in zip(operations, p.operations, strict=True)
                for code, run in spec.alternatives
            ],
        )

    def sourcing_phase(self) -> None:
        p = self.plant
        self.phase("Suppliers' items", len(p.supplier_items))
        self.insert(
            SupplierItem,
            [
                SupplierItem(
                    supplier=self.suppliers[s.supplier],
                    item=self.items[s.item],
                    supplier_sku=s.supplier_sku,
                    lead_time_days=s.lead_time_days,
                    price=s.price,
                    min_order_qty=s.min_order_qty,
                    preferred=s.preferred,
                )
                for s in p.supplier_items
            ],
        )

    def stock_phase(self) -> None:
        p = self.plant
        lots_wanted = {(s.item, s.lot): s for s in p.stock if s.lot}
        self.phase("Stock", len(lots_wanted) + 2 * len(p.stock))
        lots = {
            (lot.item.sku, lot.code): lot
            for lot in ledger.register_lots(
                [
                    Lot(
                        item=self.items[sku],
                        code=code,
                        expires_on=spec.lot_expires_on,
                        supplier_lot=spec.supplier_lot,
                    )
                    for (sku, code), spec in lots_wanted.items()
                ]
            )
        }
        self.bar.update(len(lots))
        at = timezone.make_aware(dt.datetime.combine(p.today, dt.time(0)))
        # Through the ledger, as one batch: the balances it creates equal their opening moves.
        ledger.post_moves(
            None,
            [
                ledger.MoveRequest(
                    self.items[s.item],
                    self.locations[s.location],
                    s.quantity,
                    StockMove.Kind.OPENING,
                    lots[(s.item, s.lot)] if s.lot else None,
                    reason="Demo plant opening balance",
                    reference="DEMO-OPENING",
                )
                for s in p.stock
            ],
            at=at,
        )
        self.bar.update(2 * len(p.stock))

    def orders_phase(self) -> None:
        p = self.plant
        self.phase(
            "Orders",
            len(p.sales_orders)
            + len(p.purchase_orders)
            + len(p.forecasts)
            + sum(len(o.lines) for o in (*p.sales_orders, *p.purchase_orders)),
        )
        sales = self.insert(
            SalesOrder,
            [
                SalesOrder(
                    number=o.number,
                    customer=self.customers[o.partner],
                    order_date=o.order_date,
                    status=o.status,
                    customer_reference=o.reference,
                )
                for o in p.sales_orders
            ],
        )
        self.insert(
            SalesOrderLine,
            [
                SalesOrderLine(
                    order=order,
                    line=line.line,
                    item=self.items[line.item],
                    quantity=line.quantity,
                    shipped_quantity=line.done_quantity,
                    due_date=line.due_date,
                    unit_price=line.unit_price,
                )
                for order, spec in zip(sales, p.sales_orders, strict=True)
                for line in spec.lines
            ],
        )
        self.insert(
            Forecast,
            [
                Forecast(item=self.items[f.item], date=f.date, quantity=f.quantity)
                for f in p.forecasts
            ],
        )
        purchases = self.insert(
            PurchaseOrder,
            [
                PurchaseOrder(
                    number=o.number,
                    supplier=self.suppliers[o.partner],
                    order_date=o.order_date,
                    status=o.status,
                )
                for o in p.purchase_orders
            ],
        )
        self.insert(
            PurchaseOrderLine,
            [
                PurchaseOrderLine(
                    order=order,
                    line=line.line,
                    item=self.items[line.item],
                    quantity=line.quantity,
                    received_quantity=line.done_quantity,
                    due_date=line.due_date,
                    unit_price=line.unit_price,
                )
                for order, spec in zip(purchases, p.purchase_orders, strict=True)
                for line in spec.lines
            ],
        )
        self.bar.close()

    def history_phase(self) -> None:
        """Past work orders and their events, written in bulk; each operation's progress is
        folded from its own events by production's timeline, exactly as `derive` would."""
        p = self.plant
        reasons.ensure_starting_codes()
        ReasonCode.objects.bulk_create(
            [
                ReasonCode(
                    kind=k, code=c, label=label, downtime_class=dc, loss=loss, sequence=300 + n
                )
                for n, (k, c, label, dc, loss) in enumerate(history.REASON_CODES)
            ],
            ignore_conflicts=True,
        )
        self.phase(
            "Production history",
            len(p.work_orders) + sum(len(o.operations) for o in p.work_orders) + len(p.events),
        )
        aware = timezone.make_aware
        orders = self.insert(
            WorkOrder,
            [
                WorkOrder(
                    number=o.number,
                    item=self.items[o.item],
                    quantity=o.quantity,
                    due_date=o.due_date,
                    status=o.status,
                    supply_location=self.locations["WH-RM"],
                    output_location=self.locations["WH-FG"],
                    lot_code=o.number,
                    released_at=aware(o.released_at),
                    completed_at=aware(o.completed_at) if o.completed_at else None,
                )
                for o in p.work_orders
            ],
        )
        facts: dict[tuple[str, int], list[timeline.Fact]] = {}
        for n, e in enumerate(p.events):
            if e.order:
                assert e.operation is not None
                facts.setdefault((e.order, e.operation), []).append(
                    timeline.Fact(
                        kind=e.kind,
                        at=aware(e.at),
                        seq=n,
                        good=e.good if e.kind == "report" else ZERO,
                        scrap=e.scrap,
                        reason=e.reason,
                    )
                )
        operations: dict[tuple[str, int], WorkOrderOperation] = {}
        for order, spec in zip(orders, p.work_orders, strict=True):
            for op in spec.operations:
                row = WorkOrderOperation(
                    work_order=order,
                    sequence=op.sequence,
                    name=op.name,
                    work_center=self.work_centers[op.work_center],
                    setup_minutes=op.setup_minutes,
                    run_minutes_per_unit=op.run_minutes_per_unit,
                    routing_operation=self.routing.get((spec.item, op.sequence)),
                )
                store_state(row, timeline.fold(facts.get((spec.number, op.sequence), [])))
                operations[(spec.number, op.sequence)] = row
            last = operations[(spec.number, spec.operations[-1].sequence)]
            order.good_quantity = last.good_quantity
            order.scrap_quantity = sum(
                (operations[(spec.number, o.sequence)].scrap_quantity for o in spec.operations),
                start=ZERO,
            )
        WorkOrder.objects.bulk_update(orders, ["good_quantity", "scrap_quantity"], batch_size=BATCH)
        self.insert(WorkOrderOperation, list(operations.values()))
        machine = {ProductionEvent.Kind.DOWNTIME_START, ProductionEvent.Kind.DOWNTIME_END}
        self.insert(
            ProductionEvent,
            [
                ProductionEvent(
                    client_id=f"demo-{n:08d}",
                    kind=e.kind,
                    at=aware(e.at),
                    work_center=self.work_centers[e.work_center],
                    operation=operations[(e.order, e.operation)] if e.order else None,  # type: ignore[index]
                    quantity=e.good,
                    scrap_quantity=e.scrap,
                    reason=e.reason,
                    downtime_class=(e.downtime_class or "unplanned") if e.kind in machine else "",
                )
                for n, e in enumerate(p.events)
            ],
        )
        self.bar.close()


ZERO = Decimal("0")


# The write phases, in dependency order; production history goes last.
WRITE_PHASES: tuple[Callable[[_Loader], None], ...] = (
    _Loader.plant_phase,
    _Loader.people_phase,
    _Loader.partners_phase,
    _Loader.catalog_phase,
    _Loader.sourcing_phase,
    _Loader.stock_phase,
    _Loader.orders_phase,
    _Loader.history_phase,
)


def load(plant: DemoPlant, user: Any = None, progress: ProgressFactory | None = None) -> None:
    """Write the plant in one transaction and record it as one import in the audit history."""
    loader = _Loader(plant, progress or (lambda label, total: _Quiet()))
    with transaction.atomic():
        for step in WRITE_PHASES:
            step(loader)
        audit.record_import(
            user, f"Demo plant: {plant.company} ({plant.size}, seed {plant.seed})", plant.counts()
        )


def new_password() -> str:
    """A fresh password for each demo run: the demo may be reachable by others on the network."""
    return secrets.token_urlsafe(12)


def create_users(password: str) -> list[User]:
    """The `admin` superuser and one user per role, named after the role, sharing `password`."""
    hashed = make_password(password)  # hashed once: hashing is slow on purpose
    with transaction.atomic():
        ensure_roles()
        groups = {group.name: group for group in Group.objects.filter(name__in=ROLES)}
        users = []
        for role in ROLES:
            user = User(
                username=role,
                password=hashed,
                is_staff=role == ADMIN,
                is_superuser=role == ADMIN,
                first_name=role.capitalize(),
                last_name="(demo)",
                email=f"{role}@demo.example",
            )
            user.save()
            user.groups.add(groups[role])
            users.append(user)
        audit.record_import(None, "Demo users", {"users": len(users)})
    return users
