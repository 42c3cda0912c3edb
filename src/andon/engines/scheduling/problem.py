"""The scheduling problem as plain, validated data.

Times are integer minutes from the schedule's origin (the planner decides what minute 0 is; the
calendar engine turns shifts into working intervals in the same unit). Every class checks its own
fields in `__post_init__`; `Problem` checks the references between them and the infeasibilities
that can be named before any solving (an operation no resource can run, a precedence cycle, an
operation longer than every working window, no qualified worker on any shift, two locked
operations on the same machine at once), so a planner gets an error naming the operation instead
of a solver that says "infeasible".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from andon.engines import errors

Window = tuple[int, int]


class ProblemError(errors.ProblemError):
    """The problem cannot have a schedule; the message names the operation(s) at fault."""


SchedulingProblemError = ProblemError
"""The scheduling engine's problem error under the name the other engines' errors follow."""


def _check_windows(windows: Sequence[Window] | None, owner: str) -> None:
    if windows is None:
        return
    previous_end = None
    for start, end in windows:
        if start >= end:
            raise ProblemError(f"{owner}: working interval ({start}, {end}) is empty")
        if previous_end is not None and start < previous_end:
            raise ProblemError(f"{owner}: working intervals must be sorted and not overlap")
        previous_end = end


def _longest_from_zero(windows: Sequence[Window] | None) -> int:
    """The longest working stretch at or after minute 0 (unbounded without windows)."""
    if windows is None:
        return 1 << 62
    return max((end - max(start, 0) for start, end in windows if end > 0), default=0)


def earliest_fit(windows: Sequence[Window] | None, ready: int, duration: int) -> int | None:
    """Earliest start >= ready of `duration` minutes inside one window (None: never).

    Operations do not cross non-working time (see docs/scheduling.md), so a start is valid only
    if the whole operation fits inside a single working interval.
    """
    if windows is None:
        return ready
    for start, end in windows:
        begin = max(start, ready)
        if begin + duration <= end:
            return begin
    return None


@dataclass(frozen=True)
class Resource:
    """A machine or work centre: `capacity` operations at once, working only inside `calendar`.

    `calendar` is a sorted tuple of (start, end) working intervals; None means always available.
    Shifts, holidays and maintenance windows are all expressed by what the intervals leave out.
    """

    name: str
    capacity: int = 1
    calendar: tuple[Window, ...] | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ProblemError("a resource needs a name")
        if self.capacity < 1:
            raise ProblemError(f"resource {self.name}: capacity must be at least 1")
        _check_windows(self.calendar, f"resource {self.name}")


@dataclass(frozen=True)
class Qualification:
    """A worker's skill at a level, valid until a minute (None: no expiry)."""

    skill: str
    level: int = 1
    valid_until: int | None = None

    def __post_init__(self) -> None:
        if self.level < 1:
            raise ProblemError(f"skill {self.skill}: level must be at least 1")


@dataclass(frozen=True)
class Worker:
    """A person: a unit-capacity resource present only during `shifts`, with qualifications."""

    name: str
    qualifications: tuple[Qualification, ...] = ()
    shifts: tuple[Window, ...] | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ProblemError("a worker needs a name")
        _check_windows(self.shifts, f"worker {self.name}")

    def qualified(self, skill: str, level: int) -> Qualification | None:
        """The qualification that lets this worker fill (skill, level), if any."""
        for q in self.qualifications:
            if q.skill == skill and q.level >= level:
                return q
        return None


@dataclass(frozen=True)
class CrewRequirement:
    """`count` workers with `skill` at `min_level` or above, for the whole operation."""

    skill: str
    min_level: int = 1
    count: int = 1

    def __post_init__(self) -> None:
        if self.count < 1 or self.min_level < 1:
            raise ProblemError(f"crew {self.skill}: count and level must be at least 1")


@dataclass(frozen=True)
class Mode:
    """One way to run an operation: on `resource`, taking `duration` minutes."""

    resource: str
    duration: int


@dataclass(frozen=True)
class Operation:
    """A routing step of a job.

    `predecessors` are operations that must end before this one starts (the routing's order);
    `components` are jobs that must be complete before it starts (a BOM level below it).
    `modes` lists the alternative resources, each with its own duration. A started or
    planner-locked operation has `fixed_start` and `fixed_resource`.
    """

    name: str
    job: str
    modes: tuple[Mode, ...]
    predecessors: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    setup_family: str | None = None
    crew: tuple[CrewRequirement, ...] = ()
    fixed_start: int | None = None
    fixed_resource: str | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ProblemError("an operation needs a name")
        if not self.modes:
            raise ProblemError(f"operation {self.name}: no resource can run it")
        for mode in self.modes:
            if mode.duration <= 0:
                raise ProblemError(
                    f"operation {self.name}: duration on {mode.resource} must be positive, "
                    f"got {mode.duration}"
                )
        if len({m.resource for m in self.modes}) != len(self.modes):
            raise ProblemError(f"operation {self.name}: a resource is listed twice")
        if (self.fixed_start is None) != (self.fixed_resource is None):
            raise ProblemError(f"operation {self.name}: a lock needs both start and resource")
        if self.fixed_resource is not None and self.fixed_resource not in self.resources:
            raise ProblemError(
                f"operation {self.name}: locked on {self.fixed_resource}, which cannot run it"
            )

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(m.resource for m in self.modes)

    @property
    def locked(self) -> bool:
        return self.fixed_start is not None

    def duration_on(self, resource: str) -> int:
        for mode in self.modes:
            if mode.resource == resource:
                return mode.duration
        raise KeyError(f"operation {self.name} cannot run on {resource}")


