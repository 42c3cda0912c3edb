"""Tabu search on the disjunctive graph: a near-optimal start for makespan shops in seconds.

Why: CP-SAT started from a dispatching-rule schedule spends most of a short time limit closing a
10-20 % gap that a local search on machine sequences closes in a fraction of it, and on 50x15 to
100x20 shops it rarely closes it at all. So when the problem is a plain shop (one resource per
operation, unit capacity, no calendars, crews, setups or locks, makespan only) the engine first
runs this search, then hands its schedule to CP-SAT as hint and upper bound and keeps searching
beside it.

The search is the classic one for the job shop: a schedule is the order of operations on each
machine, its makespan the longest path through job and machine arcs. Only moves inside the blocks
of a critical path (runs of operations back to back on one machine) can shorten it; each step
considers moving an operation of a block to its front or back, or the first or last one inside
it (Zhang et al.'s N7, a superset of Nowicki and Smutnicki's N5 swaps), keeps those that Balas
and Vazacopoulos's conditions guarantee acyclic, estimates each from heads and tails, makes the
best one that is not tabu (or that beats the best found), then updates heads and tails only
where they can change. After a long run without gain it restarts from the best schedule with
random moves: a few in one walk, many in another (`search_in_parallel` runs one walk per core).

On 15x15 and 20x15 shops those restarts fall back into the valley the walk found first (ta10:
1259 against the optimum 1241 on both walks, two seeds, a minute each), so there the walks
share an elite pool instead (`search_with_relinking`, after Peng, Lu and Cheng's TS/PR): each
takes two schedules of the pool, walks from one toward the other by swapping neighbours the
other orders the other way, starts a short tabu search from the best schedule passed in the
middle third of that path, and offers what it finds back. A start between two good schedules
shares much of both and is in neither's valley.

The steps run compiled (`tabu_kernel.py`, docs/adr/0006): about 150,000 a second on a 20x20
shop, thirty times the interpreter's. This module sets up the graph's arrays and runs the
kernel in slices of about 10 ms, looking at the clock, the stall limit and `stop` between them.
The time limit is the solver's: it is the only clock read.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from andon.engines.scheduling.problem import Problem
from andon.engines.scheduling.result import Assignment, Schedule

# Iterations without a new best before a restart from the best with a random perturbation:
# about 0.7 s on 20x20. On ta21 and ta25, 20 s with 3 seeds each, 100,000 did better than
# 3,000, 20,000, 50,000 and 300,000 (docs/benchmarks.md).
STALL_ITERATIONS = 100_000
PERTURBATION_SWAPS = 3
# Random moves after a restart, per walk of `search_in_parallel` (by seed): one walk stays near
# the best, the other jumps far. Taillard 15x15, ta01-ta10, 10 s, two walks: 3 and 3 ended
# 0.36 % above the best known on average, 100 and 100 0.04 %; ta21-ta25 (20x20) at 30 s: 0.95 %
# and 1.29 %. Neither size alone wins on both.
KICKS = (3, 100)
# Shops up to this size restart by path relinking (`search_with_relinking`). The search alone,
# a minute, two walks, seeds 0 and 10: ta10 1241 and 1241 against 1259 and 1259 with the
# independent walks, ta13 1345 and 1349 against 1350 and 1350, ta15 1369 and 1352 against 1372
# and 1340; on 20x20 and 30x15 (ta21, ta25, ta31, 30 s) level with them, so those keep the
# walks of `search_in_parallel`.
RELINK_UP_TO_OPERATIONS = 300
# Path relinking: schedules in the elite pool; how close (reordered pairs per operation) a
# newcomer must be to a member to compete with that member only (without it the same runs'
# pool filled with one valley: ta10 1262 and 1241, ta15 1356 and 1340); steps without a new
# best that end a walk's search between two members (10,000: ta13 1353 and 1354); the random
# moves that make each first member differ; and where between the two members a walk starts,
# as shares of their distance.
POOL_SIZE = 8
CLOSE_PER_OPERATION = 0.1
CYCLE_STALL_ITERATIONS = 20_000
INITIAL_KICK = 100
RELINK_FROM = 1 / 3
RELINK_TO = 2 / 3
# Farthest an operation moves inside a block: long blocks of large shops would otherwise make
# each step evaluate hundreds of moves, most of them far-fetched.
MAX_JUMP = 8
# Seconds of steps between two looks at the clock and at `stop`.
CHUNK_SECONDS = 0.01


def applies(problem: Problem) -> bool:
    """Whether a schedule of `problem` is fully described by machine sequences and makespan.

    Alternatives are allowed: the search keeps each operation on the resource the start
    schedule gave it, and only re-sequences.
    """
    if problem.objective.tardiness or problem.objective.setup or problem.objective.makespan == 0:
        return False
    if problem.has_setups:
        return False
    if any(r.capacity != 1 or r.calendar is not None for r in problem.resources):
        return False
    return not any(op.crew or op.locked for op in problem.operations)


def warm_up() -> None:
    """Compile the search's kernel now, or load it from the disk cache.

    The first search on a machine compiles it (seconds); a benchmark calls this before its
    clock starts so that no instance pays for a one-time cost of the installation."""
    from andon.engines.scheduling.problem import Job, Mode, Operation, Resource

    ops = tuple(
        Operation(f"{j}.{k}", str(j), (Mode(f"m{(j + k) % 2}", 1 + j + k),), predecessors=pred)
        for j in range(2)
        for k, pred in enumerate(((), (f"{j}.0",)))
    )
    problem = Problem((Job("0"), Job("1")), ops, (Resource("m0"), Resource("m1")))
    start = Schedule(
        (
            Assignment("0.0", "m0", 0, 1),
            Assignment("0.1", "m1", 1, 3),
            Assignment("1.0", "m1", 3, 5),
            Assignment("1.1", "m0", 5, 8),
        )
    )
    search(problem, start, 0.1, 0)
    # Path relinking's own functions: the pool of so small a shop never fills to call them.
    graph = _Graph(problem, start)
    graph.restart()
    graph.relink(graph.elite())


@dataclass(frozen=True)
class Outcome:
    """The best schedule found, its makespan, the iterations made and the seconds spent.

    `at_lower_bound`: the makespan equals the longest job or machine load, so it is optimal.
    """

    schedule: Schedule
    makespan: int
    iterations: int
    seconds: float
    at_lower_bound: bool


@dataclass(frozen=True)
class _Elite:
    """A schedule of the elite pool: its makespan, machine sequences, heads, and each
    operation's place on its machine (what the distance to it is counted against)."""

    makespan: int
    mprev: npt.NDArray[np.int64]
    mnext: npt.NDArray[np.int64]
    head: npt.NDArray[np.int64]
    places: npt.NDArray[np.int64]


