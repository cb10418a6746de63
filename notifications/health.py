"""Outbound mail as a /healthz component, judged from what the sweeps
recorded: reading one index costs milliseconds, where connecting to the mail
server could take its whole time-out."""

from django.utils import timezone

from notifications.selectors import outbound_mail_failing


class OutboundMailFailing(Exception):
    """The latest email attempts all failed (server unreachable or refusing)."""


def check_mail() -> None:
    error = outbound_mail_failing(now=timezone.now())
    if error:
        raise OutboundMailFailing(error)