@dataclass(frozen=True)
class Job:
    """A work order: it may start at `release` (material available) and is due at `due`."""

    name: str
    release: int = 0
    due: int | None = None
    weight: int = 1

    def __post_init__(self) -> None:
        if self.release < 0:
            raise ProblemError(f"job {self.name}: release must not be negative")
        if self.weight < 0:
            raise ProblemError(f"job {self.name}: weight must not be negative")


@dataclass(frozen=True)
class SetupTime:
    """Minutes a resource needs between an operation of `after` and one of `before` family."""

    after: str
    before: str
    minutes: int

    def __post_init__(self) -> None:
        if self.minutes < 0:
            raise ProblemError(f"setup {self.after}->{self.before}: minutes must not be negative")


@dataclass(frozen=True)
class Objective:
    """Weights of the mix minimised: makespan, weighted tardiness, total setup time."""

    makespan: int = 1
    tardiness: int = 0
    setup: int = 0

    def __post_init__(self) -> None:
        if min(self.makespan, self.tardiness, self.setup) < 0:
            raise ProblemError("objective weights must not be negative")
        if self.makespan + self.tardiness + self.setup == 0:
            raise ProblemError("the objective needs at least one positive weight")


@dataclass(frozen=True)
class Changeover:
    """Minutes a resource needs to change over to `family` after an operation of another family.

    The common case on a shop floor: the setup depends on what is being set up, not on what ran
    before. Stated once per family instead of a `SetupTime` for every pair, which for the 224
    families of a large plant would be 50,000 pairs. A `SetupTime` for a pair overrides it.
    """

    family: str
    minutes: int

    def __post_init__(self) -> None:
        if self.minutes < 0:
            raise ProblemError(f"changeover to {self.family}: minutes must not be negative")


