"""Factories for privacy's tests. Groups, sessions and bookings come from
sign-ups' factories, which make them the way that app does."""

import time

import factory

from privacy.models import SessionAttendanceSummary
from signups.tests.factories import GroupSessionFactory


class SessionAttendanceSummaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionAttendanceSummary

    session = factory.SubFactory(GroupSessionFactory)


def reauthenticate(client, user) -> None:
    """What allauth records when a person has just confirmed their password,
    so a test can reach a view behind `reauthentication_required`."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