class _Graph:
    """Machine sequences over fixed job arcs, with heads and tails, as arrays for the kernel."""

    def __init__(self, problem: Problem, start: Schedule) -> None:
        from andon.engines.scheduling import tabu_kernel as k

        # Imported here, not with the module: the web server never loads numba.
        self.kernel = k
        ops = problem.operations
        n = len(ops)
        index = {op.name: i for i, op in enumerate(ops)}
        self.names = [op.name for op in ops]
        placed = start.by_operation
        self.resource = [placed[op.name].resource for op in ops]
        machines = {name: m for m, name in enumerate(dict.fromkeys(self.resource))}
        # One spare column: a critical path may have as many blocks as operations, plus an end.
        g = np.zeros((k.ROWS, n + 1), dtype=np.int64)
        g[k.DUR, :n] = [op.duration_on(placed[op.name].resource) for op in ops]
        g[k.RELEASE, :n] = [problem.job_by_name[op.job].release for op in ops]
        g[k.RES, :n] = [machines[r] for r in self.resource]
        jp = [sorted({index[p] for p in problem.all_predecessors(op)}) for op in ops]
        js: list[list[int]] = [[] for _ in ops]
        for i, preds in enumerate(jp):
            for p in preds:
                js[p].append(i)
        self.jp_ptr, self.jp_idx = _compressed(jp)
        self.js_ptr, self.js_idx = _compressed(js)
        # Operations with no job successor: every longest path ends at one of them.
        self.terminal = np.array([i for i in range(n) if not js[i]], dtype=np.int64)
        lanes: dict[str, list[int]] = defaultdict(list)
        for i in sorted(range(n), key=lambda i: (placed[ops[i].name].start, i)):
            lanes[self.resource[i]].append(i)
        g[k.MPREV, :] = -1
        g[k.MNEXT, :] = -1
        # The tabu list: per machine, an entry for each ordered pair of its operations.
        self.offset = np.zeros(len(machines), dtype=np.int64)
        self.count = np.zeros(len(machines), dtype=np.int64)
        size = 0
        for name, lane in lanes.items():
            m = machines[name]
            self.offset[m], self.count[m] = size, len(lane)
            size += len(lane) ** 2
            for local, i in enumerate(lane):
                g[k.LOCAL, i] = local
            for a, b in itertools.pairwise(lane):
                g[k.MNEXT, a] = b
                g[k.MPREV, b] = a
        self.tabu = np.zeros(size, dtype=np.int64)
        self.g = g
        self.s = np.zeros(k.SLOTS, dtype=np.int64)
        self.s[k.MAX_JUMP_SLOT] = MAX_JUMP
        self.times()
        self.chunk = 64  # steps per call of the kernel, adapted to about CHUNK_SECONDS
        self.improved = time.perf_counter()

    def times(self) -> bool:
        """Heads, tails and makespan of the current sequences (False: they have a cycle)."""
        return bool(
            self.kernel.times(self.g, self.jp_ptr, self.jp_idx, self.js_ptr, self.js_idx, self.s)
        )

    @property
    def makespan(self) -> int:
        return int(self.s[self.kernel.MAKESPAN])

    def random_move(self) -> bool:
        """One random safe N7 move from a critical path (False: none applies)."""
        k = self.kernel
        args = (self.g, self.jp_ptr, self.jp_idx, self.js_ptr, self.js_idx)
        k.blocks(self.g, self.jp_ptr, self.jp_idx, self.terminal, self.s)
        u, w, forward, _, _ = k.choose(*args, self.tabu, self.offset, self.count, self.s, -1, True)
        if u < 0:
            return False
        k.move(*args, self.terminal, self.s, u, w, forward)
        return True

    def prepare(self, seed: int, stall: int, perturbation: int, on_stall: int) -> None:
        """Set the search's parameters and take the current sequences as the best so far."""
        k, s = self.kernel, self.s
        n = len(self.names)
        machines = len(set(self.resource)) or 1
        s[k.TENURE] = 8 + n // (machines * 4)
        s[k.STALL_LIMIT] = stall
        s[k.PERTURBATION] = perturbation
        s[k.ON_STALL] = on_stall
        s[k.FLOOR] = self.lower_bound()
        k.seed(seed)
        self.restart()

    def restart(self) -> None:
        """Search on from the current sequences: they are the best so far, the tabu list empty."""
        k, g, s = self.kernel, self.g, self.s
        s[k.EPOCH] += 1
        s[k.STALL] = 0
        s[k.BEST] = s[k.MAKESPAN]
        g[k.BEST_MPREV] = g[k.MPREV]
        g[k.BEST_MNEXT] = g[k.MNEXT]
        g[k.BEST_HEAD] = g[k.HEAD]

    def run(self, ended: Callable[[], bool], max_steps: int | None = None) -> int:
        """Steps until the kernel stops (NO_MOVE, AT_FLOOR, STALLED) or `ended` says so, asked
        about every CHUNK_SECONDS; self.improved is when the last new best was found.

        With `max_steps`, also once the walk has made that many steps in all: the last chunk is
        cut to end exactly there, so the walk is the same on a fast machine and a loaded one
        (the kernel's path does not depend on where the chunks end)."""
        k = self.kernel
        args = (self.g, self.jp_ptr, self.jp_idx, self.js_ptr, self.js_idx, self.terminal)
        while not ended():
            chunk = self.chunk
            if max_steps is not None:
                chunk = min(chunk, max_steps - int(self.s[k.ITERATION]))
                if chunk <= 0:
                    return int(k.RAN)
            before = time.perf_counter()
            self.s[k.IMPROVED] = 0
            stopped = k.steps(*args, self.tabu, self.offset, self.count, self.s, chunk)
            after = time.perf_counter()
            if self.s[k.IMPROVED]:
                self.improved = after
            if stopped != k.RAN:
                return int(stopped)
            if after - before < CHUNK_SECONDS / 2:
                self.chunk *= 2
            elif after - before > CHUNK_SECONDS * 2 and self.chunk > 1:
                self.chunk //= 2
        return int(k.RAN)

    def load(self, elite: _Elite) -> None:
        k = self.kernel
        self.g[k.MPREV], self.g[k.MNEXT] = elite.mprev, elite.mnext
        self.times()

    def elite(self) -> _Elite:
        """The best sequences of the search so far, as a member for the pool."""
        k, g = self.kernel, self.g
        places = np.zeros(len(self.names) + 1, dtype=np.int64)
        k.positions(g[k.BEST_MPREV], places)
        best = g[k.BEST_MPREV].copy(), g[k.BEST_MNEXT].copy(), g[k.BEST_HEAD].copy()
        return _Elite(int(self.s[k.BEST]), *best, places)

    def relink(self, toward: _Elite) -> None:
        """Part of the way to `toward`'s sequences: the best schedule of the middle third of
        the path (RELINK_FROM to RELINK_TO of their distance)."""
        k = self.kernel
        apart = k.distance(self.g[k.MNEXT], toward.places)
        lo, hi = int(apart * RELINK_FROM), max(int(apart * RELINK_TO), 1)
        args = (self.g, self.jp_ptr, self.jp_idx, self.js_ptr, self.js_idx, self.s)
        k.relink(*args, toward.places, lo, hi)

    def lower_bound(self) -> int:
        """The longest job path or machine load: no sequence can do better."""
        k = self.kernel
        dur, release = self.g[k.DUR], self.g[k.RELEASE]
        n = len(self.names)
        load: dict[str, int] = defaultdict(int)
        for i in range(n):
            load[self.resource[i]] += int(dur[i])
        bound = max(load.values(), default=0)
        # Heads over job arcs alone, in the graph's own (acyclic) order of job arcs.
        earliest = [int(release[i]) for i in range(n)]
        indeg = [int(self.jp_ptr[i + 1] - self.jp_ptr[i]) for i in range(n)]
        stack = [i for i in range(n) if indeg[i] == 0]
        while stack:
            i = stack.pop()
            end = earliest[i] + int(dur[i])
            bound = max(bound, end)
            for s in self.js_idx[self.js_ptr[i] : self.js_ptr[i + 1]]:
                earliest[s] = max(earliest[s], end)
                indeg[s] -= 1
                if indeg[s] == 0:
                    stack.append(s)
        return bound

    def schedule(self, heads: npt.NDArray[np.int64]) -> Schedule:
        k = self.kernel
        dur = self.g[k.DUR]
        return Schedule(
            tuple(
                Assignment(name, self.resource[i], int(heads[i]), int(heads[i] + dur[i]))
                for i, name in enumerate(self.names)
            )
        )