@dataclass(frozen=True)
class Problem:
    """Jobs, their operations, the resources and workers, and what to minimise."""

    jobs: tuple[Job, ...]
    operations: tuple[Operation, ...]
    resources: tuple[Resource, ...]
    workers: tuple[Worker, ...] = ()
    setup_times: tuple[SetupTime, ...] = ()
    objective: Objective = field(default_factory=Objective)
    changeovers: tuple[Changeover, ...] = ()

    def __post_init__(self) -> None:
        for kind, names in (
            ("job", [j.name for j in self.jobs]),
            ("operation", [o.name for o in self.operations]),
            ("resource", [r.name for r in self.resources]),
            ("worker", [w.name for w in self.workers]),
        ):
            if len(set(names)) != len(names):
                raise ProblemError(f"two {kind}s share a name")
        jobs = {j.name for j in self.jobs}
        resources = self.resource_by_name
        for op in self.operations:
            if op.job not in jobs:
                raise ProblemError(f"operation {op.name}: unknown job {op.job}")
            for name in op.predecessors:
                if name not in self.operation_by_name:
                    raise ProblemError(f"operation {op.name}: unknown predecessor {name}")
            for name in op.components:
                if name not in jobs:
                    raise ProblemError(f"operation {op.name}: unknown component job {name}")
            for mode in op.modes:
                if mode.resource not in resources:
                    raise ProblemError(f"operation {op.name}: unknown resource {mode.resource}")
        self._check_windows_fit()
        self._check_crews()
        self._check_cycle()
        self._check_locks()

    @cached_property
    def operation_by_name(self) -> dict[str, Operation]:
        return {o.name: o for o in self.operations}

    @cached_property
    def resource_by_name(self) -> dict[str, Resource]:
        return {r.name: r for r in self.resources}

    @cached_property
    def job_by_name(self) -> dict[str, Job]:
        return {j.name: j for j in self.jobs}

    @cached_property
    def setup_matrix(self) -> dict[tuple[str, str], int]:
        return {(s.after, s.before): s.minutes for s in self.setup_times}

    @cached_property
    def changeover_to(self) -> dict[str, int]:
        return {c.family: c.minutes for c in self.changeovers}

    @cached_property
    def has_setups(self) -> bool:
        """Whether any sequence of operations on a resource costs setup time."""
        return any(s.minutes for s in self.setup_times) or any(c.minutes for c in self.changeovers)

    @cached_property
    def longest_setup(self) -> int:
        return max(
            [s.minutes for s in self.setup_times] + [c.minutes for c in self.changeovers],
            default=0,
        )

    def setup_between(self, first: Operation, second: Operation) -> int:
        """Setup minutes on a resource running `first` then `second` (0 without families)."""
        after, before = first.setup_family, second.setup_family
        if after is None or before is None:
            return 0
        pair = self.setup_matrix.get((after, before))
        if pair is not None:
            return pair
        return self.changeover_to.get(before, 0) if after != before else 0

    @cached_property
    def job_operations(self) -> dict[str, tuple[Operation, ...]]:
        grouped: dict[str, list[Operation]] = {j.name: [] for j in self.jobs}
        for op in self.operations:
            grouped[op.job].append(op)
        return {k: tuple(v) for k, v in grouped.items()}

    def all_predecessors(self, op: Operation) -> Iterator[str]:
        """Operations that must end before `op` starts: its own, and every operation of its
        component jobs."""
        yield from op.predecessors
        for job in op.components:
            yield from (o.name for o in self.job_operations[job])

    def candidates(self, op: Operation, requirement: CrewRequirement) -> tuple[Worker, ...]:
        """Workers qualified for a crew requirement (certification checked per start time)."""
        key = (requirement.skill, requirement.min_level)
        found = self._candidates.get(key)
        if found is None:
            # Once per (skill, level), not once per operation over the whole workforce.
            found = tuple(w for w in self.workers if w.qualified(*key))
            self._candidates[key] = found
        return found

    @cached_property
    def _candidates(self) -> dict[tuple[str, int], tuple[Worker, ...]]:
        return {}

    @cached_property
    def topological_order(self) -> tuple[Operation, ...]:
        """Operations with every predecessor first (the problem is checked acyclic)."""
        return tuple(self.operation_by_name[n] for n in self._order())

    def _order(self) -> list[str]:
        indegree = {o.name: 0 for o in self.operations}
        successors: dict[str, list[str]] = {o.name: [] for o in self.operations}
        for op in self.operations:
            for p in set(self.all_predecessors(op)):
                successors[p].append(op.name)
                indegree[op.name] += 1
        ready = [o.name for o in self.operations if indegree[o.name] == 0]
        order: list[str] = []
        while ready:
            name = ready.pop()
            order.append(name)
            for s in successors[name]:
                indegree[s] -= 1
                if indegree[s] == 0:
                    ready.append(s)
        return order

    def _check_cycle(self) -> None:
        order = self._order()
        if len(order) != len(self.operations):
            stuck = sorted(set(self.operation_by_name) - set(order))
            raise ProblemError(f"precedence cycle among operations {', '.join(stuck[:10])}")

    def _check_windows_fit(self) -> None:
        for op in self.operations:
            release = self.job_by_name[op.job].release
            if not any(
                earliest_fit(self.resource_by_name[m.resource].calendar, release, m.duration)
                is not None
                for m in op.modes
            ):
                raise ProblemError(
                    f"operation {op.name}: longer than any working window of "
                    f"{', '.join(op.resources)}"
                )

    def _check_crews(self) -> None:
        # Per (skill, level): each qualified worker's longest stretch on shift, longest first,
        # so that each operation only counts how many are long enough for it.
        stretches: dict[tuple[str, int], list[int]] = {}
        for op in self.operations:
            shortest = min(m.duration for m in op.modes)
            for req in op.crew:
                key = (req.skill, req.min_level)
                if key not in stretches:
                    stretches[key] = sorted(
                        (_longest_from_zero(w.shifts) for w in self.candidates(op, req)),
                        reverse=True,
                    )
                longest = stretches[key]
                able = longest[: req.count]
                if len(able) < req.count or able[-1] < shortest:
                    able = [x for x in longest if x >= shortest]
                    raise ProblemError(
                        f"operation {op.name}: needs {req.count} worker(s) with {req.skill} "
                        f"level {req.min_level}, only {len(able)} qualified on any shift"
                    )

    def _check_locks(self) -> None:
        by_resource: dict[str, list[tuple[int, int, str]]] = {}
        for op in self.operations:
            if op.fixed_start is None or op.fixed_resource is None:
                continue
            end = op.fixed_start + op.duration_on(op.fixed_resource)
            by_resource.setdefault(op.fixed_resource, []).append((op.fixed_start, end, op.name))
        for name, spans in by_resource.items():
            capacity = self.resource_by_name[name].capacity
            events = sorted([(s, 1, n) for s, _, n in spans] + [(e, -1, n) for _, e, n in spans])
            running: list[str] = []
            for _, delta, op_name in events:
                if delta < 0:
                    running.remove(op_name)
                    continue
                running.append(op_name)
                if len(running) > capacity:
                    raise ProblemError(
                        f"locked operations {', '.join(running)} overlap on resource {name}"
                    )
