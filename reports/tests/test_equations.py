"""Exact determinacy of unknowns in sum equations (reports.equations)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.equations import certificates, components, determined
from reports.tests import solver


def _sum(total, *parts):
    return {total: 1} | {part: -1 for part in parts}


def _combined(equations, certificate) -> set:
    """The unknowns left in the combination a certificate describes."""
    combined: dict = {}
    for index, multiplier in certificate.items():
        for key, c in equations[index].items():
            combined[key] = combined.get(key, 0) + multiplier * c
    return {key for key, c in combined.items() if c}


def test_a_lone_unknown_of_an_equation_is_determined():
    assert determined([{"a": -1}, _sum("t", "b", "c")]) == {"a"}


def test_two_unknowns_of_one_equation_are_not():
    assert determined([_sum("t", "a", "b")]) == set()


def test_a_cell_joining_two_squares_is_determined_and_its_certificate_says_how():
    square = [_sum("r1", "a", "b"), _sum("c1", "a", "c"), _sum("c2", "b", "d")]
    other = [_sum("r4", "e", "f"), _sum("c3", "e", "g"), _sum("c4", "f", "h")]
    equations = [*square, *other, _sum("r2", "c", "d", "x"), _sum("r3", "g", "h", "x")]
    unknowns = [{key: c for key, c in eq.items() if key in "abcdefghx"} for eq in equations]
    pinned = certificates(unknowns)
    assert set(pinned) == determined(unknowns) == {"x"}
    assert _combined(unknowns, pinned["x"]) == {"x"}


def test_components_join_unknowns_that_share_an_equation():
    found = components([{"a": 1, "b": -1}, {"c": 1}, {}, {"b": 1, "d": 1}])
    assert found == [(["a", "b", "d"], [0, 3]), (["c"], [1])]


equations = st.lists(st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from([-2, -1, 1, 2]), max_size=4),
                     max_size=8)


@settings(max_examples=300, deadline=None)
@given(equations)
def test_it_agrees_with_the_test_solver_on_any_small_system(system):
    unknowns = list(dict.fromkeys(key for equation in system for key in equation))
    assert determined(system) == solver.pinned_down(unknowns, system)
    for cell, certificate in certificates(system).items():
        assert _combined(system, certificate) == {cell}
