"""Pooling feedback for the facilitators' page: no pool shown with fewer than
three responses, every response in at most one pool, nothing per session."""

from hypothesis import given
from hypothesis import strategies as st

from signups.selectors import MIN_FEEDBACK_RESPONSES, feedback_pools

answers = st.lists(st.tuples(st.integers(1, 5), st.sampled_from(["", "a", "b", "c"])), max_size=4)


@given(st.lists(answers, max_size=12))
def test_every_pool_shown_holds_at_least_three_responses_and_later_ones_wait(sessions):
    result = feedback_pools(list(enumerate(sessions)))
    shown = [s for pool in result.pools for s in pool.sessions]
    for pool in result.pools:
        assert pool.responses >= MIN_FEEDBACK_RESPONSES
        given_ = [a for s in pool.sessions for a in sessions[s]]
        assert pool.responses == len(given_)
        assert list(pool.comments) == sorted(c for _h, c in given_ if c)
    assert sorted(shown + list(result.waiting)) == list(range(len(sessions)))
    assert sum(len(sessions[s]) for s in result.waiting) < MIN_FEEDBACK_RESPONSES
    assert all(s > max(shown, default=-1) for s in result.waiting)
