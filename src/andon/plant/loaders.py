"""Bulk loads of the plant's master data: shifts, calendars, work centers and stock locations.

The import hands whole files over at once (see `andon.core.loads`); each function here checks a
batch by the rules the plant's services apply to one record (the model's validation, new codes,
no location inside itself) and returns the load that writes it set-based.
"""

from collections import defaultdict

from andon.core.errors import Problem
from andon.core.loads import BATCH, Batch, Load, chunks, model_rules, unique_codes, upsert
from andon.plant.models import Calendar, Location, Shift, WorkCenter


def shifts(batch: Batch[Shift]) -> Load:
    return upsert(Shift, batch)


def work_centers(batch: Batch[WorkCenter]) -> Load:
    return upsert(WorkCenter, batch)


def calendars(batch: Batch[Calendar], shifts: dict[int, tuple[Calendar, list[Shift]]]) -> Load:
    """Calendars, and for each one in `shifts` (by identity) exactly the shifts listed."""

    def replace_shifts() -> None:
        through = Calendar.shifts.through
        for chunk in chunks([calendar.pk for calendar, _ in shifts.values()]):
            through.objects.filter(calendar_id__in=chunk).delete()
        links = [
            through(calendar_id=calendar.pk, shift_id=shift.pk)
            for calendar, found in shifts.values()
            for shift in found
        ]
        through.objects.bulk_create(links, batch_size=BATCH)

    return upsert(Calendar, batch, then=replace_shifts if shifts else None)


def _key(location: Location) -> object:
    # Stored locations are told apart by primary key, new ones (not yet written) by identity.
    return ("pk", location.pk) if location.pk is not None else ("obj", id(location))


def _cut_loops(batch: Batch[Location], problems: list[Problem]) -> set[int]:
    """Refuse the row that closes a loop of parents, in row order, and cut the loop there.

    A location's parent counts once its own row has been read (or when it is not in the batch),
    so of two rows that point at each other the second is the one named; the cut lets the rows
    after it be checked against a tree.
    """
    pending = {_key(r) for r in batch.records()}
    closing: set[int] = set()
    for location in batch.records():
        pending.discard(_key(location))
        node, hops = location.parent, 0
        while node is not None and _key(node) not in pending and hops <= len(pending) + 1000:
            if _key(node) == _key(location):
                problems.append(
                    Problem(
                        message="a location cannot be inside itself",
                        row=batch.row(location),
                        column="parent",
                    )
                )
                location.parent = None
                closing.add(id(location))
                break
            node, hops = node.parent, hops + 1
    return closing


def locations(batch: Batch[Location]) -> Load:
    """Locations; a new one may sit inside another new one, so parents are inserted first."""
    problems: list[Problem] = []
    unique_codes(batch, Location, "code", problems)
    model_rules(batch, problems, skip=_cut_loops(batch, problems))

    def write() -> None:
        by_depth: dict[int, list[Location]] = defaultdict(list)
        for location in batch.creates:
            depth, node = 0, location.parent
            while node is not None and node.pk is None and depth < 1000:
                depth, node = depth + 1, node.parent
            by_depth[depth].append(location)
        for depth in sorted(by_depth):
            Location.objects.bulk_create(by_depth[depth], batch_size=BATCH)
        if batch.updates and batch.fields:
            Location.objects.bulk_update(batch.updates, batch.fields, batch_size=BATCH)

    return Load(problems, write)
