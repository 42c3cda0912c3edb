"""The product structure as a graph: cycle detection and low-level codes.

Both the catalog (rejecting a BOM line that would close a loop) and MRP (planning items level by
level) depend on these two answers, so they are computed in one place, iteratively (a 10-level,
100,000-line structure must not hit Python's recursion limit).
"""

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from andon.engines.errors import ProblemError

K = TypeVar("K", bound=Hashable)


class BomCycleError(ProblemError):
    """The structure has a cycle, so no item order plans every parent before its components."""


def children_map(edges: Iterable[tuple[K, K]]) -> dict[K, list[K]]:
    """Parent -> components, from (parent, component) pairs."""
    children: dict[K, list[K]] = defaultdict(list)
    for parent, component in edges:
        children[parent].append(component)
    return dict(children)


def find_cycle(edges: Iterable[tuple[K, K]]) -> list[K] | None:
    """A cycle in the structure as [a, b, ..., a], or None when the structure is a DAG."""
    children = children_map(edges)
    white, grey, black = 0, 1, 2
    state: dict[K, int] = {}
    for root in list(children):
        if state.get(root, white) != white:
            continue
        path: list[K] = [root]
        iters = [iter(children.get(root, ()))]
        state[root] = grey
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = black
                iters.pop()
                continue
            mark = state.get(nxt, white)
            if mark == grey:
                return [*path[path.index(nxt) :], nxt]
            if mark == white:
                state[nxt] = grey
                path.append(nxt)
                iters.append(iter(children.get(nxt, ())))
    return None


def path_between(children: Mapping[K, Sequence[K]], start: K, goal: K) -> list[K] | None:
    """A path start -> ... -> goal following component links, or None (breadth first)."""
    previous: dict[K, K | None] = {start: None}
    queue: deque[K] = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while (back := previous[path[-1]]) is not None:
                path.append(back)
            return path[::-1]
        for child in children.get(node, ()):
            if child not in previous:
                previous[child] = node
                queue.append(child)
    return None


def low_level_codes(items: Iterable[K], edges: Iterable[tuple[K, K]]) -> dict[K, int]:
    """The deepest level at which each item appears (0 = never a component).

    MRP plans an item only after every parent that can demand it, i.e. in ascending low-level
    code. Raises BomCycleError naming a cycle if there is one.
    """
    edge_list = list(edges)
    children = children_map(edge_list)
    indegree: dict[K, int] = dict.fromkeys(items, 0)
    for parent, component in edge_list:
        indegree.setdefault(parent, 0)
        indegree[component] = indegree.get(component, 0) + 1
    level = dict.fromkeys(indegree, 0)
    queue = deque(k for k, d in indegree.items() if d == 0)
    seen = 0
    while queue:
        node = queue.popleft()
        seen += 1
        for child in children.get(node, ()):
            level[child] = max(level[child], level[node] + 1)
            indegree[child] -= 1
            if indegree[child] == 0:
                queue.append(child)
    if seen != len(indegree):
        cycle = find_cycle(edge_list)
        raise BomCycleError(f"the structure has a cycle: {' -> '.join(map(str, cycle or []))}")
    return level
