"""The element store: the ledger folded into time elements as it grows, read back as columns.

`refresh` brings the store up to the ledger: it finds the events not folded yet (by id, with a
look-back for ids that committed late), folds every operation they touch again from all of that
operation's events (a late event in the past changes what follows it), and does the same for
machine-level downtime per work center. When nothing is new it costs two small queries. The first
call on a ledger, or after the ledger lost events, folds everything.

`read` returns the elements that overlap a range as numpy columns. On PostgreSQL they come through
a binary COPY parsed as one fixed-width record array, with no Python object per row.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Max

from andon.engines.kpi import NONE
from andon.performance.fold import (
    EVENT_FIELDS,
    MACHINE_FIELDS,
    Builder,
    fold_machine,
    fold_operation,
)
from andon.performance.models import OPEN_END, LedgerMark, ReasonKey, TimeElement
from andon.production.models import ProductionEvent

LOOKBACK = 1000  # ids below the highest folded one that may still commit
SPAN = 7 * 86400  # elements longer than this are found through the `long` index
CHUNK = 1000  # operations folded per query
TABLE = TimeElement._meta.db_table
STORED = (
    "operation_id",
    "work_center_id",
    "starts",
    "ends",
    "open",
    "long",
    "kind",
    "item_key",
    "order_key",
    "reason_key",
    "good",
    "scrap",
    "rework",
    "seconds_per_unit",
)
INTS = ("work_center", "start", "end", "open", "kind", "item", "order", "reason", "operation")
FLOATS = ("good", "scrap", "rework", "seconds_per_unit")
SELECT_COLUMNS = (
    "work_center_id",
    "starts",
    "ends",
    "CASE WHEN open THEN 1 ELSE 0 END",
    "kind",
    "item_key",
    "order_key",
    "reason_key",
    "COALESCE(operation_id, -1)",
    "good",
    "scrap",
    "rework",
    "seconds_per_unit",
)
SELECT = ", ".join(SELECT_COLUMNS)


class StoreBuilder(Builder):
    """Keys are database keys; open states stay open (`OPEN_END`)."""

    def __init__(self, codes: dict[str, int]) -> None:
        super().__init__(0)
        self.codes = codes  # known code -> key, shared by the builders of one refresh
        self.local: dict[str, int] = {}  # codes by first use here, as negative placeholders
        self.current: tuple[int | None, float] = (None, 0.0)
        self.operations: list[int | None] = []
        self.spu: list[float] = []

    def reason(self, code: str) -> int:
        if not code:
            return NONE
        if code in self.codes:
            return self.codes[code]
        return -2 - self.local.setdefault(code, len(self.local))

    def operation(self, item: int, order: int, wc: int, seconds_per_unit: float) -> tuple[int, int]:
        self.current = (self.current[0], seconds_per_unit)
        return item, order

    def open_end(self, wc: int, at: int) -> int:
        return OPEN_END

    def add(self, *args: Any, **kwargs: Any) -> int:
        row = super().add(*args, **kwargs)
        self.operations.append(self.current[0])
        self.spu.append(self.current[1])
        return row

    def resolve(self) -> None:
        """Store the reason codes first used here and put their keys in (two queries)."""
        if self.local:
            ReasonKey.objects.bulk_create(
                [ReasonKey(code=code) for code in self.local], ignore_conflicts=True
            )
            self.codes.update(
                ReasonKey.objects.filter(code__in=list(self.local)).values_list("code", "pk")
            )
            keys = {-2 - n: self.codes[code] for code, n in self.local.items()}
            self.local = {}
            self.cols["reason"] = [keys.get(r, r) for r in self.cols["reason"]]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The elements as table rows (after `resolve`)."""
        c = self.cols
        for n, (op, start, end) in enumerate(
            zip(self.operations, c["start"], c["end"], strict=True)
        ):
            is_open = end >= OPEN_END
            yield (
                op,
                c["work_center"][n],
                start,
                end,
                is_open,
                is_open or end - start > SPAN,
                c["kind"][n],
                c["item"][n],
                c["order"][n],
                c["reason"][n],
                c["good"][n],
                c["scrap"][n],
                c["rework"][n],
                self.spu[n],
            )


def _chunks(keys: Iterable[int], size: int) -> Iterator[list[int]]:
    it = iter(sorted(keys))
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _write(b: StoreBuilder) -> None:
    # New reason codes are stored first: no other query may run on the connection in a COPY.
    b.resolve()
    rows = b.rows()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(STORED)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(STORED))
            cursor.executemany(
                f"INSERT INTO {TABLE} ({', '.join(STORED)}) VALUES ({marks})", list(rows)
            )


def _fold_operations(operations: Iterable[int], codes: dict[str, int]) -> None:
    for chunk in _chunks(operations, CHUNK):
        TimeElement.objects.filter(operation_id__in=chunk).delete()
        b = StoreBuilder(codes)
        events = (
            ProductionEvent.objects.filter(operation_id__in=chunk)
            .order_by("operation_id", "at", "id")
            .values(*EVENT_FIELDS)
        )
        for op, group in itertools.groupby(events.iterator(chunk_size=20000), key=_operation):
            rows = list(group)
            b.current = (op, 0.0)
            fold_operation(b, rows[0]["work_center_id"], rows)
        _write(b)


def _operation(row: dict[str, Any]) -> int:
    return int(row["operation_id"])


