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
where they can change. After a long run without gain it restarts from the best schedule with a
few random moves.

The time limit is the solver's: it is the only clock read.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from andon.engines.scheduling.problem import Problem
from andon.engines.scheduling.result import Assignment, Schedule

# Iterations without a new best before a restart from the best with a random perturbation.
STALL_ITERATIONS = 3000
PERTURBATION_SWAPS = 3
# Iterations per operation after which the search stops even with time left: a small shop is
# settled long before, and CP-SAT, which can prove optimality, should get the time.
ITERATIONS_PER_OPERATION = 1000
# Farthest an operation moves inside a block: long blocks of large shops would otherwise make
# each step evaluate hundreds of moves, most of them far-fetched.
MAX_JUMP = 8


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
    """Machine sequences over fixed job arcs, with heads and tails of the current sequences."""

    def __init__(self, problem: Problem, start: Schedule) -> None:
        ops = problem.operations
        index = {op.name: i for i, op in enumerate(ops)}
        self.names = [op.name for op in ops]
        placed = start.by_operation
        self.resource = [placed[op.name].resource for op in ops]
        self.dur = [op.duration_on(placed[op.name].resource) for op in ops]
        self.release = [problem.job_by_name[op.job].release for op in ops]
        self.jp = [sorted({index[p] for p in problem.all_predecessors(op)}) for op in ops]
        js: list[list[int]] = [[] for _ in ops]
        for i, preds in enumerate(self.jp):
            for p in preds:
                js[p].append(i)
        self.js = js
        # Operations with no job successor: every longest path ends at one of them.
        self.terminal = [i for i in range(len(ops)) if not js[i]]
        lanes: dict[str, list[int]] = defaultdict(list)
        for i in sorted(range(len(ops)), key=lambda i: (placed[ops[i].name].start, i)):
            lanes[self.resource[i]].append(i)
        self.mprev = [-1] * len(ops)
        self.mnext = [-1] * len(ops)
        for lane in lanes.values():
            for a, b in itertools.pairwise(lane):
                self.mnext[a] = b
                self.mprev[b] = a
        self.head = [0] * len(ops)
        self.tail = [0] * len(ops)  # longest path from the end of an operation to the sink
        self.topo: list[int] = []  # a topological order of the current graph
        self.pos = [0] * len(ops)  # each operation's place in it
        self.makespan = 0
        self.times()

    def times(self) -> bool:
        """Heads, tails and makespan of the current sequences (False: they have a cycle)."""
        n = len(self.dur)
        dur, jp, js, mprev, mnext = self.dur, self.jp, self.js, self.mprev, self.mnext
        indeg = [len(jp[i]) + (mprev[i] >= 0) for i in range(n)]
        head = self.release[:]
        stack = [i for i in range(n) if indeg[i] == 0]
        order = []
        while stack:
            i = stack.pop()
            order.append(i)
            end = head[i] + dur[i]
            for s in js[i]:
                if head[s] < end:
                    head[s] = end
                indeg[s] -= 1
                if indeg[s] == 0:
                    stack.append(s)
            s = mnext[i]
            if s >= 0:
                if head[s] < end:
                    head[s] = end
                indeg[s] -= 1
                if indeg[s] == 0:
                    stack.append(s)
        if len(order) != n:
            return False
        tail = [0] * n
        for i in reversed(order):
            t = 0
            for s in js[i]:
                v = tail[s] + dur[s]
                if v > t:
                    t = v
            s = mnext[i]
            if s >= 0:
                v = tail[s] + dur[s]
                if v > t:
                    t = v
            tail[i] = t
        self.head, self.tail, self.topo = head, tail, order
        for k, i in enumerate(order):
            self.pos[i] = k
        self.makespan = max((h + d for h, d in zip(head, dur, strict=True)), default=0)
        return True

    def _reorder(self, u: int, w: int, forward: bool) -> tuple[int, int]:
        """Repair the topological order after moving u next to w; returns the span touched.

        Moved later (after w), u's descendants between u and w go after the rest; moved earlier
        (before w), u's ancestors between w and u go before the rest. The move's guarantee
        (`_safe`) is that w is neither, so the order stays valid.
        """
        topo, pos, jp, mprev = self.topo, self.pos, self.jp, self.mprev
        if forward:
            lo, hi = pos[w], pos[u]
            needed = set(jp[u])
            needed.add(mprev[u])
            early = [u]
            late: list[int] = []
            for k in range(hi - 1, lo - 1, -1):
                x = topo[k]
                if x in needed:
                    early.append(x)
                    needed.update(jp[x])
                    needed.add(mprev[x])
                else:
                    late.append(x)
            early.reverse()
            late.reverse()
            topo[lo : hi + 1] = early + late
        else:
            lo, hi = pos[u], pos[w]
            seen = {u}
            kept: list[int] = []
            moved: list[int] = []
            for k in range(lo, hi + 1):
                x = topo[k]
                if x == u or mprev[x] in seen or any(p in seen for p in jp[x]):
                    seen.add(x)
                    moved.append(x)
                else:
                    kept.append(x)
            topo[lo : hi + 1] = kept + moved
        for k in range(lo, hi + 1):
            pos[topo[k]] = k
        return lo, hi

    def move(self, u: int, w: int, forward: bool) -> None:
        """Move u right before (forward) or right after w on their machine, and update.

        Heads can change only downstream of the move, tails only upstream, so each pass walks
        the topological order from the move and skips operations none of whose neighbours moved.
        """
        mprev, mnext = self.mprev, self.mnext
        a, c = mprev[u], mnext[u]
        if a >= 0:
            mnext[a] = c
        if c >= 0:
            mprev[c] = a
        if forward:
            p = mprev[w]
            if p >= 0:
                mnext[p] = u
            mprev[u], mnext[u], mprev[w] = p, w, u
            touched = {u, w, a, c, p}
        else:
            q = mnext[w]
            if q >= 0:
                mprev[q] = u
            mprev[u], mnext[u], mnext[w] = w, q, u
            touched = {u, w, a, c, q}
        touched.discard(-1)
        lo, hi = self._reorder(u, w, forward)
        topo, head, tail, dur = self.topo, self.head, self.tail, self.dur
        jp, js, mprev, mnext, release = self.jp, self.js, self.mprev, self.mnext, self.release
        dirty = [False] * len(topo)
        for x in touched:
            dirty[x] = True
        for k in range(lo, len(topo)):
            x = topo[k]
            if not dirty[x]:
                continue
            h = release[x]
            for p in jp[x]:
                e = head[p] + dur[p]
                if e > h:
                    h = e
            p = mprev[x]
            if p >= 0:
                e = head[p] + dur[p]
                if e > h:
                    h = e
            if h != head[x] or x in touched:
                head[x] = h
                for s in js[x]:
                    dirty[s] = True
                s = mnext[x]
                if s >= 0:
                    dirty[s] = True
        dirty = [False] * len(topo)
        for x in touched:
            dirty[x] = True
        for k in range(hi, -1, -1):
            x = topo[k]
            if not dirty[x]:
                continue
            t = 0
            for s in js[x]:
                e = tail[s] + dur[s]
                if e > t:
                    t = e
            s = mnext[x]
            if s >= 0:
                e = tail[s] + dur[s]
                if e > t:
                    t = e
            if t != tail[x] or x in touched:
                tail[x] = t
                for p in jp[x]:
                    dirty[p] = True
                p = mprev[x]
                if p >= 0:
                    dirty[p] = True
        self.makespan = max(head[i] + dur[i] for i in self.terminal)

    def blocks(self, rng: random.Random) -> list[list[int]]:
        """The critical path's blocks: runs of operations back to back on one machine."""
        head, dur, cmax = self.head, self.dur, self.makespan
        ends = [i for i in self.terminal if head[i] + dur[i] == cmax and self.mnext[i] < 0]
        cur = rng.choice(ends)
        path = [cur]
        while True:
            p = self.mprev[cur]
            if p >= 0 and head[p] + dur[p] == head[cur]:
                cur = p
            else:
                tight = [q for q in self.jp[cur] if head[q] + dur[q] == head[cur]]
                if not tight:
                    break
                cur = tight[0]
            path.append(cur)
        path.reverse()
        blocks: list[list[int]] = [[path[0]]]
        for a, b in itertools.pairwise(path):
            if self.mnext[a] == b:
                blocks[-1].append(b)
            else:
                blocks.append([b])
        return blocks

    def lower_bound(self) -> int:
        """The longest job path or machine load: no sequence can do better."""
        n = len(self.dur)
        load: dict[str, int] = defaultdict(int)
        earliest = [0] * n
        for i in range(n):
            load[self.resource[i]] += self.dur[i]
            earliest[i] = self.release[i]
        bound = max(load.values(), default=0)
        # Heads over job arcs alone, in the graph's own (acyclic) order of job arcs.
        indeg = [len(self.jp[i]) for i in range(n)]
        stack = [i for i in range(n) if indeg[i] == 0]
        while stack:
            i = stack.pop()
            end = earliest[i] + self.dur[i]
            bound = max(bound, end)
            for s in self.js[i]:
                earliest[s] = max(earliest[s], end)
                indeg[s] -= 1
                if indeg[s] == 0:
                    stack.append(s)
        return bound

    def safe(self, u: int, w: int, forward: bool, over: list[int]) -> bool:
        """Whether moving u next to w, over the block operations `over`, surely keeps the graph
        acyclic (Balas and Vazacopoulos's conditions, from heads and tails).

        A cycle needs a path from an operation jumped over into a job predecessor of u (moving
        earlier) or from a job successor of u into one (moving later); such a path would make
        that predecessor's head, or successor's tail, at least as long as w's.
        """
        head, tail, dur, resource = self.head, self.tail, self.dur, self.resource
        machine = resource[u]
        if forward:
            limit = head[w] + dur[w]
            for p in self.jp[u]:
                if head[p] >= limit or (resource[p] == machine and p in over):
                    return False
            return True
        limit = tail[w] + dur[w]
        for s in self.js[u]:
            if tail[s] + dur[s] > limit or (resource[s] == machine and s in over):
                return False
        return True

    def estimate(self, segment: list[int], before: int, after: int) -> int:
        """Makespan estimate when `segment` runs in this order between machine neighbours
        `before` and `after` (-1: none), from job heads and tails (Taillard's estimate,
        extended to a run of operations)."""
        head, tail, dur, jp, js = self.head, self.tail, self.dur, self.jp, self.js
        end = head[before] + dur[before] if before >= 0 else 0
        starts = []
        for x in segment:
            h = self.release[x]
            for p in jp[x]:
                e = head[p] + dur[p]
                if e > h:
                    h = e
            if end > h:
                h = end
            starts.append(h)
            end = h + dur[x]
        rest = tail[after] + dur[after] if after >= 0 else 0
        best = 0
        for k in range(len(segment) - 1, -1, -1):
            x = segment[k]
            t = rest
            for s in js[x]:
                e = tail[s] + dur[s]
                if e > t:
                    t = e
            rest = t + dur[x]
            if starts[k] + rest > best:
                best = starts[k] + rest
        return best

    def sequences(self) -> tuple[list[int], list[int]]:
        return self.mprev[:], self.mnext[:]

    def restore(self, mprev: list[int], mnext: list[int]) -> None:
        self.mprev, self.mnext = mprev[:], mnext[:]
        self.times()

    def schedule(self, heads: list[int]) -> Schedule:
        return Schedule(
            tuple(
                Assignment(name, self.resource[i], heads[i], heads[i] + self.dur[i])
                for i, name in enumerate(self.names)
            )
        )