def _compressed(rows: list[list[int]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Lists of neighbours as (row starts, concatenated rows), the kernel's adjacency."""
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    return ptr, np.array([x for r in rows for x in r], dtype=np.int64)


def search(
    problem: Problem,
    start: Schedule,
    time_limit: float,
    seed: int,
    stop: Callable[[], bool] | None = None,
    stall_seconds: float | None = None,
    perturbation: int = PERTURBATION_SWAPS,
    max_steps: int | None = None,
) -> Outcome:
    """The best schedule reachable from `start` by re-sequencing in `time_limit` seconds.

    `problem` must satisfy `applies()`; `start` must be feasible. `stop` ends the search early
    when it returns True (asked every few milliseconds), and so does `stall_seconds` without a
    new best: on a shop small enough for CP-SAT to close, the cores do more there. `max_steps`
    caps the work instead of (or as well as) the clock: with it and a generous time limit the
    same seed gives the same schedule on any machine, which is what a test needs. The result
    is never worse than `start` (in makespan) and is semi-active: every operation starts as
    early as its machine sequence and its predecessors allow.
    """
    began = time.perf_counter()
    deadline = began + time_limit
    graph = _Graph(problem, start)
    k = graph.kernel
    graph.prepare(seed, STALL_ITERATIONS, perturbation, k.RESTART)

    def ended() -> bool:
        now = time.perf_counter()
        if now >= deadline or (stop is not None and stop()):
            return True
        return stall_seconds is not None and now - graph.improved >= stall_seconds

    if len(graph.names) > 1:
        graph.run(ended, max_steps)
    best = int(graph.s[k.BEST])
    return Outcome(
        graph.schedule(graph.g[k.BEST_HEAD]),
        best,
        int(graph.s[k.ITERATION]),
        time.perf_counter() - began,
        best <= int(graph.s[k.FLOOR]),
    )


def _each_on_its_thread(walk: Callable[[int], None], seeds: Sequence[int]) -> None:
    """`walk(seed)` for every seed at once: the first on this thread, each other on its own.

    A walk that raises raises here once all have ended, rather than vanishing with its thread
    and leaving the best of the others to pass for the best of all."""
    failed: list[BaseException] = []

    def guarded(seed: int) -> None:
        try:
            walk(seed)
        except BaseException as error:
            failed.append(error)

    threads = [threading.Thread(target=guarded, args=(seed,)) for seed in seeds[1:]]
    for thread in threads:
        thread.start()
    guarded(seeds[0])
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]


def search_in_parallel(
    problem: Problem,
    start: Schedule,
    time_limit: float,
    seeds: Sequence[int],
    stop: Callable[[], bool] | None = None,
    stall_seconds: float | None = None,
    max_steps: int | None = None,
) -> Outcome:
    """The best of one search per seed, each on its own thread from `start` (each walk at most
    `max_steps` steps, as in `search`).

    The kernel releases the interpreter, so the searches run on as many cores; where one search
    alone settles in the valley its first steps lead to (Taillard 15x15: 0.5 to 1 % above the
    optimum for the rest of the minute), independent walks are as many chances to miss it. All
    stop when one reaches the lower bound."""
    reached = threading.Event()

    def stopped() -> bool:
        return reached.is_set() or (stop is not None and stop())

    outcomes: list[Outcome] = []

    def walk(seed: int) -> None:
        kick = KICKS[seed % len(KICKS)]
        outcome = search(problem, start, time_limit, seed, stopped, stall_seconds, kick, max_steps)
        if outcome.at_lower_bound:
            reached.set()
        outcomes.append(outcome)

    _each_on_its_thread(walk, seeds)
    best = min(outcomes, key=lambda o: o.makespan)
    return Outcome(
        best.schedule,
        best.makespan,
        sum(o.iterations for o in outcomes),
        max(o.seconds for o in outcomes),
        best.at_lower_bound,
    )


class ElitePool:
    """The best schedules the walks of `search_with_relinking` have found, shared between their
    threads and kept apart from each other.

    A newcomer no worse than the worst member takes the worst one's place, unless it is close
    to a member (at most CLOSE_PER_OPERATION pairs per operation ordered the other way): then
    it can only take the place of that member, when no worse than it. Without that the pool
    fills with neighbours of one valley and relinking between them is a small kick. A pool
    can be handed to the next search of the same problem, which goes on from it."""

    def __init__(self, problem: Problem, size: int = POOL_SIZE) -> None:
        from andon.engines.scheduling import tabu_kernel

        self.size = size
        self.close = int(len(problem.operations) * CLOSE_PER_OPERATION)
        self.members: list[_Elite] = []
        # The resource each operation runs on: sequences of another assignment do not relink.
        self.resources: list[str] | None = None
        self.lock = threading.Lock()
        self._distance = tabu_kernel.distance

    def full(self) -> bool:
        with self.lock:
            return len(self.members) >= self.size

    def offer(self, elite: _Elite) -> None:
        with self.lock:
            apart = [self._distance(elite.mnext, m.places) for m in self.members]
            if 0 in apart:
                return
            if len(self.members) < self.size:
                self.members.append(elite)
                return
            nearest = min(range(len(apart)), key=apart.__getitem__)
            if apart[nearest] <= self.close:
                if elite.makespan <= self.members[nearest].makespan:
                    self.members[nearest] = elite
                return
            worst = max(range(len(self.members)), key=lambda i: self.members[i].makespan)
            if elite.makespan <= self.members[worst].makespan:
                self.members[worst] = elite

    def pair(self, rng: np.random.Generator) -> tuple[_Elite, _Elite]:
        with self.lock:
            a, b = rng.choice(len(self.members), size=2, replace=False)
            return self.members[a], self.members[b]

    def best(self) -> _Elite:
        with self.lock:
            return min(self.members, key=lambda m: m.makespan)


def search_with_relinking(
    problem: Problem,
    start: Schedule,
    time_limit: float,
    seeds: Sequence[int],
    stop: Callable[[], bool] | None = None,
    stall_seconds: float | None = None,
    pool: ElitePool | None = None,
    max_steps: int | None = None,
) -> Outcome:
    """The best schedule of an elite pool that walks, one per seed on its own thread, fill and
    improve by path relinking (module docstring); same contract as `search_in_parallel`.

    The pool starts with `start` and the walks' first searches from it, each after
    INITIAL_KICK random moves; then every search starts between two members. `pool` carries
    the members of an earlier search of `problem` over (the engine searches in stages with
    CP-SAT in between); it is emptied when `start` puts operations on other resources.
    `stall_seconds` counts from the pool's last new best; `max_steps` caps each walk's steps
    over all its searches, as in `search` (the walks still share the pool as they run)."""
    began = time.perf_counter()
    deadline = began + time_limit
    graph = _Graph(problem, start)
    pool = pool if pool is not None else ElitePool(problem)
    with pool.lock:
        if pool.resources != graph.resource:
            pool.members.clear()
            pool.resources = list(graph.resource)
    reached = threading.Event()
    last_better = [began]
    iterations = [0]

    def stopped() -> bool:
        now = time.perf_counter()
        if stall_seconds is not None and now - last_better[0] >= stall_seconds:
            return True
        return now >= deadline or reached.is_set() or (stop is not None and stop())

    def walk(seed: int) -> None:
        graph = _Graph(problem, start)
        k = graph.kernel
        if len(graph.names) <= 1:
            return
        graph.prepare(seed, CYCLE_STALL_ITERATIONS, 0, k.RETURN)
        # The start is a member too, so the search never returns worse.
        first = graph.elite()
        pool.offer(first)
        rng = np.random.default_rng(seed)

        def spent() -> bool:
            return max_steps is not None and int(graph.s[k.ITERATION]) >= max_steps

        while not stopped() and not spent():
            if pool.full():
                a, b = pool.pair(rng)
                graph.load(a)
                graph.relink(b)
            else:
                graph.load(first)
                for _ in range(INITIAL_KICK):
                    graph.random_move()
            graph.restart()
            ended = graph.run(stopped, max_steps)
            found = graph.elite()
            if found.makespan < pool.best().makespan:
                last_better[0] = time.perf_counter()
            pool.offer(found)
            if ended == k.AT_FLOOR:
                reached.set()
            elif ended == k.NO_MOVE and not pool.full():
                break  # the start has no move and too few others exist to relink
        iterations.append(int(graph.s[k.ITERATION]))

    _each_on_its_thread(walk, seeds)
    if not pool.members:
        return Outcome(start, graph.makespan, 0, time.perf_counter() - began, False)
    best = pool.best()
    return Outcome(
        graph.schedule(best.head),
        best.makespan,
        sum(iterations),
        time.perf_counter() - began,
        best.makespan <= graph.lower_bound(),
    )
