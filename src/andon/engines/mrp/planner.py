"""Regenerative MRP: net, lot-size, offset, explode and peg every item once, level by level.

Time is a working-day index (0 = the calendar's first working day), so lead-time offsetting is an
integer subtraction and nothing loops over the days of the horizon: each item keeps only its
requirements and supplies as short sorted lists, and the work grows with the number of
requirements, not with items x days.

Open supply (on-hand, scheduled receipts, firm planned orders) is used before anything new is
planned, in due-date order, for requirements up to `reschedule_in_days` before it is due; such a
use raises an expedite message instead of a duplicate order.

Pegging is recorded as planning goes: each quantity of a planned or firm order points at the
requirement it serves (a sales order, a forecast, safety stock or a parent order), and what lot
sizing adds beyond every requirement is pegged to excess. A sales order's lateness is then the
worst slip along its pegging tree: a past-due release, or open supply due after it is needed.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from itertools import compress
from operator import itemgetter

from andon.engines.bom import BomCycleError, low_level_codes
from andon.engines.mrp.checks import check_problem
from andon.engines.mrp.forecast import consume_forecasts
from andon.engines.mrp.lot_sizing import DAYS_PER_YEAR, LotSizer
from andon.engines.mrp.model import (
    EPSILON,
    FirmPlannedOrder,
    LotSizeRule,
    MrpProblem,
    Procurement,
)
from andon.engines.mrp.result import (
    ExceptionKind,
    MrpException,
    MrpResult,
    MrpStatus,
    OrderTable,
    PegKind,
    error_result,
)

_BY_DAY = itemgetter(0)


def plan(problem: MrpProblem) -> MrpResult:
    """Plan every item of `problem`; an ERROR result (with every reason) if the data forbids it.

    The cyclic garbage collector is paused while planning: a run allocates millions of small
    acyclic tuples, and each automatic collection would rescan the whole growing heap, making
    time grow faster than the plant. It is restored as it was, even on error.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _plan(problem)
    finally:
        if paused:
            gc.enable()


def _plan(problem: MrpProblem) -> MrpResult:
    errors, warnings = check_problem(problem)
    if errors:
        return error_result(errors, warnings)
    try:
        codes = low_level_codes(
            (i.id for i in problem.items), ((b.parent, b.component) for b in problem.bom_lines)
        )
    except BomCycleError as exc:
        return error_result(list(exc.problems), warnings)
    return _Planner(problem, codes, warnings).run()


