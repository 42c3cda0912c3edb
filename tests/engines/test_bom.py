"""The BOM graph: cycles are found wherever they are, levels are the deepest appearance."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from andon.engines.bom import find_cycle, low_level_codes, path_between


def test_low_level_code_is_deepest_appearance():
    # A bolt used directly in the pump (level 1) and in its motor (level 2) is planned at level 2.
    edges = [("PUMP", "MOTOR"), ("PUMP", "BOLT"), ("MOTOR", "BOLT")]
    assert low_level_codes(["PUMP", "MOTOR", "BOLT", "LOOSE"], edges) == {
        "PUMP": 0,
        "MOTOR": 1,
        "BOLT": 2,
        "LOOSE": 0,
    }


def test_cycle_is_named():
    edges = [("A", "B"), ("B", "C"), ("C", "A"), ("X", "A")]
    cycle = find_cycle(edges)
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"A", "B", "C"}
    with pytest.raises(ValueError, match="cycle"):
        low_level_codes([], edges)


def test_self_loop_is_a_cycle():
    assert find_cycle([("A", "A")]) == ["A", "A"]


def test_path_between():
    children = {"A": ["B"], "B": ["C"], "C": []}
    assert path_between(children, "A", "C") == ["A", "B", "C"]
    assert path_between(children, "C", "A") is None


def test_deep_chain_does_not_recurse():
    edges = [(i, i + 1) for i in range(50_000)]
    assert find_cycle(edges) is None
    assert low_level_codes(range(50_001), edges)[50_000] == 50_000


dag_edges = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30)).filter(lambda e: e[0] < e[1]), max_size=80
)


@given(dag_edges)
def test_forward_edges_never_form_a_cycle_and_levels_increase(edges):
    assert find_cycle(edges) is None
    levels = low_level_codes(range(31), edges)
    for parent, component in edges:
        assert levels[component] > levels[parent]


@given(dag_edges, st.integers(0, 30), st.integers(0, 30))
def test_back_edge_closing_a_path_is_found(edges, a, b):
    children: dict[int, list[int]] = {}
    for p, c in edges:
        children.setdefault(p, []).append(c)
    if a != b and path_between(children, a, b) is not None:
        assert find_cycle([*edges, (b, a)]) is not None