Move = tuple[int, int, bool]  # (operation, operation it goes next to, before it?)


def _moves(graph: _Graph, blocks: list[list[int]]) -> list[tuple[Move, list[int], int]]:
    """N7 (Zhang et al.): move an operation of a block to its front or back, or its first or
    last operation inside it; not at the start of the first block or the end of the last, which
    cannot shorten the path. Each move comes with the new run of operations and its estimate.
    """
    out: list[tuple[Move, list[int], int]] = []
    seen: set[Move] = set()
    last = len(blocks) - 1
    for k, block in enumerate(blocks):
        size = len(block)
        if size < 2:
            continue
        head_free = k > 0 or last == 0
        tail_free = k < last or last == 0
        candidates: list[tuple[int, int]] = []  # (from index, to index) in the block
        reach = min(size, MAX_JUMP + 1)
        if head_free:
            candidates += [(i, 0) for i in range(1, reach)]
            candidates += [(0, i) for i in range(1, reach - 1)]
        if tail_free:
            candidates += [(i, size - 1) for i in range(size - reach, size - 1)]
            candidates += [(size - 1, i) for i in range(size - reach + 1, size - 1)]
        for i, j in candidates:
            u, w, forward = block[i], block[j], j < i
            if (u, w, forward) in seen:
                continue
            seen.add((u, w, forward))
            if forward:
                over = block[j:i]
                segment = [u, *over]
                before, after = graph.mprev[w], graph.mnext[u]
            else:
                over = block[i + 1 : j + 1]
                segment = [*over, u]
                before, after = graph.mprev[u], graph.mnext[w]
            if graph.safe(u, w, forward, over):
                out.append(((u, w, forward), over, graph.estimate(segment, before, after)))
    return out