class _Planner:
    """The state of one run: per-item requirement lists and the growing columns of orders."""

    def __init__(self, problem: MrpProblem, codes: dict[str, int], warnings: list[str]) -> None:
        self.p = problem
        self.codes = codes
        self.warnings = warnings
        cal = problem.calendar
        self.cal = cal
        self.today = cal.index_on_or_after(problem.today)
        self.horizon = cal.index_on_or_before(problem.horizon_end)
        self.items = sorted(problem.items, key=lambda i: (codes[i.id], i.id))
        self.index = {item.id: n for n, item in enumerate(self.items)}
        # Requirements per item: (day, quantity, source); source >= 0 is a parent order number,
        # source < 0 is demand -1-k in demand_refs.
        self.reqs: list[list[tuple[int, float, int]]] = [[] for _ in self.items]
        self.demand_refs: list[tuple[PegKind, str]] = []
        self.demand_late: list[int] = []
        self.sales_due: dict[int, tuple[int, str, str]] = {}  # demand -> (due index, item, due)
        # Planned and firm orders, column by column.
        self.o_item: list[int] = []
        self.o_qty: list[float] = []
        self.o_due: list[int] = []
        self.o_rel: list[int] = []
        self.o_id: list[str] = []
        self.o_pegs: list[list[tuple[int, float]]] = []
        self.delays: dict[tuple[int, int], int] = {}  # (firm order, source) -> days late
        self.exceptions: list[MrpException] = []
        self._late_from_children: dict[int, int] = {}
        self._receipt_item = {r.id: r.item for r in problem.scheduled_receipts}
        self._firm: dict[int, list[FirmPlannedOrder]] = defaultdict(list)
        for f in problem.firm_planned_orders:
            self._firm[self.index[f.item]].append(f)
        self.safety_src = self._demand(PegKind.SAFETY_STOCK, "")
        self.excess_src = self._demand(PegKind.EXCESS, "")

    def _demand(self, kind: PegKind, ref: str) -> int:
        self.demand_refs.append((kind, ref))
        self.demand_late.append(0)
        return -len(self.demand_refs)

    def run(self) -> MrpResult:
        self._independent_demand()
        supplies = self._supplies()
        components = self._structure()
        processed: list[str] = []
        reqs, o_rel, o_qty, today = self.reqs, self.o_rel, self.o_qty, self.today
        make = Procurement.MAKE
        none: list[tuple[int, float, str, bool, int]] = []
        for n, item in enumerate(self.items):
            processed.append(item.id)
            first = len(o_qty)
            self._net_item(n, supplies.get(n, none))
            lines = components.get(n) if item.procurement == make else None
            if not lines:
                continue
            # Dependent demand: each order of the item needs its components on its release day.
            for number in range(first, len(o_qty)):
                release = o_rel[number]
                day = release if release > today else today
                qty = o_qty[number]
                for comp, factor, lo, hi in lines:
                    if lo <= release <= hi:
                        reqs[comp].append((day, qty * factor, number))
        late = self._lateness()
        self._shortages(late)
        return self._result(processed)

    # -- inputs -----------------------------------------------------------------------------

    def _independent_demand(self) -> None:
        p, cal = self.p, self.cal
        beyond = 0
        for so in sorted(p.sales_demands, key=lambda s: (s.due, s.id)):
            if so.due > p.horizon_end:
                beyond += 1
                continue
            src = self._demand(PegKind.SALES_ORDER, so.id)
            due = cal.index_on_or_before(so.due)
            self.sales_due[src] = (due, so.item, so.due.isoformat())
            self.reqs[self.index[so.item]].append((max(due, self.today), so.quantity, src))
        if beyond:
            self.warnings.append(f"{beyond} sales order line(s) due after the horizon left out")
        for a in sorted(p.allocations, key=lambda a: (a.date, a.id)):
            if a.date > p.horizon_end:
                continue
            src = self._demand(PegKind.ALLOCATION, a.id)
            day = max(cal.index_on_or_before(a.date), self.today)
            self.reqs[self.index[a.item]].append((day, a.quantity, src))
        left = consume_forecasts(
            p.forecasts, p.sales_demands, p.forecast_days_before, p.forecast_days_after
        )
        for f in sorted(p.forecasts, key=lambda f: (f.date, f.id)):
            qty = left[f.id]
            # A forecast dated before today is history: its unsold rest is not demand any more.
            if qty <= EPSILON or f.date < p.today or f.date > p.horizon_end:
                continue
            src = self._demand(PegKind.FORECAST, f.id)
            self.reqs[self.index[f.item]].append((cal.index_on_or_before(f.date), qty, src))

    def _supplies(self) -> dict[int, list[tuple[int, float, str, bool, int]]]:
        """Per item: (due, quantity, id, firm receipt, order number or -1), receipts only here."""
        out: dict[int, list[tuple[int, float, str, bool, int]]] = defaultdict(list)
        for r in self.p.scheduled_receipts:
            if r.due > self.p.horizon_end:
                continue
            due = max(self.cal.index_on_or_before(r.due), self.today)
            out[self.index[r.item]].append((due, r.quantity, r.id, r.firm, -1))
        return out

    def _structure(self) -> dict[int, list[tuple[int, float, int, int]]]:
        """Per make item: (component, gross factor, first valid day, last valid day)."""
        cal, index = self.cal, self.index
        big = 1 << 40
        out: dict[int, list[tuple[int, float, int, int]]] = defaultdict(list)
        for b in self.p.bom_lines:
            lo = cal.index_on_or_after(b.valid_from) if b.valid_from else -big
            hi = cal.index_on_or_before(b.valid_to) if b.valid_to else big
            out[index[b.parent]].append((index[b.component], b.gross_factor, lo, hi))
        return out

    # -- one item ---------------------------------------------------------------------------

    def _new_order(self, item: int, qty: float, due: int, release: int, oid: str) -> int:
        self.o_item.append(item)
        self.o_qty.append(qty)
        self.o_due.append(due)
        self.o_rel.append(release)
        self.o_id.append(oid)
        self.o_pegs.append([])
        return len(self.o_qty) - 1

    def _net_item(self, n: int, receipts: list[tuple[int, float, str, bool, int]]) -> None:
        """Net item n's requirements against its supply, then lot-size what is left."""
        item = self.items[n]
        cal, today = self.cal, self.today
        reqs = self.reqs[n]
        self.reqs[n] = []  # released: the item is never visited again
        if item.safety_stock > EPSILON:
            reqs.insert(0, (today, item.safety_stock, self.safety_src))
        reqs.sort(key=_BY_DAY)
        supplies = list(receipts)
        for f in self._firm.get(n, ()):
            due = max(cal.index_on_or_before(f.due), today)
            number = self._new_order(n, f.quantity, due, cal.index_on_or_before(f.release), f.id)
            supplies.append((due, f.quantity, f.id, False, number))
        supplies.sort(key=_BY_DAY)
        if supplies:
            nets = self._net(reqs, supplies, item.on_hand)
        elif item.on_hand > EPSILON:
            nets = self._net_on_hand(reqs, item.on_hand)
        else:
            nets = reqs
        if nets:
            total = 0.0
            if item.lot_size_rule == LotSizeRule.EOQ:
                total = sum(q for _, q, src in reqs if src != self.safety_src)
            self._lot_size(n, nets, total)

    @staticmethod
    def _net_on_hand(
        reqs: list[tuple[int, float, int]], on_hand: float
    ) -> list[tuple[int, float, int]]:
        """The common case without open supply: on-hand covers the earliest requirements."""
        for k, (day, q, src) in enumerate(reqs):
            if q > on_hand + EPSILON:
                rest = q - on_hand
                return [(day, rest, src), *reqs[k + 1 :]]
            on_hand -= q
        return []

    def _net(
        self,
        reqs: list[tuple[int, float, int]],
        supplies: list[tuple[int, float, str, bool, int]],
        on_hand: float,
    ) -> list[tuple[int, float, int]]:
        """Cover requirements with on-hand then open supply; return what stays uncovered."""
        window = self.p.reschedule_in_days
        left = [s[1] for s in supplies]
        first_use = [-1] * len(supplies)
        ns = len(supplies)
        sp = 0
        nets: list[tuple[int, float, int]] = []
        for day, q, src in reqs:
            if on_hand > EPSILON:
                use = on_hand if on_hand < q else q
                on_hand -= use
                q -= use
                if q <= EPSILON:
                    continue
            while sp < ns and q > EPSILON:
                s_day, _, _, _, number = supplies[sp]
                if s_day > day + window:
                    break
                use = left[sp] if left[sp] < q else q
                left[sp] -= use
                q -= use
                if first_use[sp] < 0:
                    first_use[sp] = day
                if number >= 0:
                    self.o_pegs[number].append((src, use))
                    if s_day > day:
                        key = (number, src)
                        self.delays[key] = max(self.delays.get(key, 0), s_day - day)
                elif s_day > day:
                    self._push_late(src, s_day - day)
                if left[sp] <= EPSILON:
                    sp += 1
            if q > EPSILON:
                nets.append((day, q, src))
        for k, (s_day, _, sid, firm, number) in enumerate(supplies):
            if number >= 0 and left[k] > EPSILON:
                self.o_pegs[number].append((self.excess_src, left[k]))
            if not firm:
                self._supply_messages(sid, number, s_day, first_use[k])
        return nets

    def _lot_size(self, n: int, nets: list[tuple[int, float, int]], total: float) -> None:
        item = self.items[n]
        span = (self.p.horizon_end - self.p.today).days + 1
        sizer = LotSizer(item, total * DAYS_PER_YEAR / span, nets)
        lead = item.effective_lead_time
        quantity = sizer.quantity
        o_pegs, o_item, o_qty = self.o_pegs, self.o_item, self.o_qty
        o_due, o_rel, o_id = self.o_due, self.o_rel, self.o_id
        current: list[tuple[int, float]] = []
        carry = 0.0
        for k, (day, q, src) in enumerate(nets):
            while q > EPSILON:
                if carry > EPSILON:
                    use = carry if carry < q else q
                    current.append((src, use))
                    carry -= use
                    q -= use
                    continue
                carry = quantity(nets, k, q)
                current = []
                o_pegs.append(current)
                o_item.append(n)
                o_qty.append(carry)
                o_due.append(day)
                o_rel.append(day - lead)
                o_id.append("")
        if carry > EPSILON:
            current.append((self.excess_src, carry))

    # -- messages ---------------------------------------------------------------------------

    def _supply_messages(self, sid: str, number: int, due: int, first_use: int) -> None:
        item = self.items[self.o_item[number]].id if number >= 0 else self._receipt_item[sid]
        date = self.cal.date_at(due)
        if first_use < 0:
            kind, suggested, text = ExceptionKind.CANCEL, None, "not needed within the horizon"
        elif first_use < due:
            suggested = self.cal.date_at(first_use)
            kind, text = ExceptionKind.EXPEDITE, f"needed on {suggested.isoformat()}"
        elif first_use > due + self.p.defer_tolerance_days:
            suggested = self.cal.date_at(first_use)
            kind, text = ExceptionKind.DEFER, f"not needed before {suggested.isoformat()}"
        else:
            return
        message = f"{kind.value} {sid} ({item}, due {date.isoformat()}): {text}"
        self.exceptions.append(MrpException(kind, item, sid, date, suggested, 0, message))

    def _push_late(self, src: int, days: int) -> None:
        if src < 0:
            k = -1 - src
            if days > self.demand_late[k]:
                self.demand_late[k] = days
        else:
            self._late_from_children[src] = max(self._late_from_children.get(src, 0), days)

    def _lateness(self) -> list[int]:
        """Working days each order will finish late: the worst slip in its pegging subtree.

        Children always have higher numbers than their parents (they are planned at a deeper
        level), so one backward sweep sees every child before its parent.
        """
        today = self.today
        late = [0] * len(self.o_qty)
        o_rel, o_pegs, delays = self.o_rel, self.o_pegs, self.delays
        below = [0] * len(o_rel)  # the worst slip pushed up from each order's supply
        for number, days in self._late_from_children.items():
            below[number] = days
        demand_late = self.demand_late
        for number in range(len(o_rel) - 1, -1, -1):
            worst = today - o_rel[number]
            if below[number] > worst:
                worst = below[number]
            if worst <= 0 and not delays:
                continue  # on time, and nothing below it slips: the common case
            worst = max(worst, 0)
            late[number] = worst
            for src, _ in o_pegs[number]:
                days = worst + delays.get((number, src), 0) if delays else worst
                if days <= 0:
                    continue
                if src >= 0:
                    if days > below[src]:
                        below[src] = days
                elif days > demand_late[-1 - src]:
                    demand_late[-1 - src] = days
        return late

    def _shortages(self, late: list[int]) -> None:
        cal, today = self.cal, self.today
        for src, (due, item, due_text) in self.sales_due.items():
            k = -1 - src
            days = self.demand_late[k] + max(today - due, 0)
            if days <= 0:
                continue
            ref = self.demand_refs[k][1]
            message = (
                f"sales order {ref} ({item}, due {due_text}) will be {days} working day(s) late"
            )
            self.exceptions.append(
                MrpException(
                    ExceptionKind.SHORTAGE,
                    item,
                    ref,
                    dt.date.fromisoformat(due_text),
                    cal.date_at(max(due, 0) + days),
                    days,
                    message,
                )
            )

    def _result(self, processed: list[str]) -> MrpResult:
        cal, today = self.cal, self.today
        lowest = min(self.o_rel, default=0)
        highest = max(self.o_due, default=0)
        # Every date an order can carry, looked up by index instead of computed per order.
        shift = -min(lowest, 0)
        dates = [cal.date_at(k - shift) for k in range(max(highest, today) + 1 + shift)]
        items = self.items
        names = [i.id for i in items]
        kinds = [i.procurement for i in items]
        o_item, o_rel = self.o_item, self.o_rel
        past_due = [r < today for r in o_rel]
        table = OrderTable(
            item=tuple([names[n] for n in o_item]),
            kind=tuple([kinds[n] for n in o_item]),
            quantity=tuple(self.o_qty),
            release=tuple([dates[r + shift] for r in o_rel]),
            due=tuple([dates[d + shift] for d in self.o_due]),
            firm_ids=tuple(self.o_id),
            past_due=tuple(past_due),
        )
        now = dates[today + shift]
        for number in compress(range(len(past_due)), past_due):
            days = today - o_rel[number]
            item = table.item[number]
            ref = self.o_id[number] or str(number)
            self.exceptions.append(
                MrpException(
                    ExceptionKind.PAST_DUE_RELEASE,
                    item,
                    ref,
                    table.release[number],
                    now,
                    days,
                    f"release {item} order {ref} now: {days} working day(s) past due",
                )
            )
        return MrpResult(
            status=MrpStatus.OK,
            errors=(),
            warnings=tuple(self.warnings),
            planned_orders=table,
            exceptions=tuple(self.exceptions),
            low_level_codes=self.codes,
            items_processed=tuple(processed),
            peg_rows=tuple(tuple(p) for p in self.o_pegs),
            demand_refs=tuple(self.demand_refs),
        )
