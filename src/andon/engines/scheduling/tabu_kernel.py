"""The tabu search's inner loop, compiled: the same search a hundred times faster.

Why: on 15x15 to 20x20 shops CP-SAT alone lands within about 1.5 % of the best known in a
minute, and the search in plain Python (5,000 steps a second on 400 operations) stalled above
that. The steps are integer work on a few arrays (heads, tails, machine sequences, a
topological order), which is what a compiler does well and the interpreter badly; numba
compiles them once and caches the machine code beside this file.

Everything lives in one integer array `g` of rows named below (one column per operation), plus
the job arcs in compressed rows (`jp_ptr`/`jp_idx` predecessors, `js_ptr`/`js_idx`
successors) and a few scalars in `s`. Marks use stamps (a row holds the stamp of the pass that
marked it), so no pass clears a row. The tabu list is one array per machine of (operation,
operation) entries; an entry holds the epoch it was written in and the step it expires at, so
a restart forgets every entry by moving to the next epoch.

`tabu.py` holds the search's description, its parameters and its Python face.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from numba import njit

A = npt.NDArray[np.int64]
F = TypeVar("F", bound=Callable[..., Any])


def _compiled(function: F) -> F:
    """Compiled on first call, cached on disk; releases the interpreter while it runs."""
    return cast(F, njit(cache=True, nogil=True)(function))


# Rows of g.
DUR, RELEASE, RES, LOCAL, MPREV, MNEXT, HEAD, TAIL, TOPO, POS = range(10)
MARK, DIRTY, BUF1, BUF2, PATH, BLOCK, SEG, BEST_MPREV, BEST_MNEXT, BEST_HEAD = range(10, 20)
ZERO = 20  # stays zero: the tails' counterpart of release dates
ROWS = 21
# Slots of s.
STAMP, EPOCH, ITERATION, STALL, BEST, MAKESPAN, FLOOR, TENURE, BLOCKS = range(9)
STALL_LIMIT, PERTURBATION, MAX_JUMP_SLOT, IMPROVED, ON_STALL = range(9, 14)
SLOTS = 14
# What a run of steps ended on.
RAN, NO_MOVE, AT_FLOOR, STALLED = range(4)
# What the steps do after STALL_LIMIT steps without a new best (slot ON_STALL).
RESTART, RETURN = range(2)

_LOW = np.int64(0xFFFFFFFF)


@_compiled
def _longest_into(value: A, dur: A, ptr: A, idx: A, machine: A, x: int, floor: int) -> int:
    """The latest end among x's neighbours on job arcs and its machine arc (heads), or the
    longest tail among them (tails, arcs reversed); at least `floor`."""
    v = floor
    for m in range(ptr[x], ptr[x + 1]):
        p = idx[m]
        if value[p] + dur[p] > v:
            v = value[p] + dur[p]
    p = machine[x]
    if p >= 0 and value[p] + dur[p] > v:
        v = value[p] + dur[p]
    return v


@_compiled
def _reached(g: A, x: int, end: int, top: int) -> int:
    """One of x's predecessors ends at `end`: x starts no earlier, and goes on the stack (rows
    BUF1 in-degrees, BUF2 stack) once its last predecessor is placed; the new stack top."""
    if g[HEAD, x] < end:
        g[HEAD, x] = end
    g[BUF1, x] -= 1
    if g[BUF1, x] == 0:
        g[BUF2, top] = x
        top += 1
    return top


@_compiled
def times(g: A, jp_ptr: A, jp_idx: A, js_ptr: A, js_idx: A, s: A) -> bool:
    """Heads, tails, a topological order and the makespan; False when the sequences cycle."""
    n = g.shape[1] - 1
    indeg, stack = g[BUF1], g[BUF2]
    head, tail, topo, pos, dur = g[HEAD], g[TAIL], g[TOPO], g[POS], g[DUR]
    mprev, mnext = g[MPREV], g[MNEXT]
    top = 0
    for i in range(n):
        indeg[i] = jp_ptr[i + 1] - jp_ptr[i] + (1 if mprev[i] >= 0 else 0)
        head[i] = g[RELEASE, i]
        if indeg[i] == 0:
            stack[top] = i
            top += 1
    count = 0
    while top > 0:
        top -= 1
        i = stack[top]
        topo[count] = i
        count += 1
        end = head[i] + dur[i]
        for k in range(js_ptr[i], js_ptr[i + 1]):
            top = _reached(g, js_idx[k], end, top)
        if mnext[i] >= 0:
            top = _reached(g, mnext[i], end, top)
    if count != n:
        return False
    makespan = 0
    for k in range(n - 1, -1, -1):
        i = topo[k]
        pos[i] = k
        tail[i] = _longest_into(tail, dur, js_ptr, js_idx, mnext, i, 0)
        if head[i] + dur[i] > makespan:
            makespan = head[i] + dur[i]
    s[MAKESPAN] = makespan
    return True


@_compiled
def _reorder(g: A, jp_ptr: A, jp_idx: A, s: A, u: int, w: int, forward: bool) -> tuple[int, int]:
    """Repair the topological order after moving u next to w; the span (lo, hi) it touched.

    Moved later, u's ancestors between w and u stay before it and the rest goes after; moved
    earlier, u's descendants between u and w go after the rest. The move's guarantee is that
    w is neither, so the order stays valid."""
    topo, pos, mprev, mark = g[TOPO], g[POS], g[MPREV], g[MARK]
    first, second = g[BUF1], g[BUF2]
    s[STAMP] += 1
    stamp = s[STAMP]
    n_first = 0
    n_second = 0
    if forward:
        lo, hi = pos[w], pos[u]
        for k in range(jp_ptr[u], jp_ptr[u + 1]):
            mark[jp_idx[k]] = stamp
        if mprev[u] >= 0:
            mark[mprev[u]] = stamp
        first[0] = u
        n_first = 1
        for k in range(hi - 1, lo - 1, -1):
            x = topo[k]
            if mark[x] == stamp:
                first[n_first] = x
                n_first += 1
                for m in range(jp_ptr[x], jp_ptr[x + 1]):
                    mark[jp_idx[m]] = stamp
                if mprev[x] >= 0:
                    mark[mprev[x]] = stamp
            else:
                second[n_second] = x
                n_second += 1
        # Both were collected from the back: written reversed, ancestors first.
        k = lo
        for m in range(n_first - 1, -1, -1):
            topo[k] = first[m]
            k += 1
        for m in range(n_second - 1, -1, -1):
            topo[k] = second[m]
            k += 1
    else:
        lo, hi = pos[u], pos[w]
        mark[u] = stamp
        for k in range(lo, hi + 1):
            x = topo[k]
            moved = x == u or (mprev[x] >= 0 and mark[mprev[x]] == stamp)
            if not moved:
                for m in range(jp_ptr[x], jp_ptr[x + 1]):
                    if mark[jp_idx[m]] == stamp:
                        moved = True
                        break
            if moved:
                mark[x] = stamp
                second[n_second] = x
                n_second += 1
            else:
                first[n_first] = x
                n_first += 1
        k = lo
        for m in range(n_first):
            topo[k] = first[m]
            k += 1
        for m in range(n_second):
            topo[k] = second[m]
            k += 1
    for k in range(lo, hi + 1):
        pos[topo[k]] = k
    return lo, hi


@_compiled
def _sweep(
    g: A,
    in_ptr: A,
    in_idx: A,
    out_ptr: A,
    out_idx: A,
    machine_in: A,
    machine_out: A,
    value: A,
    base: A,
    s: A,
    moved: int,
    first: int,
    stop: int,
    step: int,
) -> None:
    """Longest paths (heads, or tails with the arcs reversed) brought up to date along the
    topological order from `first`: an operation is looked at only when one of its incoming
    neighbours changed or the move touched it (listed in row BUF1, marked `moved` in MARK)."""
    topo, dur, touched, dirty = g[TOPO], g[DUR], g[MARK], g[DIRTY]
    s[STAMP] += 1
    stamp = s[STAMP]
    for k in range(5):
        if g[BUF1, k] >= 0:
            dirty[g[BUF1, k]] = stamp
    for k in range(first, stop, step):
        x = topo[k]
        if dirty[x] != stamp:
            continue
        v = _longest_into(value, dur, in_ptr, in_idx, machine_in, x, base[x])
        if v != value[x] or touched[x] == moved:
            value[x] = v
            for m in range(out_ptr[x], out_ptr[x + 1]):
                dirty[out_idx[m]] = stamp
            if machine_out[x] >= 0:
                dirty[machine_out[x]] = stamp


@_compiled
def move(
    g: A,
    jp_ptr: A,
    jp_idx: A,
    js_ptr: A,
    js_idx: A,
    terminal: A,
    s: A,
    u: int,
    w: int,
    forward: bool,
) -> None:
    """Move u right before (forward) or right after w on their machine, and update.

    Heads can change only downstream of the move and tails only upstream, so each pass walks
    the topological order from the move and skips operations none of whose neighbours moved."""
    mprev, mnext = g[MPREV], g[MNEXT]
    a, c = mprev[u], mnext[u]
    if a >= 0:
        mnext[a] = c
    if c >= 0:
        mprev[c] = a
    if forward:
        b = mprev[w]
        if b >= 0:
            mnext[b] = u
        mprev[u] = b
        mnext[u] = w
        mprev[w] = u
    else:
        b = mnext[w]
        if b >= 0:
            mprev[b] = u
        mprev[u] = w
        mnext[u] = b
        mnext[w] = u
    lo, hi = _reorder(g, jp_ptr, jp_idx, s, u, w, forward)
    s[STAMP] += 1
    moved = s[STAMP]
    # The operations the move touched, marked and listed for both sweeps.
    for k, x in enumerate((u, w, a, b, c)):
        g[BUF1, k] = x
        if x >= 0:
            g[MARK, x] = moved
    # Heads downstream of the move, over job predecessors and the machine predecessor; then
    # tails upstream of it, the same walk with every arc reversed.
    _sweep(
        g,
        jp_ptr,
        jp_idx,
        js_ptr,
        js_idx,
        g[MPREV],
        g[MNEXT],
        g[HEAD],
        g[RELEASE],
        s,
        moved,
        lo,
        g.shape[1] - 1,
        1,
    )
    _sweep(
        g,
        js_ptr,
        js_idx,
        jp_ptr,
        jp_idx,
        g[MNEXT],
        g[MPREV],
        g[TAIL],
        g[ZERO],
        s,
        moved,
        hi,
        -1,
        -1,
    )
    head, dur = g[HEAD], g[DUR]
    makespan = 0
    for x in terminal:
        if head[x] + dur[x] > makespan:
            makespan = head[x] + dur[x]
    s[MAKESPAN] = makespan


@_compiled
def blocks(g: A, jp_ptr: A, jp_idx: A, terminal: A, s: A) -> int:
    """A critical path into row PATH, the start of each of its blocks (runs of operations back
    to back on one machine) into row BLOCK, closed by the path's length; returns the count."""
    head, dur, mprev, mnext, path, block = g[HEAD], g[DUR], g[MPREV], g[MNEXT], g[PATH], g[BLOCK]
    cmax = s[MAKESPAN]
    ends = 0
    for x in terminal:
        if head[x] + dur[x] == cmax and mnext[x] < 0:
            ends += 1
    pick = np.random.randint(0, ends)
    cur = -1
    for x in terminal:
        if head[x] + dur[x] == cmax and mnext[x] < 0:
            if pick == 0:
                cur = x
                break
            pick -= 1
    length = 0
    while True:
        path[length] = cur
        length += 1
        p = mprev[cur]
        if p >= 0 and head[p] + dur[p] == head[cur]:
            cur = p
            continue
        nxt = -1
        for m in range(jp_ptr[cur], jp_ptr[cur + 1]):
            q = jp_idx[m]
            if head[q] + dur[q] == head[cur]:
                nxt = q
                break
        if nxt < 0:
            break
        cur = nxt
    for k in range(length // 2):
        path[k], path[length - 1 - k] = path[length - 1 - k], path[k]
    count = 1
    block[0] = 0
    for k in range(1, length):
        if mnext[path[k - 1]] != path[k]:
            block[count] = k
            count += 1
    block[count] = length
    s[BLOCKS] = count
    return count


@_compiled
def _safe(
    g: A,
    jp_ptr: A,
    jp_idx: A,
    js_ptr: A,
    js_idx: A,
    u: int,
    w: int,
    forward: bool,
    lo: int,
    hi: int,
) -> bool:
    """Whether moving u next to w over the path's operations lo..hi-1 surely keeps the graph
    acyclic (Balas and Vazacopoulos's conditions from heads and tails)."""
    head, tail, dur, res, path = g[HEAD], g[TAIL], g[DUR], g[RES], g[PATH]
    machine = res[u]
    if forward:
        limit = head[w] + dur[w]
        for m in range(jp_ptr[u], jp_ptr[u + 1]):
            p = jp_idx[m]
            if head[p] >= limit:
                return False
            if res[p] == machine:
                for k in range(lo, hi):
                    if path[k] == p:
                        return False
        return True
    limit = tail[w] + dur[w]
    for m in range(js_ptr[u], js_ptr[u + 1]):
        q = js_idx[m]
        if tail[q] + dur[q] > limit:
            return False
        if res[q] == machine:
            for k in range(lo, hi):
                if path[k] == q:
                    return False
    return True


@_compiled
def _estimate(
    g: A, jp_ptr: A, jp_idx: A, js_ptr: A, js_idx: A, length: int, before: int, after: int
) -> int:
    """Makespan estimate when the run in row SEG (first `length`) goes between machine
    neighbours `before` and `after` (-1: none), from job heads and tails (Taillard's estimate,
    extended to a run of operations)."""
    head, tail, dur, release, seg, starts = g[HEAD], g[TAIL], g[DUR], g[RELEASE], g[SEG], g[BUF1]
    end = head[before] + dur[before] if before >= 0 else 0
    for k in range(length):
        x = seg[k]
        h = release[x]
        for m in range(jp_ptr[x], jp_ptr[x + 1]):
            p = jp_idx[m]
            if head[p] + dur[p] > h:
                h = head[p] + dur[p]
        if end > h:
            h = end
        starts[k] = h
        end = h + dur[x]
    rest = tail[after] + dur[after] if after >= 0 else 0
    best = 0
    for k in range(length - 1, -1, -1):
        x = seg[k]
        t = rest
        for m in range(js_ptr[x], js_ptr[x + 1]):
            q = js_idx[m]
            if tail[q] + dur[q] > t:
                t = tail[q] + dur[q]
        rest = t + dur[x]
        if starts[k] + rest > best:
            best = starts[k] + rest
    return best


@_compiled
def _is_tabu(
    g: A, tabu: A, offset: A, count: A, s: A, u: int, forward: bool, lo: int, hi: int
) -> bool:
    """Whether the move would put back an order a recent move forbade."""
    res, local, path = g[RES], g[LOCAL], g[PATH]
    base = offset[res[u]]
    size = count[res[u]]
    epoch, now = s[EPOCH], s[ITERATION]
    for k in range(lo, hi):
        x = path[k]
        if forward:
            v = tabu[base + local[x] * size + local[u]]
        else:
            v = tabu[base + local[u] * size + local[x]]
        if (v >> 32) == epoch and (v & _LOW) > now:
            return True
    return False


@_compiled
def choose(
    g: A,
    jp_ptr: A,
    jp_idx: A,
    js_ptr: A,
    js_idx: A,
    tabu: A,
    offset: A,
    count: A,
    s: A,
    aspiration: int,
    randomly: bool,
) -> tuple[int, int, bool, int, int]:
    """The step to make from the current critical path's blocks (N7: an operation of a block to
    its front or back, or its first or last operation inside it), as (u, w, forward, lo, hi)
    with lo..hi-1 the path's operations jumped over; u is -1 when no move applies.

    The best estimate that is not tabu, or that beats `aspiration`; a random safe move when
    every one is tabu, or when `randomly` (a perturbation)."""
    path, block, mprev, mnext, seg = g[PATH], g[BLOCK], g[MPREV], g[MNEXT], g[SEG]
    nblocks = s[BLOCKS]
    jump = s[MAX_JUMP_SLOT]
    last = nblocks - 1
    best_value = -1
    best = (-1, -1, False, 0, 0)
    seen = 0
    pick = (-1, -1, False, 0, 0)
    for b in range(nblocks):
        first, end = block[b], block[b + 1]
        size = end - first
        if size < 2:
            continue
        head_free = b > 0 or last == 0
        tail_free = b < last or last == 0
        reach = min(size, jump + 1)
        for kind in range(4):
            if kind < 2 and not head_free:
                continue
            if kind >= 2 and not tail_free:
                continue
            if kind == 0:
                lo_i, hi_i = 1, reach
            elif kind == 1:
                lo_i, hi_i = 1, reach - 1
            elif kind == 2:
                lo_i, hi_i = size - reach, size - 1
            else:
                lo_i, hi_i = size - reach + 1, size - 1
            for t in range(lo_i, hi_i):
                # (i, j): from index i of the block to index j.
                if kind == 0:
                    i, j = t, 0
                elif kind == 1:
                    i, j = 0, t
                elif kind == 2:
                    i, j = t, size - 1
                else:
                    i, j = size - 1, t
                if i == j:
                    continue
                u, w = path[first + i], path[first + j]
                forward = j < i
                if forward:
                    lo, hi = first + j, first + i
                else:
                    lo, hi = first + i + 1, first + j + 1
                if not _safe(g, jp_ptr, jp_idx, js_ptr, js_idx, u, w, forward, lo, hi):
                    continue
                length = 0
                if forward:
                    seg[0] = u
                    length = 1
                for k in range(lo, hi):
                    seg[length] = path[k]
                    length += 1
                if forward:
                    before, after = mprev[w], mnext[u]
                else:
                    seg[length] = u
                    length += 1
                    before, after = mprev[u], mnext[w]
                value = _estimate(g, jp_ptr, jp_idx, js_ptr, js_idx, length, before, after)
                seen += 1
                if np.random.randint(0, seen) == 0:
                    pick = (u, w, forward, lo, hi)
                if randomly or (best_value >= 0 and value >= best_value):
                    continue
                if value < aspiration or not _is_tabu(
                    g, tabu, offset, count, s, u, forward, lo, hi
                ):
                    best_value = value
                    best = (u, w, forward, lo, hi)
    if best_value >= 0 and not randomly:
        return best
    return pick


@_compiled
def _remember_best(g: A, s: A) -> None:
    s[BEST] = s[MAKESPAN]
    g[BEST_MPREV, :] = g[MPREV]
    g[BEST_MNEXT, :] = g[MNEXT]
    g[BEST_HEAD, :] = g[HEAD]


@_compiled
def seed(value: int) -> None:
    """Seed this thread's generator, which the steps draw from."""
    np.random.seed(value)


@_compiled
def steps(
    g: A,
    jp_ptr: A,
    jp_idx: A,
    js_ptr: A,
    js_idx: A,
    terminal: A,
    tabu: A,
    offset: A,
    count: A,
    s: A,
    limit: int,
) -> int:
    """Up to `limit` steps of the search; RAN, NO_MOVE (nothing can shorten the path) or
    AT_FLOOR (the best equals the lower bound). s[IMPROVED] is set when a step found a new best.

    After STALL_LIMIT steps without a new best the search goes back to the best schedule,
    forgets the tabu list and makes PERTURBATION random moves from there, or, when ON_STALL
    says RETURN, returns STALLED and leaves the next start to the caller."""
    tenure = s[TENURE]
    for _ in range(limit):
        if s[BEST] <= s[FLOOR]:
            return AT_FLOOR
        blocks(g, jp_ptr, jp_idx, terminal, s)
        u, w, forward, lo, hi = choose(
            g, jp_ptr, jp_idx, js_ptr, js_idx, tabu, offset, count, s, s[BEST], False
        )
        if u < 0:
            return NO_MOVE
        s[ITERATION] += 1
        move(g, jp_ptr, jp_idx, js_ptr, js_idx, terminal, s, u, w, forward)
        # Forbid putting the jumped operations back on the other side of u for a while.
        until = (s[EPOCH] << 32) | (s[ITERATION] + tenure + np.random.randint(0, tenure))
        res, local, path = g[RES], g[LOCAL], g[PATH]
        base = offset[res[u]]
        size = count[res[u]]
        for k in range(lo, hi):
            x = path[k]
            if forward:
                tabu[base + local[x] * size + local[u]] = until
            else:
                tabu[base + local[u] * size + local[x]] = until
        if s[MAKESPAN] < s[BEST]:
            _remember_best(g, s)
            s[IMPROVED] = 1
            s[STALL] = 0
            continue
        s[STALL] += 1
        if s[STALL] >= s[STALL_LIMIT]:
            s[STALL] = 0
            if s[ON_STALL] == RETURN:
                return STALLED
            s[EPOCH] += 1
            g[MPREV, :] = g[BEST_MPREV]
            g[MNEXT, :] = g[BEST_MNEXT]
            times(g, jp_ptr, jp_idx, js_ptr, js_idx, s)
            for _ in range(s[PERTURBATION]):
                blocks(g, jp_ptr, jp_idx, terminal, s)
                u, w, forward, lo, hi = choose(
                    g, jp_ptr, jp_idx, js_ptr, js_idx, tabu, offset, count, s, -1, True
                )
                if u >= 0:
                    move(g, jp_ptr, jp_idx, js_ptr, js_idx, terminal, s, u, w, forward)
    return RAN


@_compiled
def positions(mprev: A, out: A) -> None:
    """Each operation's place on its machine (0 first), from the machine predecessors."""
    for i in range(out.shape[0]):
        place = 0
        p = mprev[i]
        while p >= 0:
            place += 1
            p = mprev[p]
        out[i] = place


@_compiled
def distance(mnext: A, target: A) -> int:
    """Pairs of operations that the machine sequences `mnext` (each operation's successor on
    its machine) order otherwise than `target` (each one's place on its machine in another
    schedule)."""
    pairs = 0
    for u in range(mnext.shape[0]):
        v = mnext[u]
        while v >= 0:
            if target[v] < target[u]:
                pairs += 1
            v = mnext[v]
    return pairs


@_compiled
def relink(
    g: A, jp_ptr: A, jp_idx: A, js_ptr: A, js_idx: A, s: A, target: A, lo: int, hi: int
) -> int:
    """Walk from the current sequences toward `target` by swapping neighbours on a machine
    that `target` orders the other way, one pair fewer out of order per swap, for up to `hi`
    swaps; the sequences left current are the shortest passed after at least `lo` swaps.
    Returns the swaps made.

    Of the neighbours out of order, the pair closest together in the topological order is
    swapped: a path from the first to the second other than their own arc would pass through
    another pair out of order lying between them, so swapping the closest pair cannot close a
    cycle. Ties are broken at random, so two walks between the same schedules differ."""
    n = g.shape[1] - 1
    mprev, mnext, pos = g[MPREV], g[MNEXT], g[POS]
    best = -1
    made = 0
    while made < hi:
        pick = -1
        span = n + 1
        first = np.random.randint(0, n)
        for k in range(n):
            u = (first + k) % n
            v = mnext[u]
            if v >= 0 and target[v] < target[u] and pos[v] - pos[u] < span:
                span = pos[v] - pos[u]
                pick = u
        if pick < 0:
            break
        u = pick
        v = mnext[u]
        p, q = mprev[u], mnext[v]
        if p >= 0:
            mnext[p] = v
        mprev[v] = p
        mnext[v] = u
        mprev[u] = v
        mnext[u] = q
        if q >= 0:
            mprev[q] = u
        made += 1
        times(g, jp_ptr, jp_idx, js_ptr, js_idx, s)
        if made >= lo and (best < 0 or s[MAKESPAN] < best):
            best = s[MAKESPAN]
            g[BEST_MPREV, :] = mprev
            g[BEST_MNEXT, :] = mnext
    if best >= 0:
        g[MPREV, :] = g[BEST_MPREV]
        g[MNEXT, :] = g[BEST_MNEXT]
        times(g, jp_ptr, jp_idx, js_ptr, js_idx, s)
    return made
