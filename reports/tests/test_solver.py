"""The equation solver the disclosure tests attack published tables with."""

from fractions import Fraction

from reports.tests.solver import pinned_down

ONE = Fraction(1)


def _sum(total, *parts):
    return {total: ONE} | {part: -ONE for part in parts}


def test_a_lone_hidden_part_of_a_shown_total_is_pinned():
    assert pinned_down(["a"], [_sum("t", "a", "b")]) == {"a"}


def test_two_hidden_parts_of_one_total_are_not():
    assert pinned_down(["a", "b"], [_sum("t", "a", "b")]) == set()


def test_a_two_by_two_square_of_hidden_cells_is_not():
    # rows a+b, c+d and columns a+c, b+d shown: every cell can move by ±1 round the square
    eqs = [_sum("r1", "a", "b"), _sum("r2", "c", "d"), _sum("c1", "a", "c"), _sum("c2", "b", "d")]
    assert pinned_down("abcd", eqs) == set()


def test_a_cell_joining_two_squares_is_pinned():
    square = [_sum("r1", "a", "b"), _sum("c1", "a", "c"), _sum("c2", "b", "d")]
    other = [_sum("r4", "e", "f"), _sum("c3", "e", "g"), _sum("c4", "f", "h")]
    # x sits in row 2 with c and d, and in row 3 with g and h: a bridge
    eqs = [*square, *other, _sum("r2", "c", "d", "x"), _sum("r3", "g", "h", "x")]
    assert pinned_down("abcdefghx", eqs) == {"x"}