def _tabu(tabu: dict[tuple[int, int], int], move: Move, over: list[int], now: int) -> bool:
    """Whether the move would restore an order forbidden by a recent move."""
    u, _, forward = move
    if forward:
        return any(tabu.get((u, x), 0) > now for x in over)
    return any(tabu.get((x, u), 0) > now for x in over)


def search(
    problem: Problem,
    start: Schedule,
    time_limit: float,
    seed: int,
    stop: Callable[[], bool] | None = None,
    stall_seconds: float | None = None,
) -> Outcome:
    """The best schedule reachable from `start` by re-sequencing in `time_limit` seconds.

    `problem` must satisfy `applies()`; `start` must be feasible. `stop` ends the search early
    when it returns True (checked every few steps), and so does `stall_seconds` without a new
    best: on a shop small enough for CP-SAT to close, the cores do more there. The result is
    never worse than `start` (in makespan) and is semi-active: every operation starts as early
    as its machine sequence and its predecessors allow.
    """
    began = time.perf_counter()
    deadline = began + time_limit
    rng = random.Random(seed)
    graph = _Graph(problem, start)
    n = len(graph.dur)
    best_value = graph.makespan
    best_state = graph.sequences()
    best_heads = graph.head[:]
    tabu: dict[tuple[int, int], int] = {}
    machines = len(set(graph.resource)) or 1
    base_tenure = 8 + n // (machines * 4)
    iteration = stall = 0
    floor = graph.lower_bound()
    improved = began
    while n > 1 and best_value > floor and iteration < ITERATIONS_PER_OPERATION * n:
        if iteration % 16 == 0:
            now = time.perf_counter()
            if now >= deadline or (stop is not None and stop()):
                break
            if stall_seconds is not None and now - improved >= stall_seconds:
                break
        iteration += 1
        moves = _moves(graph, graph.blocks(rng))
        if not moves:
            break  # one block spans the whole critical path: nothing can shorten it
        chosen: tuple[Move, list[int], int] | None = None
        for candidate in moves:
            value = candidate[2]
            allowed = value < best_value or not _tabu(tabu, candidate[0], candidate[1], iteration)
            if allowed and (chosen is None or value < chosen[2]):
                chosen = candidate
        if chosen is None:
            chosen = rng.choice(moves)
        (u, w, forward), over, _ = chosen
        graph.move(u, w, forward)
        # Forbid putting the jumped operations back on the other side of u for a while.
        until = iteration + base_tenure + rng.randrange(base_tenure)
        for x in over:
            tabu[(x, u) if forward else (u, x)] = until
        if graph.makespan < best_value:
            best_value = graph.makespan
            best_state = graph.sequences()
            best_heads = graph.head[:]
            improved = time.perf_counter()
            stall = 0
            continue
        stall += 1
        if stall >= STALL_ITERATIONS:
            stall = 0
            tabu.clear()
            graph.restore(*best_state)
            for _ in range(PERTURBATION_SWAPS):
                candidates = _moves(graph, graph.blocks(rng))
                if candidates:
                    (u, w, forward), _, _ = rng.choice(candidates)
                    graph.move(u, w, forward)
    return Outcome(
        graph.schedule(best_heads),
        best_value,
        iteration,
        time.perf_counter() - began,
        best_value <= floor,
    )
