"""What a person's place at a session can be.

Sign-ups' `Booking` owns the rows and uses these statuses as its own
(`Booking.Status`); they are declared here, below sign-ups, because groups
counts the people a schedule change tells without importing sign-ups.
"""

from django.db import models


class PlaceStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Place confirmed"
    WAITLISTED = "waitlisted", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


# Holding a place or queueing for one: the people a change to a session is told about.
HOLDING = (PlaceStatus.CONFIRMED, PlaceStatus.WAITLISTED)
