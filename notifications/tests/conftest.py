import pytest

from wellbeing.celery import app as celery_app


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks enqueued on commit run in the test, not on a broker."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture
def booking(practitioner):
    from notifications.tests.factories import BookingFactory

    return BookingFactory(user=practitioner)