def _fold_machines(work_centers: set[int], codes: dict[str, int]) -> None:
    if not work_centers:
        return
    TimeElement.objects.filter(operation__isnull=True, work_center_id__in=work_centers).delete()
    events = (
        ProductionEvent.objects.filter(
            operation__isnull=True,
            work_center_id__in=work_centers,
            kind__in=("downtime_start", "downtime_end"),
        )
        .order_by("work_center_id", "at", "id")
        .values(*MACHINE_FIELDS)
    )
    b = StoreBuilder(codes)
    for wc, group in itertools.groupby(events, key=lambda r: int(r["work_center_id"])):
        fold_machine(b, wc, list(group))
    _write(b)


def refresh(rebuild: bool = False) -> int:
    """Fold what the ledger holds and the store does not yet; how many operations and machines
    were folded again.

    One transaction; concurrent callers wait for each other on the mark row, and the second
    finds nothing left to do."""
    if not rebuild:
        mark = LedgerMark.objects.first()
        if mark is not None and mark.high:
            recent = _recent(mark.high)
            seen = set(mark.seen)
            # Nothing new, and the newest event folded is still there (else the ledger lost
            # events: fold it all again below).
            if all(pk in seen for pk, _, _ in recent) and any(
                pk == mark.high for pk, _, _ in recent
            ):
                return 0
    with transaction.atomic():
        mark = LedgerMark.objects.select_for_update().first() or LedgerMark.objects.create()
        top = ProductionEvent.objects.aggregate(top=Max("id"))["top"] or 0
        if rebuild or not mark.high or top < mark.high:
            TimeElement.objects.all().delete()
            everything = ProductionEvent.objects.filter(id__lte=top)
            operations = set(
                everything.filter(operation__isnull=False)
                .values_list("operation_id", flat=True)
                .distinct()
            )
            machines = set(
                everything.filter(operation__isnull=True)
                .values_list("work_center_id", flat=True)
                .distinct()
            )
            recent = _recent(top)
        else:
            recent = _recent(mark.high)
            seen = set(mark.seen)
            new = [r for r in recent if r[0] not in seen]
            operations = {op for _, op, _ in new if op is not None}
            machines = {wc for _, op, wc in new if op is None}
        codes = dict(ReasonKey.objects.values_list("code", "pk"))
        _fold_operations(operations, codes)
        _fold_machines(machines, codes)
        high = max([top, *(pk for pk, _, _ in recent)])
        mark.high = high
        mark.seen = [pk for pk, _, _ in recent if pk > high - LOOKBACK]
        mark.save()
    return len(operations) + len(machines)


def _recent(high: int) -> list[tuple[int, int | None, int]]:
    """(id, operation, work center) of the events from `LOOKBACK` ids below `high` on."""
    return list(
        ProductionEvent.objects.filter(id__gt=high - LOOKBACK)
        .order_by("id")
        .values_list("id", "operation_id", "work_center_id")
    )


def _where(lo: int, hi: int) -> str:
    # Two bounded index ranges: short elements start at most SPAN before the range; long and
    # open ones come from the partial index. Then keep what overlaps [lo, hi) (or, for an
    # instant, lies in it).
    return (
        f" WHERE ((starts >= {int(lo) - SPAN} AND starts < {int(hi)})"
        f" OR (long AND starts < {int(hi)}))"
        f" AND (ends > {int(lo)} OR open OR (ends = starts AND starts >= {int(lo)}))"
    )


def read(lo: int, hi: int) -> dict[str, np.ndarray]:
    """The stored elements overlapping [lo, hi) as columns (`INTS` int64, `FLOATS` float64)."""
    sql = f"SELECT {SELECT} FROM {TABLE}{_where(lo, hi)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _read_copy(cursor, sql)
        cursor.execute(sql)
        rows = cursor.fetchall()
    table = np.array(rows, dtype=np.float64).reshape(-1, len(INTS) + len(FLOATS))
    out = {name: table[:, n].astype(np.int64) for n, name in enumerate(INTS)}
    for n, name in enumerate(FLOATS):
        out[name] = np.ascontiguousarray(table[:, len(INTS) + n])
    out["open"] = out["open"].astype(bool)
    return out


def _read_copy(cursor: Any, sql: str) -> dict[str, np.ndarray]:
    """Binary COPY: every field has a fixed width, so each row is one record of a numpy dtype."""
    casts = [f"{c}::int8" for c in SELECT_COLUMNS[: len(INTS)]] + [
        f"{c}::float8" for c in SELECT_COLUMNS[len(INTS) :]
    ]
    query = sql.replace(SELECT, ", ".join(casts), 1)
    with cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT binary)") as copy:
        data = b"".join(bytes(block) for block in copy)
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for name in INTS:
        fields += [(f"{name}_length", ">i4"), (name, ">i8")]
    for name in FLOATS:
        fields += [(f"{name}_length", ">i4"), (name, ">f8")]
    record = np.dtype(fields)
    body = np.frombuffer(data, dtype=record, offset=19, count=(len(data) - 21) // record.itemsize)
    out = {name: body[name].astype(np.int64) for name in INTS}
    out.update({name: body[name].astype(np.float64) for name in FLOATS})
    out["open"] = out["open"].astype(bool)
    return out


def reason_codes(keys: list[int]) -> dict[int, str]:
    """The codes behind reason keys (no query when there are none)."""
    if not keys:
        return {}
    return dict(ReasonKey.objects.filter(pk__in=keys).values_list("pk", "code"))
