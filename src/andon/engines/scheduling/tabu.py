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
) -> Outcome:
    """The best schedule reachable from `start` by re-sequencing in `time_limit` seconds.

    `problem` must satisfy `applies()`; `start` must be feasible. `stop` ends the search early
    when it returns True (asked every few milliseconds), and so does `stall_seconds` without a
    new best: on a shop small enough for CP-SAT to close, the cores do more there. The result
    is never worse than `start` (in makespan) and is semi-active: every operation starts as
    early as its machine sequence and its predecessors allow.
    """
    began = time.perf_counter()
    deadline = began + time_limit
    graph = _Graph(problem, start)
    k = graph.kernel
    g, s = graph.g, graph.s
    n = len(graph.names)
    machines = len(set(graph.resource)) or 1
    s[k.TENURE] = 8 + n // (machines * 4)
    s[k.STALL_LIMIT] = STALL_ITERATIONS
    s[k.PERTURBATION] = perturbation
    s[k.FLOOR] = graph.lower_bound()
    g[k.BEST_HEAD] = g[k.HEAD]
    g[k.BEST_MPREV] = g[k.MPREV]
    g[k.BEST_MNEXT] = g[k.MNEXT]
    s[k.BEST] = s[k.MAKESPAN]
    k.seed(seed)
    improved = began
    chunk = 64
    while n > 1:
        now = time.perf_counter()
        if now >= deadline or (stop is not None and stop()):
            break
        if stall_seconds is not None and now - improved >= stall_seconds:
            break
        s[k.IMPROVED] = 0
        ended = k.steps(
            g,
            graph.jp_ptr,
            graph.jp_idx,
            graph.js_ptr,
            graph.js_idx,
            graph.terminal,
            graph.tabu,
            graph.offset,
            graph.count,
            s,
            chunk,
        )
        after = time.perf_counter()
        if s[k.IMPROVED]:
            improved = after
        if ended != k.RAN:
            break
        # Steps between two looks at the clock: about CHUNK_SECONDS of work.
        if after - now < CHUNK_SECONDS / 2:
            chunk *= 2
        elif after - now > CHUNK_SECONDS * 2 and chunk > 1:
            chunk //= 2
    best = int(s[k.BEST])
    return Outcome(
        graph.schedule(g[k.BEST_HEAD]),
        best,
        int(s[k.ITERATION]),
        time.perf_counter() - began,
        best <= int(s[k.FLOOR]),
    )


def search_in_parallel(
    problem: Problem,
    start: Schedule,
    time_limit: float,
    seeds: Sequence[int],
    stop: Callable[[], bool] | None = None,
    stall_seconds: float | None = None,
) -> Outcome:
    """The best of one search per seed, each on its own thread from `start`.

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
        outcome = search(problem, start, time_limit, seed, stopped, stall_seconds, kick)
        if outcome.at_lower_bound:
            reached.set()
        outcomes.append(outcome)

    threads = [threading.Thread(target=walk, args=(seed,)) for seed in seeds[1:]]
    for thread in threads:
        thread.start()
    walk(seeds[0])
    for thread in threads:
        thread.join()
    best = min(outcomes, key=lambda o: o.makespan)
    return Outcome(
        best.schedule,
        best.makespan,
        sum(o.iterations for o in outcomes),
        max(o.seconds for o in outcomes),
        best.at_lower_bound,
    )
