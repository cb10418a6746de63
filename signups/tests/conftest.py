"""Fixtures for sign-ups' tests: an open group and a closed group run by the
`facilitator` fixture, each with one upcoming session."""

import pytest

from signups.tests.factories import ClosedGroupFactory, GroupSessionFactory, PeerGroupFactory


@pytest.fixture
def group(facilitator):
    return PeerGroupFactory(facilitators=[facilitator])


@pytest.fixture
def session(group):
    return GroupSessionFactory(group=group)


@pytest.fixture
def closed_group(facilitator):
    return ClosedGroupFactory(facilitators=[facilitator])


@pytest.fixture
def closed_session(closed_group):
    return GroupSessionFactory(group=closed_group)
